package conformance

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/conformance/internal/suitetest"
)

func TestJUnitReportHasOneSuitePerAPI(t *testing.T) {
	t.Parallel()
	config, _ := suitetest.MockTargetFile(t)
	srv := suitetest.StartMock(t, nil)
	junit := filepath.Join(t.TempDir(), "junit.xml")
	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--junit", junit, "--ginkgo.label-filter", "otark && rule:auth-missing-key")
	if run.ExitCode != ExitPassed {
		t.Fatalf("exit %d\n%s", run.ExitCode, run.Output)
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Suites []struct {
			Name    string `xml:"name,attr"`
			Tests   int    `xml:"tests,attr"`
			Skipped int    `xml:"skipped,attr"`
			Cases   []struct {
				Name      string    `xml:"name,attr"`
				Classname string    `xml:"classname,attr"`
				Skipped   *struct{} `xml:"skipped"`
				SystemOut string    `xml:"system-out"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(data, &suites); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if len(suites.Suites) != len(run.Summary.APIs) {
		t.Fatalf("%d testsuites, want one per API (%d)\n%s", len(suites.Suites), len(run.Summary.APIs), data)
	}
	if wd, _ := os.Getwd(); strings.Contains(string(data), wd) {
		t.Errorf("the JUnit report names a path of this machine (%s)", wd)
	}
	ran := 0
	for i, s := range suites.Suites {
		a := run.Summary.APIs[i]
		if s.Name != a.API || s.Tests != len(a.Checks) || s.Skipped != a.Skipped {
			t.Errorf("testsuite %s: %d tests, %d skipped; the summary has %s with %d checks, %d skipped", s.Name, s.Tests, s.Skipped, a.API, len(a.Checks), a.Skipped)
		}
		for _, c := range s.Cases {
			if c.Classname != a.API || c.SystemOut != "" {
				t.Errorf("testcase %q: classname %q, output %q", c.Name, c.Classname, c.SystemOut)
			}
			if c.Skipped == nil {
				ran++
				if !strings.HasPrefix(c.Name, "otark/auth-missing-key: ") {
					t.Errorf("the check that ran is named %q, want its rule ID first", c.Name)
				}
			}
		}
	}
	if ran != 1 {
		t.Errorf("%d checks ran, want the 1 the filter selects\n%s", ran, data)
	}
}
