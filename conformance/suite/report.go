package suite

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"
)

// Version is gridtwin's version in reports; release builds set it with
// -ldflags "-X github.com/gridtwin/gridtwin/conformance.Version=v1.2.3",
// which package conformance hands on here.
var Version = ""

func version() string {
	if Version != "" {
		return Version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v = strings.TrimSuffix(v+" "+s.Value[:12], " ")
		}
	}
	if v == "" || v == "(devel)" {
		return "devel"
	}
	return v
}

// Summary is the report a vendor publishes, in the spirit of Gateway API's
// conformance report: who was tested, with what, and what came out, per API.
type Summary struct {
	// FormatVersion names this report's shape; a change that would break a
	// reader gets a new version.
	FormatVersion    string         `json:"format_version"`
	Implementation   Implementation `json:"implementation"`
	GridtwinVersion  string         `json:"gridtwin_version"`
	Date             time.Time      `json:"date"`
	AllowDestructive bool           `json:"allow_destructive"`
	// Result is passed, failed (a check failed) or could-not-run (nothing
	// failed but some checks could not be run).
	Result string       `json:"result"`
	APIs   []APISummary `json:"apis"`
}

// Implementation names the server under test.
type Implementation struct {
	Name     string            `json:"name,omitempty"`
	BaseURLs map[string]string `json:"base_urls"`
}

// APISummary counts one API's outcomes and lists its checks.
type APISummary struct {
	API         string        `json:"api"`
	BaseURL     string        `json:"base_url,omitempty"`
	Passed      int           `json:"passed"`
	Failed      int           `json:"failed"`
	Skipped     int           `json:"skipped"`
	CouldNotRun int           `json:"could_not_run"`
	Failures    []CheckResult `json:"failures,omitempty"`
	Checks      []CheckResult `json:"checks"`
	// Coverage is one line per rule of docs/contract.md for this API.
	Coverage []RuleCoverage `json:"coverage"`
}

// CheckResult is one check's outcome. Message is the failure (or the reason
// it could not run); Reason is why it was skipped.
type CheckResult struct {
	Check   string   `json:"check"`
	Rule    string   `json:"rule,omitempty"`
	Kind    string   `json:"kind,omitempty"`
	Labels  []string `json:"labels"`
	Outcome string   `json:"outcome"`
	Message string   `json:"message,omitempty"`
	Reason  string   `json:"reason,omitempty"`
	Seconds float64  `json:"seconds"`
}

// summarize turns Ginkgo's report into the published summary.
func summarize(r types.Report, t *Target, allowDestructive bool, apiNames []string) Summary {
	s := Summary{
		FormatVersion:    ReportFormatVersion,
		Implementation:   Implementation{BaseURLs: map[string]string{}},
		GridtwinVersion:  version(),
		Date:             r.StartTime.UTC().Truncate(time.Second),
		AllowDestructive: allowDestructive,
		Result:           OutcomePassed,
	}
	if t != nil {
		s.Implementation.Name = t.Name
	}
	byAPI := map[string]*APISummary{}
	for _, name := range apiNames {
		a := &APISummary{API: name, Checks: []CheckResult{}}
		if t != nil {
			a.BaseURL = redactURL(t.BaseURL(name))
			if a.BaseURL != "" {
				s.Implementation.BaseURLs[name] = a.BaseURL
			}
		}
		byAPI[name] = a
	}
	for _, spec := range r.SpecReports {
		if spec.LeafNodeType != types.NodeTypeIt {
			continue
		}
		c := checkResult(spec)
		if c.Outcome == OutcomeSkipped && c.Reason == notSelectedReason && cutByTimeout(r, spec) {
			c.Outcome, c.Reason = OutcomeCouldNotRun, ""
			c.Message = "not reached before the suite timeout (--ginkgo.timeout) ended the run"
		}
		api := apiOf(spec.Labels(), apiNames)
		a, ok := byAPI[api]
		if !ok {
			continue
		}
		a.Checks = append(a.Checks, c)
		switch c.Outcome {
		case OutcomePassed:
			a.Passed++
		case OutcomeSkipped:
			a.Skipped++
		case OutcomeCouldNotRun:
			a.CouldNotRun++
			a.Failures = append(a.Failures, c)
		default:
			a.Failed++
			a.Failures = append(a.Failures, c)
		}
	}
	for _, name := range apiNames {
		a := byAPI[name]
		a.Coverage = coverage(name, a.Checks)
		switch {
		case a.Failed > 0:
			s.Result = OutcomeFailed
		case a.CouldNotRun > 0 && s.Result == OutcomePassed:
			s.Result = OutcomeCouldNotRun
		}
		s.APIs = append(s.APIs, *a)
	}
	if !r.SuiteSucceeded && s.Result == OutcomePassed {
		// A failure outside any check (a report that could not be written,
		// an interrupted run) still fails the run.
		s.Result = OutcomeFailed
	}
	return s
}

