package esmart

import (
	"testing"

	"github.com/gridtwin/gridtwin/conformance/internal/suitetest"
)

// TestMain registers the package's API: the suite the tests run in a
// subprocess knows that API only.
func TestMain(m *testing.M) {
	Register()
	suitetest.Main(m)
}
