package conformance

import (
	"testing"

	"github.com/gridtwin/gridtwin/conformance/internal/suitetest"
)

// TestMain runs the suite itself when suitetest.RunSuite re-executes the
// test binary; this package's init has registered all three APIs.
func TestMain(m *testing.M) { suitetest.Main(m) }
