// Package conformance is gridtwin's conformance suite: Ginkgo specs that
// check a live server against the otark, podero and esmart contracts. It
// knows the APIs only through specs/ and HTTP, so a vendor runs it against
// their own server with `gridtwin conform`, no Go toolchain needed.
//
// Layout: suite/ is the framework (target file, client, cleanup, reports),
// which knows no API by name; otark/, podero/ and esmart/ each hold one
// API's target section and checks and register them with the framework.
// This package is the entry point: it registers the three APIs, in the
// order their sections are listed in messages, and runs the suite.
package conformance

import (
	"io"
	"testing"

	"github.com/gridtwin/gridtwin/conformance/esmart"
	"github.com/gridtwin/gridtwin/conformance/otark"
	"github.com/gridtwin/gridtwin/conformance/podero"
	"github.com/gridtwin/gridtwin/conformance/suite"
)

func init() {
	otark.Register()
	podero.Register()
	esmart.Register()
	suite.Version = Version
}

// Version is gridtwin's version in reports; release builds set it with
// -ldflags "-X github.com/gridtwin/gridtwin/conformance.Version=v1.2.3".
var Version = ""

// Exit statuses of `gridtwin conform`.
const (
	ExitPassed      = suite.ExitPassed
	ExitFailed      = suite.ExitFailed
	ExitUsage       = suite.ExitUsage
	ExitCouldNotRun = suite.ExitCouldNotRun
)

// Outcomes of a check in the report.
const (
	OutcomePassed      = suite.OutcomePassed
	OutcomeFailed      = suite.OutcomeFailed
	OutcomeSkipped     = suite.OutcomeSkipped
	OutcomeCouldNotRun = suite.OutcomeCouldNotRun
	OutcomeNotChecked  = suite.OutcomeNotChecked
)

// ReportFormatVersion is the shape of the summary report.
const ReportFormatVersion = suite.ReportFormatVersion

// The target file and the reports are the framework's types.
type (
	Target         = suite.Target
	Options        = suite.Options
	Summary        = suite.Summary
	APISummary     = suite.APISummary
	CheckResult    = suite.CheckResult
	RuleCoverage   = suite.RuleCoverage
	Implementation = suite.Implementation
	ContractRule   = suite.ContractRule
)

// Main runs the suite with command-line args and returns the exit status.
// Ginkgo runs a suite once per process, so Main can be called only once.
func Main(args []string, stdout, stderr io.Writer) int { return suite.Main(args, stdout, stderr) }

// Test runs the whole suite inside a vendor's `go test`, as csi-sanity's
// sanity.Test does; see suite.Test.
func Test(t *testing.T, target *Target, opts Options) Summary {
	t.Helper()
	return suite.Test(t, target, opts)
}

// DescribeSuite lets a vendor's own Ginkgo suite carry gridtwin's checks;
// see suite.DescribeSuite.
func DescribeSuite(target *Target, opts Options) { suite.DescribeSuite(target, opts) }

// LoadTarget reads and checks a target file.
func LoadTarget(path string) (*Target, error) { return suite.LoadTarget(path) }

// ParseTarget decodes a target file.
func ParseTarget(data []byte) (*Target, error) { return suite.ParseTarget(data) }

// WriteSummary writes the summary as Markdown when path ends in .md, and
// as indented JSON otherwise.
func WriteSummary(s Summary, path string) error { return suite.WriteSummary(s, path) }

// WriteJUnit writes the summary as JUnit XML, one testsuite per API.
func WriteJUnit(s Summary, path string) error { return suite.WriteJUnit(s, path) }

// ParseContract reads the rule lines of a contract document.
func ParseContract(text string) ([]ContractRule, error) { return suite.ParseContract(text) }
