package specs

import (
	"slices"
	"strings"
	"testing"
)

// Load trusts the embedded documents without checking them against the
// OpenAPI schema at every start; this test is that check.
func TestEmbeddedDocumentsAreValidOpenAPI(t *testing.T) {
	for _, name := range []string{Otark, Podero, Esmart} {
		b, err := Bytes(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(name, b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParseRejectsAnInvalidDocument(t *testing.T) {
	doc := "openapi: 3.0.0\ninfo: {title: broken}\npaths: {}\n" // info.version is required
	if _, err := Parse("broken", []byte(doc)); err == nil || !strings.Contains(err.Error(), "not a valid OpenAPI document") {
		t.Errorf("Parse of a document without info.version: err = %v", err)
	}
}

func TestReconstructedNamesTheMarkedKeywords(t *testing.T) {
	got, err := Reconstructed(Esmart)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(got, "/properties/BirthDate/format") {
		t.Fatalf("Reconstructed(esmart) = %q, want /properties/BirthDate/format among them", got)
	}
	if got, _ := Reconstructed(Otark); len(got) != 0 {
		t.Errorf("otark is the seed verbatim, yet has reconstructed constraints %q", got)
	}
}
