// Package suite is the framework of gridtwin's conformance suite: Ginkgo
// specs that check a live server against a vendor API's contract. It knows
// no API by name; each API's package (one per API under conformance/) registers its
// target-file section and its checks with RegisterAPI.
//
// client.go is the only way to talk to the server (it validates every
// response against the spec and keeps the check's cleanups); registry.go
// wraps every check in setup and teardown; cleanup.go undoes what a check
// changed; target.go reads the target file; report.go, coverage.go and
// junit.go write the summary.
package suite

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"
)

// Exit statuses of `gridtwin conform`.
const (
	ExitPassed      = 0 // every check that ran passed (skipped ones aside)
	ExitFailed      = 1 // at least one check failed
	ExitUsage       = 2 // bad flags or target file; nothing was run
	ExitCouldNotRun = 3 // nothing failed, but some checks could not run
)

type runConfig struct {
	configPath       string
	targetURL        string
	apis             string
	allowDestructive bool
	junitPath        string
	reportPath       string
	requestTimeout   time.Duration

	target         *Target
	suiteConfig    types.SuiteConfig
	reporterConfig types.ReporterConfig
}

func (r *runConfig) selected(api string) bool {
	if r.apis == "" {
		return true
	}
	for _, a := range strings.Split(r.apis, ",") {
		if strings.TrimSpace(a) == api {
			return true
		}
	}
	return false
}

const usageHead = `Usage: gridtwin conform --config FILE [flags] [--ginkgo.* flags]

Runs the conformance suite against a live server described by a target file
(see docs/conformance.md; fixtures/conformance.yaml describes gridtwin's own
mock). Every response is validated against the vendor's OpenAPI document.

Exit status: 0 every check that ran passed; 1 a check failed; 2 bad flags or
target file; 3 nothing failed but some checks could not run (e.g. the server
refused connections).

Flags:
`

// Main runs the suite with command-line args and returns the exit status.
// Ginkgo runs a suite once per process, so Main can be called only once.
func Main(args []string, stdout, stderr io.Writer) int {
	run, code, done := parseFlags(args, stdout, stderr)
	if done {
		return code
	}
	t, err := LoadTarget(run.configPath)
	if err != nil {
		fmt.Fprintf(stderr, "gridtwin conform: %v\n", err)
		return ExitUsage
	}
	if run.targetURL != "" {
		t.OverrideBaseURL(run.targetURL)
	}
	if err := t.Validate(); err != nil {
		fmt.Fprintf(stderr, "gridtwin conform: target file %s: %v\n", run.configPath, err)
		return ExitUsage
	}
	run.target = t
	for _, a := range strings.Split(run.apis, ",") {
		if a = strings.TrimSpace(a); a != "" {
			if _, ok := registry[a]; !ok {
				fmt.Fprintf(stderr, "gridtwin conform: --api: unknown API %q (known: %s)\n", a, strings.Join(apiNames(), ", "))
				return ExitUsage
			}
		}
	}
	var tt testingT
	summary := execute(run, &tt, stdout)
	switch {
	case summary.Result == OutcomeFailed || (tt.failed && summary.Result == OutcomePassed):
		return ExitFailed
	case summary.Result == OutcomeCouldNotRun:
		return ExitCouldNotRun
	}
	return ExitPassed
}

func apiNames() []string {
	names := make([]string, 0, len(registered))
	for _, a := range registeredAPIs() {
		names = append(names, a.Name)
	}
	return names
}

// execute runs the suite once (Ginkgo allows one run per process) and
// returns its summary; t is told when the suite fails.
func execute(run *runConfig, t GinkgoTestingT, stdout io.Writer) Summary {
	names := apiNames()
	addSecrets(run.target.Secrets()...)
	// Everything the run prints goes through the redaction, Ginkgo's
	// reporter included: a server may echo a credential anywhere.
	out := newRedactingWriter(stdout)
	defer out.Flush()
	stdout = out
	formatter.ColorableStdOut = out
	RegisterFailHandler(failRedacted)
	describeAPIs(run)
	var summary Summary
	ReportAfterSuite("gridtwin conformance reports", func(r Report) {
		r = redactReport(r)
		summary = summarize(r, run.target, run.allowDestructive, names)
		if run.junitPath != "" {
			Expect(WriteJUnit(summary, run.junitPath)).To(Succeed(), "writing the JUnit report")
		}
		if run.reportPath != "" {
			Expect(WriteSummary(summary, run.reportPath)).To(Succeed(), "writing the summary report")
		}
	})
	RunSpecs(t, "gridtwin conformance", run.suiteConfig, run.reporterConfig)
	printSummary(stdout, summary)
	return summary
}

// testingT stands in for *testing.T: outside `go test` Ginkgo only needs to
// be told where to report that the suite failed.
type testingT struct{ failed bool }

func (t *testingT) Fail() { t.failed = true }

