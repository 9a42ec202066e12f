// Package example shows a vendor's `go test` running gridtwin's whole
// conformance suite, here against the in-process mock.
package example

import (
	"io/fs"
	"net/http/httptest"
	"testing"

	"github.com/gridtwin/gridtwin/conformance"
	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock"
)

func TestConformance(t *testing.T) {
	h, err := mock.New(mock.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	// A vendor writes its own target file; the mock's describes the mock.
	data, err := fs.ReadFile(fixtures.FS(), "conformance.yaml")
	if err != nil {
		t.Fatal(err)
	}
	target, err := conformance.ParseTarget(data)
	if err != nil {
		t.Fatal(err)
	}
	target.OverrideBaseURL(srv.URL)

	summary := conformance.Test(t, target, conformance.Options{})
	for _, a := range summary.APIs {
		if a.Passed == 0 || a.Failed+a.CouldNotRun != 0 {
			t.Errorf("%s: passed %d, failed %d, could not run %d", a.API, a.Passed, a.Failed, a.CouldNotRun)
		}
	}
}