// notSelectedReason is why Ginkgo skips a check it was told not to run; it
// records no message of its own.
const notSelectedReason = "not selected by --ginkgo.focus, --ginkgo.skip or --ginkgo.label-filter"

func checkResult(spec types.SpecReport) CheckResult {
	labels := spec.Labels()
	c := CheckResult{Check: spec.FullText(), Labels: labels, Seconds: spec.RunTime.Seconds()}
	for _, l := range labels {
		switch {
		case strings.HasPrefix(l, "rule:"):
			c.Rule = strings.TrimPrefix(l, "rule:")
		case l == "documented" || l == "framework":
			c.Kind = l
		}
	}
	couldNotRun := false
	for _, e := range spec.ReportEntries {
		if e.Name == outcomeEntry && e.StringRepresentation() == OutcomeCouldNotRun {
			couldNotRun = true
		}
	}
	switch {
	case spec.State == types.SpecStatePassed:
		c.Outcome = OutcomePassed
	case couldNotRun && spec.State == types.SpecStateSkipped:
		// Ended quietly (the server had stopped answering), see couldNotRunQuietly.
		c.Outcome = OutcomeCouldNotRun
		c.Message = strings.TrimPrefix(spec.Failure.Message, "could not run: ")
	case spec.State.Is(types.SpecStateSkipped | types.SpecStatePending):
		c.Outcome = OutcomeSkipped
		c.Reason = spec.Failure.Message
		if c.Reason == "" {
			c.Reason = notSelectedReason
		}
	case spec.State == types.SpecStateTimedout:
		// No check sets a timeout of its own: this is the suite's.
		c.Outcome = OutcomeCouldNotRun
		c.Message = "cut by the suite timeout (--ginkgo.timeout): " + spec.Failure.Message
	case couldNotRun || spec.State.Is(types.SpecStatePanicked|types.SpecStateInterrupted|types.SpecStateAborted):
		c.Outcome = OutcomeCouldNotRun
		c.Message = strings.TrimPrefix(spec.Failure.Message, "could not run: ")
		if spec.State == types.SpecStatePanicked {
			c.Message = fmt.Sprintf("the check panicked (a bug in gridtwin): %v", spec.Failure.ForwardedPanic)
		}
	default:
		c.Outcome = OutcomeFailed
		c.Message = spec.Failure.Message
	}
	return c
}

// cutByTimeout tells a check the suite timeout kept from running from one
// that --ginkgo.label-filter, focus or skip switched off: Ginkgo reports
// both as skipped without a reason.
func cutByTimeout(r types.Report, spec types.SpecReport) bool {
	if !slices.Contains(r.SpecialSuiteFailureReasons, "Suite Timeout Elapsed") {
		return false
	}
	if ok, err := spec.MatchesLabelFilter(r.SuiteConfig.LabelFilter); err != nil || !ok {
		return false
	}
	text := spec.FullText()
	for _, skip := range r.SuiteConfig.SkipStrings {
		if regexp.MustCompile(skip).MatchString(text) {
			return false
		}
	}
	for _, focus := range r.SuiteConfig.FocusStrings {
		if regexp.MustCompile(focus).MatchString(text) {
			return true
		}
	}
	return len(r.SuiteConfig.FocusStrings) == 0
}

func apiOf(labels, apiNames []string) string {
	for _, l := range labels {
		if slices.Contains(apiNames, l) {
			return l
		}
	}
	return ""
}

