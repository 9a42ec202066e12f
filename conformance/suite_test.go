package conformance

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/conformance/internal/suitetest"
	"github.com/gridtwin/gridtwin/conformance/otark"
)

func TestSuitePassesAgainstTheMockAndLeavesItsStateAlone(t *testing.T) {
	t.Parallel()
	srv := suitetest.StartMock(t, nil)
	config, _ := suitetest.MockTargetFile(t)
	before := suitetest.AdminState(t, srv.URL)

	// Every API, as a vendor would run it: no --api.
	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL)
	if run.ExitCode != ExitPassed {
		t.Fatalf("exit status %d, want %d\n%s", run.ExitCode, ExitPassed, run.Output)
	}
	for api, least := range map[string]int{"otark": 30, "podero": 40, "esmart": 20} {
		got := run.API(api)
		if got.Failed+got.CouldNotRun != 0 || got.Passed < least {
			t.Fatalf("%s: %+v\n%s", api, got, run.Output)
		}
		// The only checks switched off are destructive ones, and they say why.
		for _, c := range got.Checks {
			if c.Outcome == OutcomeSkipped && !strings.Contains(c.Reason, "--allow-destructive") {
				t.Errorf("%s check %q skipped for %q; the mock's target file offers every input", api, c.Check, c.Reason)
			}
		}
	}
	after := suitetest.AdminState(t, srv.URL)
	// The podero token-endpoint check must obtain one token, and the API
	// offers no way to revoke it: that counter is the one permitted change.
	before = bytes.Replace(before, []byte(`"issued_tokens": 0`), []byte(`"issued_tokens": 1`), 1)
	if !bytes.Equal(before, after) {
		t.Errorf("the suite changed the mock's state (beyond podero's one issued token)\nbefore: %s\nafter:  %s", before, after)
	}
}

func TestDestructiveRunActivatesThePendingCustomer(t *testing.T) {
	t.Parallel()
	srv := suitetest.StartMock(t, nil)
	config, target := suitetest.MockTargetFile(t)

	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--api", "otark", "--allow-destructive",
		"--ginkgo.label-filter", "destructive")
	if run.ExitCode != ExitPassed {
		t.Fatalf("exit status %d\n%s", run.ExitCode, run.Output)
	}
	ot := run.API("otark")
	if ot.Passed != 1 || ot.Failed != 0 {
		t.Fatalf("want exactly the activation check to pass: %+v", ot)
	}
	state := string(suitetest.AdminState(t, srv.URL))
	if !strings.Contains(state, otark.Config(target).PendingCustomerID) {
		t.Fatalf("state does not show %s: %s", otark.Config(target).PendingCustomerID, state)
	}

	// A second destructive run finds the customer already active: that is
	// an input the target file got wrong, not a failure of the server.
	again := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--api", "otark", "--allow-destructive",
		"--ginkgo.label-filter", "destructive")
	if again.ExitCode != ExitCouldNotRun || again.API("otark").CouldNotRun != 1 {
		t.Fatalf("second run: exit %d, %+v\n%s", again.ExitCode, again.API("otark"), again.Output)
	}

	resp, err := http.Post(srv.URL+"/__admin/reset", "", nil)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("reset: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestUnreachableServerIsCouldNotRunNotFailed(t *testing.T) {
	t.Parallel()
	srv := suitetest.StartMock(t, nil)
	url := srv.URL
	srv.Close() // nothing listens there any more
	config, _ := suitetest.MockTargetFile(t)

	run := suitetest.RunSuite(t, "--config", config, "--target", url, "--api", "otark")
	if run.ExitCode != ExitCouldNotRun {
		t.Fatalf("exit status %d, want %d\n%s", run.ExitCode, ExitCouldNotRun, run.Output)
	}
	ot := run.API("otark")
	if ot.Failed != 0 || ot.CouldNotRun == 0 || run.Summary.Result != OutcomeCouldNotRun {
		t.Fatalf("otark: %+v", ot)
	}
	if msg := ot.Failures[0].Message; !strings.Contains(msg, "connection refused") {
		t.Errorf("could-not-run message does not say why: %q", msg)
	}
}

