package suite

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"

	"github.com/onsi/ginkgo/v2/reporters"
)

// WriteJUnit writes the summary as JUnit XML the way CI dashboards group
// it: one testsuite per API, classname the API, each test named by its
// rule ID and sentence. It is built from the summary, so it carries the
// same redacted messages and the same four outcomes: a failure is
// <failure>, could-not-run is <error>, skipped is <skipped>. Passing checks
// carry no output, and nothing names a path of the machine that ran it.
func WriteJUnit(s Summary, path string) error {
	out := reporters.JUnitTestSuites{}
	for _, a := range s.APIs {
		suite := reporters.JUnitTestSuite{Name: a.API, Timestamp: s.Date.Format("2006-01-02T15:04:05")}
		for _, c := range a.Checks {
			tc := reporters.JUnitTestCase{Name: junitName(a.API, c), Classname: a.API, Status: c.Outcome, Time: c.Seconds}
			switch c.Outcome {
			case OutcomeFailed:
				tc.Failure = &reporters.JUnitFailure{Message: firstLine(c.Message), Type: "failed", Description: c.Message}
				suite.Failures++
			case OutcomeCouldNotRun:
				tc.Error = &reporters.JUnitError{Message: firstLine(c.Message), Type: OutcomeCouldNotRun, Description: c.Message}
				suite.Errors++
			case OutcomeSkipped:
				tc.Skipped = &reporters.JUnitSkipped{Message: "skipped - " + c.Reason}
				suite.Skipped++
			}
			suite.Time += c.Seconds
			suite.TestCases = append(suite.TestCases, tc)
		}
		suite.Tests = len(suite.TestCases)
		out.Tests += suite.Tests
		out.Failures += suite.Failures
		out.Errors += suite.Errors
		out.Disabled += suite.Skipped
		out.Time += suite.Time
		out.TestSuites = append(out.TestSuites, suite)
	}
	data, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, append([]byte(xml.Header), append(data, '\n')...), 0o644)
}

// junitName is "<api>/<rule>: <the check's sentence>".
func junitName(api string, c CheckResult) string {
	sentence := strings.TrimPrefix(c.Check, api+" ")
	if c.Rule == "" {
		return sentence
	}
	return api + "/" + c.Rule + ": " + sentence
}
