package suite

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// testSection is a section with nothing but the common keys.
type testSection struct {
	Common `yaml:",inline"`
}

func (*testSection) Missing() []string { return nil }
func (*testSection) Secrets() []string { return nil }

// acme is a target with one otark section.
func acme() *Target {
	t := &Target{Name: "ACME"}
	t.SetSection("otark", &testSection{Common{BaseURL: "http://acme:8080"}})
	return t
}

func (s Summary) api(name string) APISummary {
	for _, a := range s.APIs {
		if a.API == name {
			return a
		}
	}
	return APISummary{}
}

// spec builds a Ginkgo spec report the way a run of the suite leaves it.
func spec(text string, state types.SpecState, message string, labels ...string) types.SpecReport {
	r := types.SpecReport{
		LeafNodeType:   types.NodeTypeIt,
		LeafNodeText:   text,
		LeafNodeLabels: labels,
		State:          state,
		Failure:        types.Failure{Message: message},
	}
	return r
}

func sampleReport() types.Report {
	couldNotRun := spec("should answer 404", types.SpecStateFailed, "could not run: connection refused", "otark", "rule:tenancy", "documented")
	couldNotRun.ReportEntries = types.ReportEntries{{Name: outcomeEntry, Value: types.WrapEntryValue(OutcomeCouldNotRun)}}
	return types.Report{
		StartTime:      time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC),
		SuiteSucceeded: false,
		SpecReports: types.SpecReports{
			spec("should answer 401", types.SpecStatePassed, "", "otark", "rule:auth-missing-key", "documented"),
			spec("should merge metadata", types.SpecStateFailed, "rule otark/metadata-merge: ...", "otark", "rule:metadata-merge", "documented"),
			spec("should activate", types.SpecStateSkipped, "destructive: ... run with --allow-destructive", "otark", "rule:activation", "documented", "destructive"),
			spec("should answer 403", types.SpecStateSkipped, "", "otark", "rule:scope", "documented"),
			couldNotRun,
			{LeafNodeType: types.NodeTypeReportAfterSuite, State: types.SpecStatePassed},
		},
	}
}

func TestSummarizeSeparatesTheFourOutcomes(t *testing.T) {
	t.Parallel()
	s := summarize(sampleReport(), acme(), false, []string{"esmart", "otark"})

	if s.Result != OutcomeFailed || s.Implementation.Name != "ACME" || s.Implementation.BaseURLs["otark"] != "http://acme:8080" {
		t.Fatalf("summary head: %+v", s)
	}
	o := s.api("otark")
	if o.Passed != 1 || o.Failed != 1 || o.Skipped != 2 || o.CouldNotRun != 1 || len(o.Checks) != 5 {
		t.Fatalf("otark counts: %+v", o)
	}
	if len(o.Failures) != 2 || o.Failures[0].Rule != "metadata-merge" || o.Failures[1].Message != "connection refused" {
		t.Fatalf("failures: %+v", o.Failures)
	}
	reasons := map[string]string{}
	for _, c := range o.Checks {
		reasons[c.Rule] = c.Reason
	}
	if !strings.Contains(reasons["activation"], "--allow-destructive") || !strings.Contains(reasons["scope"], "not selected") {
		t.Fatalf("skip reasons: %v", reasons)
	}
	if e := s.api("esmart"); e.API != "esmart" || len(e.Checks) != 0 {
		t.Fatalf("an API without checks still has its line: %+v", e)
	}
}

func TestSummarizeCouldNotRunAloneIsNotFailed(t *testing.T) {
	t.Parallel()
	r := sampleReport()
	r.SpecReports = append(r.SpecReports[:1], r.SpecReports[4]) // a pass and a could-not-run
	if s := summarize(r, nil, false, []string{"otark"}); s.Result != OutcomeCouldNotRun {
		t.Fatalf("result %s, want %s", s.Result, OutcomeCouldNotRun)
	}
}

func TestWriteSummaryJSONAndMarkdown(t *testing.T) {
	t.Parallel()
	s := summarize(sampleReport(), acme(), true, []string{"otark"})
	dir := t.TempDir()

	jsonPath := filepath.Join(dir, "out", "report.json")
	if err := WriteSummary(s, jsonPath); err != nil {
		t.Fatal(err)
	}
	var back Summary
	data, _ := os.ReadFile(jsonPath)
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	if back.api("otark").Failed != 1 || !back.AllowDestructive || back.GridtwinVersion == "" || !back.Date.Equal(s.Date) {
		t.Fatalf("round trip: %+v", back)
	}

	allOff := summarize(types.Report{SpecReports: types.SpecReports{
		spec("a", types.SpecStateSkipped, "the target file has no esmart section", "esmart"),
		spec("b", types.SpecStateSkipped, "the target file has no esmart section", "esmart"),
	}}, nil, false, []string{"esmart"})
	if err := WriteSummary(allOff, filepath.Join(dir, "off.md")); err != nil {
		t.Fatal(err)
	}
	if off, _ := os.ReadFile(filepath.Join(dir, "off.md")); !strings.Contains(string(off), "- all 2 checks: the target file has no esmart section\n") ||
		strings.Contains(string(off), "- a:") {
		t.Errorf("an API switched off as a whole is one line:\n%s", off)
	}

	mdPath := filepath.Join(dir, "report.md")
	if err := WriteSummary(s, mdPath); err != nil {
		t.Fatal(err)
	}
	md, _ := os.ReadFile(mdPath)
	for _, want := range []string{"# gridtwin conformance report: ACME", "| otark | http://acme:8080 | 1 | 1 | 2 | 1 |",
		"rule metadata-merge", "connection refused", "--allow-destructive", "1 more not selected"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}