func TestAbsentSectionIsSkippedWithItsReason(t *testing.T) {
	t.Parallel()
	srv := suitetest.StartMock(t, nil)
	config := suitetest.WriteTarget(t, "esmart:\n  base_url: "+srv.URL+"\n  username: u\n  password: p\n  customer_id: 1001\n")

	// Only otark's checks are selected: the esmart section is there to make
	// the file valid, not to be checked with made-up credentials.
	run := suitetest.RunSuite(t, "--config", config, "--ginkgo.label-filter", "otark")
	if run.ExitCode != ExitPassed {
		t.Fatalf("exit status %d\n%s", run.ExitCode, run.Output)
	}
	expectOnlySkipped(t, run, "otark", "the target file has no otark section")
}

func TestUnselectedAPIIsSkippedWithItsReason(t *testing.T) {
	t.Parallel()
	srv := suitetest.StartMock(t, nil)
	config, _ := suitetest.MockTargetFile(t)

	// The label filter keeps the other API's checks from running at all.
	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--api", "podero", "--ginkgo.label-filter", "otark")
	if run.ExitCode != ExitPassed {
		t.Fatalf("exit status %d\n%s", run.ExitCode, run.Output)
	}
	expectOnlySkipped(t, run, "otark", "otark is not selected by --api")
}

func TestMissingOptionalKeysSkipTheirChecks(t *testing.T) {
	t.Parallel()
	srv := suitetest.StartMock(t, nil)
	_, target := suitetest.MockTargetFile(t)
	config := suitetest.WriteTarget(t, "otark:\n  base_url: "+srv.URL+"\n  api_key: "+otark.Config(target).APIKey+"\n  customer_id: "+otark.Config(target).CustomerID+"\n")

	run := suitetest.RunSuite(t, "--config", config)
	if run.ExitCode != ExitPassed {
		t.Fatalf("exit status %d\n%s", run.ExitCode, run.Output)
	}
	reasons := map[string]string{}
	for _, c := range run.API("otark").Checks {
		if c.Outcome == OutcomeSkipped {
			reasons[c.Rule] = c.Reason
		}
	}
	for rule, key := range map[string]string{
		"scope": "otark.api_key_without_write", "tenancy": "otark.foreign_customer_id",
		"already-active": "otark.active_customer_id", "tso-not-enabled": "otark.tso_not_enabled",
		"balance-group-update": "otark.balance_group", "read-scope": "otark.api_key_read_only",
		"read-tenancy": "otark.foreign_customer_id",
	} {
		if want := "needs " + key + " in the target file"; reasons[rule] != want {
			t.Errorf("rule %s: skip reason %q, want %q", rule, reasons[rule], want)
		}
	}
}

func TestCommandLineErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no config", nil, "--config FILE is required"},
		{"missing file", []string{"--config", "/nonexistent/target.yaml"}, "does not exist"},
		{"unknown flag", []string{"--config", "x", "--bogus"}, "flag provided but not defined"},
		{"unknown api", []string{"--config", suitetest.WriteTarget(t, "otark:\n  base_url: http://x\n  api_key: k\n  customer_id: c\n"), "--api", "otrak"}, `unknown API "otrak"`},
		{"missing required key", []string{"--config", suitetest.WriteTarget(t, "otark:\n  base_url: http://x\n")}, "otark.api_key"},
	}
	for _, tc := range cases {
		var stdout, stderr bytes.Buffer
		code := Main(tc.args, &stdout, &stderr)
		if code != ExitUsage || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tc.name, code, stderr.String(), ExitUsage, tc.want)
		}
	}

	var stdout, stderr bytes.Buffer
	if code := Main([]string{"--help"}, &stdout, &stderr); code != ExitPassed {
		t.Fatalf("--help: exit %d", code)
	}
	for _, want := range []string{"--config", "--target", "--allow-destructive", "--junit", "--report", "--ginkgo.label-filter", "Exit status"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("--help does not mention %s", want)
		}
	}
	// Each flag once, with its default: Ginkgo's own usage would list the
	// suite's flags again, in Go's style.
	if n := strings.Count(stdout.String(), "request-timeout"); n != 1 || !strings.Contains(stdout.String(), "(default 10s)") {
		t.Errorf("--help names --request-timeout %d times:\n%s", n, stdout.String())
	}
}

// expectOnlySkipped asserts that every check of api was switched off, each
// with reason.
func expectOnlySkipped(t *testing.T, run suitetest.Run, api, reason string) {
	t.Helper()
	got := run.API(api)
	if got.Skipped == 0 || got.Passed+got.Failed+got.CouldNotRun != 0 {
		t.Fatalf("%s: %+v", api, got)
	}
	for _, c := range got.Checks {
		if c.Reason != reason {
			t.Fatalf("check %q: reason %q, want %q", c.Check, c.Reason, reason)
		}
	}
}
