package suite

import (
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
)

// Options tune an embedded run; the zero value is `gridtwin conform`'s
// defaults.
type Options struct {
	AllowDestructive bool
	// APIs selects APIs by name; empty means every API the target names.
	APIs string
	// RequestTimeout bounds one request (default 10 s).
	RequestTimeout time.Duration
	// JUnit and Report, when set, are written as with --junit and --report.
	JUnit, Report string
}

// Test runs the whole suite inside a vendor's `go test`, as csi-sanity's
// sanity.Test does:
//
//	func TestConformance(t *testing.T) {
//		target, err := conformance.ParseTarget(targetYAML)
//		...
//		conformance.Test(t, target, conformance.Options{})
//	}
//
// A failed check fails t; checks that could not run fail it too, since a
// gate that cannot judge has not passed. Ginkgo runs one suite per process,
// so call Test once per test binary. Ginkgo's flags (-ginkgo.focus, ...)
// apply as in any Ginkgo suite.
func Test(t *testing.T, target *Target, opts Options) Summary {
	t.Helper()
	if err := target.Validate(); err != nil {
		t.Fatalf("conformance target: %v", err)
	}
	run := &runConfig{target: target, apis: opts.APIs, allowDestructive: opts.AllowDestructive,
		requestTimeout: opts.RequestTimeout, junitPath: opts.JUnit, reportPath: opts.Report}
	if run.requestTimeout <= 0 {
		run.requestTimeout = 10 * time.Second
	}
	run.suiteConfig, run.reporterConfig = GinkgoConfiguration()
	s := execute(run, t, os.Stdout)
	if s.Result != OutcomePassed {
		t.Errorf("gridtwin conformance: %s", s.Result)
	}
	return s
}

// DescribeSuite lets a vendor's own Ginkgo suite carry gridtwin's checks: call
// it from the vendor's suite file (outside any container) and run the
// vendor's RunSpecs as usual.
func DescribeSuite(target *Target, opts Options) {
	run := &runConfig{target: target, apis: opts.APIs, allowDestructive: opts.AllowDestructive, requestTimeout: opts.RequestTimeout}
	if run.requestTimeout <= 0 {
		run.requestTimeout = 10 * time.Second
	}
	addSecrets(target.Secrets()...)
	describeAPIs(run)
}
