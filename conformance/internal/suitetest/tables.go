package suitetest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/conformance/suite"
)

// A Fault breaks one rule of one API by wrapping the real mock in
// middleware: the default mock never learns about faults. Each fault must
// make the check for its rule fail, with a message that names the rule and
// shows the exchange.
type Fault struct {
	Name string
	API  string
	Rule string
	// Args are extra flags, e.g. --allow-destructive for a destructive rule.
	Args []string
	Wrap func(t *suite.Target, next http.Handler) http.Handler
}

// CheckFaults runs the suite once per fault, each against its own mock.
func CheckFaults(t *testing.T, faults []Fault) {
	t.Helper()
	for _, f := range faults {
		t.Run(f.Name, func(t *testing.T) {
			t.Parallel()
			checkFault(t, f)
		})
	}
}

func checkFault(t *testing.T, f Fault) {
	config, target := MockTargetFile(t, f.API)
	srv := StartMock(t, func(next http.Handler) http.Handler { return f.Wrap(target, next) })
	// Only the rule's own checks run: that is the claim under test,
	// and it keeps twenty runs against a race-instrumented mock fast.
	// The response-schema check judges what the others received, so
	// for it the whole API runs.
	args := append([]string{"--config", config, "--target", srv.URL, "--api", f.API}, f.Args...)
	if f.Rule != "response-schema" {
		args = append(args, "--ginkgo.label-filter", "rule:"+f.Rule)
	}
	run := RunSuite(t, args...)
	if run.ExitCode != suite.ExitFailed {
		t.Errorf("exit status %d, want %d", run.ExitCode, suite.ExitFailed)
	}
	var failed []suite.CheckResult
	for _, c := range run.API(f.API).Failures {
		if c.Rule == f.Rule && c.Outcome == suite.OutcomeFailed {
			failed = append(failed, c)
		}
	}
	if len(failed) == 0 {
		t.Fatalf("no check of rule %s failed; failures: %+v\n%s", f.Rule, run.API(f.API).Failures, run.Output)
	}
	msg := failed[0].Message
	for _, want := range []string{"rule " + f.API + "/" + f.Rule, "request sent:", "response got:"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the failure message lacks %q:\n%s", want, msg)
		}
	}
	for _, secret := range target.Secrets() {
		if secret != "" && strings.Contains(msg, secret) {
			t.Errorf("the failure message leaks a credential of the target file:\n%s", msg)
		}
	}
}

// A Variant is the fault table's opposite: middleware around the real mock
// that changes its answers in a way the contract allows (another spelling
// of the same instant, members the spec does not name, another [C] choice,
// another framework's wording). The suite must pass every one: a check that
// fails a variant judges a server on something no document states, and an
// implementation written apart from this project would fail it too.
type Variant struct {
	Name string
	API  string
	Wrap func(t *suite.Target, next http.Handler) http.Handler
}

// minVariants is how many variants each API's table has at least.
const minVariants = 8

// CheckVariants runs the suite once per variant, each against its own
// mock, with destructive checks allowed: every check must pass.
func CheckVariants(t *testing.T, variants []Variant) {
	t.Helper()
	perAPI := map[string]int{}
	for _, v := range variants {
		perAPI[v.API]++
	}
	for api, n := range perAPI {
		if n < minVariants {
			t.Errorf("%s has %d variants, want at least %d", api, n, minVariants)
		}
	}
	for _, v := range variants {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			checkVariant(t, v)
		})
	}
}

func checkVariant(t *testing.T, v Variant) {
	config, target := MockTargetFile(t, v.API)
	srv := StartMock(t, func(next http.Handler) http.Handler { return v.Wrap(target, next) })
	run := RunSuite(t, "--config", config, "--target", srv.URL, "--api", v.API, "--allow-destructive")
	s := run.API(v.API)
	if run.ExitCode == suite.ExitPassed && s.Failed+s.CouldNotRun+s.Skipped == 0 && s.Passed > 0 {
		return
	}
	var b strings.Builder
	for _, c := range s.Failures {
		fmt.Fprintf(&b, "\n--- %s (%s, rule %s)\n%s\n", c.Check, c.Outcome, c.Rule, c.Message)
	}
	for _, c := range s.Checks {
		if c.Outcome == suite.OutcomeSkipped {
			fmt.Fprintf(&b, "\n--- %s skipped: %s\n", c.Check, c.Reason)
		}
	}
	t.Fatalf("exit %d; %s passed %d, failed %d, could not run %d, skipped %d%s",
		run.ExitCode, v.API, s.Passed, s.Failed, s.CouldNotRun, s.Skipped, b.String())
}