// parseFlags parses gridtwin's flags and Ginkgo's together, so that
// --ginkgo.focus, --ginkgo.label-filter, --ginkgo.v and the rest work as in
// any Ginkgo suite. done reports that Main should return code now.
func parseFlags(args []string, stdout, stderr io.Writer) (run *runConfig, code int, done bool) {
	run = &runConfig{}
	fs := flag.NewFlagSet("gridtwin conform", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed once, below
	fs.StringVar(&run.configPath, "config", "", "target file describing the server under test (required)")
	fs.StringVar(&run.targetURL, "target", "", "base URL that overrides every base_url in the target file")
	fs.StringVar(&run.apis, "api", "", "comma-separated APIs to check ("+strings.Join(registeredNames(), ",")+"); default: every API in the target file")
	fs.BoolVar(&run.allowDestructive, "allow-destructive", false, "run checks that change the server in ways that cannot be undone"+destructiveHelp())
	fs.StringVar(&run.junitPath, "junit", "", "write a JUnit XML report to this file")
	fs.StringVar(&run.reportPath, "report", "", "write the summary report to this file (JSON, or Markdown if it ends in .md)")
	fs.DurationVar(&run.requestTimeout, "request-timeout", 10*time.Second, "timeout of one HTTP request")

	suiteConfig, reporterConfig := GinkgoConfiguration()
	// Colour codes make a report file or CI log unreadable; a terminal gets
	// them unless --ginkgo.no-color says otherwise.
	if !isTerminal(stdout) {
		reporterConfig.NoColor = true
	}
	_, err := types.NewAttachedGinkgoFlagSet(fs, ginkgoRunFlags(), map[string]any{
		"S": &suiteConfig, "R": &reporterConfig,
	}, types.FlagSections, types.GinkgoFlagSection{})
	if err != nil {
		fmt.Fprintf(stderr, "gridtwin conform: %v\n", err)
		return nil, ExitUsage, true
	}
	usage := func(w io.Writer) {
		fmt.Fprint(w, usageHead)
		fs.VisitAll(func(f *flag.Flag) {
			if strings.HasPrefix(f.Name, "ginkgo.") {
				return
			}
			name, text := flag.UnquoteUsage(f)
			fmt.Fprintf(w, "  --%s\n        %s", strings.TrimSpace(f.Name+" "+name), text)
			if f.DefValue != "" && f.DefValue != "false" {
				fmt.Fprintf(w, " (default %s)", f.DefValue)
			}
			fmt.Fprintln(w)
		})
		fmt.Fprintf(w, "\nGinkgo's flags, e.g. --ginkgo.label-filter='%s && documented', --ginkgo.focus=REGEXP, --ginkgo.v:\n\n%s\n", exampleAPI(), ginkgoUsage(suiteConfig, reporterConfig))
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			if !isTerminal(stdout) {
				formatter.SingletonFormatter = formatter.New(formatter.ColorModeNone)
			}
			usage(stdout)
			return nil, ExitPassed, true
		}
		fmt.Fprintf(stderr, "gridtwin conform: %v\nRun \"gridtwin conform --help\" for usage.\n", err)
		return nil, ExitUsage, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gridtwin conform: unexpected argument %q\n", fs.Arg(0))
		return nil, ExitUsage, true
	}
	if run.configPath == "" {
		fmt.Fprintln(stderr, "gridtwin conform: --config FILE is required (fixtures/conformance.yaml describes the mock)\nRun \"gridtwin conform --help\" for usage.")
		return nil, ExitUsage, true
	}
	if run.requestTimeout <= 0 {
		fmt.Fprintln(stderr, "gridtwin conform: --request-timeout must be positive")
		return nil, ExitUsage, true
	}
	run.suiteConfig, run.reporterConfig = suiteConfig, reporterConfig
	return run, 0, false
}

// ginkgoUsage is Ginkgo's help for its own flags alone. The flag set they
// are parsed with also holds the suite's flags, and Ginkgo's Usage would
// list those a second time, in Go's style, after its sections.
func ginkgoUsage(suiteConfig types.SuiteConfig, reporterConfig types.ReporterConfig) string {
	flags, err := types.NewAttachedGinkgoFlagSet(flag.NewFlagSet("ginkgo", flag.ContinueOnError), ginkgoRunFlags(),
		map[string]any{"S": &suiteConfig, "R": &reporterConfig}, types.FlagSections, types.GinkgoFlagSection{})
	if err != nil {
		return err.Error()
	}
	return flags.Usage()
}

// destructiveHelp lists what each API's destructive checks change, e.g.
// " (<api>: what they change)".
func destructiveHelp() string {
	var parts []string
	for _, a := range registered {
		if a.Destructive != "" {
			parts = append(parts, a.Name+": "+a.Destructive)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// exampleAPI names an API for the usage's label-filter example.
func exampleAPI() string {
	if len(registered) == 0 {
		return "api"
	}
	return registered[0].Name
}

// ginkgoRunFlags are Ginkgo's suite and reporter flags, without the ones
// that only make sense under the ginkgo CLI's parallel runner and without
// deprecated aliases (they bind to Ginkgo-internal config).
func ginkgoRunFlags() types.GinkgoFlags {
	var out types.GinkgoFlags
	for _, f := range types.SuiteConfigFlags.CopyAppend(types.ReporterConfigFlags...) {
		if strings.HasPrefix(f.KeyPath, "D.") {
			continue
		}
		out = append(out, f)
	}
	return out.WithPrefix("ginkgo")
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