// WriteSummary writes the summary as Markdown when path ends in .md, and
// as indented JSON otherwise.
func WriteSummary(s Summary, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if strings.EqualFold(filepath.Ext(path), ".md") {
		writeMarkdown(f, s)
	} else {
		enc := json.NewEncoder(f)
		enc.SetIndent("", "  ")
		if err := enc.Encode(s); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

func writeMarkdown(w io.Writer, s Summary) {
	name := s.Implementation.Name
	if name == "" {
		name = "unnamed implementation"
	}
	fmt.Fprintf(w, "# gridtwin conformance report: %s\n\n", name)
	fmt.Fprintf(w, "- report format: %s\n", s.FormatVersion)
	fmt.Fprintf(w, "- gridtwin version: %s\n- date: %s\n- destructive checks allowed: %t\n- result: **%s**\n\n",
		s.GridtwinVersion, s.Date.Format(time.RFC3339), s.AllowDestructive, s.Result)
	fmt.Fprintln(w, "| API | base URL | passed | failed | skipped | could not run |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, a := range s.APIs {
		base := a.BaseURL
		if base == "" {
			base = "not configured"
		}
		fmt.Fprintf(w, "| %s | %s | %d | %d | %d | %d |\n", a.API, base, a.Passed, a.Failed, a.Skipped, a.CouldNotRun)
	}
	for _, a := range s.APIs {
		writeCoverage(w, a)
		if len(a.Failures) > 0 {
			fmt.Fprintf(w, "\n## %s: failures\n", a.API)
			for _, c := range a.Failures {
				fmt.Fprintf(w, "\n### %s (%s, rule %s)\n\n```\n%s\n```\n", c.Check, c.Outcome, c.Rule, strings.TrimSpace(c.Message))
			}
		}
		var skipped []CheckResult
		notSelected := 0
		for _, c := range a.Checks {
			switch {
			case c.Outcome != OutcomeSkipped:
			case c.Reason == notSelectedReason:
				notSelected++
			default:
				skipped = append(skipped, c)
			}
		}
		if len(skipped)+notSelected > 0 {
			fmt.Fprintf(w, "\n## %s: skipped\n\n", a.API)
			if len(skipped) == len(a.Checks) && len(skipped) > 1 && sameReason(skipped) {
				// The whole API was off (no section, not selected): one line.
				fmt.Fprintf(w, "- all %d checks: %s\n", len(skipped), skipped[0].Reason)
				skipped = nil
			}
			for _, c := range skipped {
				fmt.Fprintf(w, "- %s: %s\n", c.Check, c.Reason)
			}
			if notSelected > 0 {
				fmt.Fprintf(w, "- %d more not selected by --ginkgo.focus, --ginkgo.skip or --ginkgo.label-filter\n", notSelected)
			}
		}
	}
}

func sameReason(checks []CheckResult) bool {
	for _, c := range checks {
		if c.Reason != checks[0].Reason {
			return false
		}
	}
	return true
}

// printSummary is the last thing a run prints: one line per API.
func printSummary(w io.Writer, s Summary) {
	fmt.Fprintf(w, "\ngridtwin conformance: %s\n", s.Result)
	for _, a := range s.APIs {
		fmt.Fprintf(w, "  %-7s passed %d, failed %d, skipped %d, could not run %d\n",
			a.API, a.Passed, a.Failed, a.Skipped, a.CouldNotRun)
		shown := map[string]bool{}
		for _, c := range a.Failures {
			// Checks that could not run for one reason (an unreachable
			// server) are one line, not one per check.
			if c.Outcome == OutcomeCouldNotRun {
				if shown[c.Message] {
					continue
				}
				shown[c.Message] = true
				if n := countMessage(a.Failures, c.Message); n > 1 {
					fmt.Fprintf(w, "    could-not-run: %d checks: %s\n", n, firstLine(c.Message))
					continue
				}
			}
			fmt.Fprintf(w, "    %s [%s] %s\n", c.Outcome, c.Rule, c.Check)
		}
	}
}

func countMessage(checks []CheckResult, message string) int {
	n := 0
	for _, c := range checks {
		if c.Outcome == OutcomeCouldNotRun && c.Message == message {
			n++
		}
	}
	return n
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
