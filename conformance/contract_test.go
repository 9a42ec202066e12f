package conformance

import (
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/conformance/internal/suitetest"
	"github.com/gridtwin/gridtwin/docs"
)

// TestEveryRuleHasACheckAndEveryCheckARule holds the suite and
// docs/contract.md to each other: a [D] or [F] rule with no check and no
// reason, or a check naming a rule the contract does not state, fails.
func TestEveryRuleHasACheckAndEveryCheckARule(t *testing.T) {
	t.Parallel()
	srv := suitetest.StartMock(t, nil)
	config, _ := suitetest.MockTargetFile(t)
	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--allow-destructive")
	if run.ExitCode != ExitPassed {
		t.Fatalf("exit %d\n%s", run.ExitCode, run.Output)
	}
	rules, err := ParseContract(docs.Contract)
	if err != nil {
		t.Fatal(err)
	}
	contractRules := map[string]ContractRule{}
	for _, r := range rules {
		contractRules[r.ID] = r
	}
	checked := map[string]bool{}
	for _, a := range run.Summary.APIs {
		for _, c := range a.Checks {
			id := a.API + "/" + c.Rule
			checked[id] = true
			if _, ok := contractRules[id]; !ok {
				t.Errorf("check %q names rule %s, which docs/contract.md does not state", c.Check, id)
			}
		}
		if len(a.Coverage) == 0 {
			t.Errorf("%s: the report has no coverage table", a.API)
		}
	}
	for id, r := range contractRules {
		switch {
		case r.Tag == "C" && checked[id]:
			t.Errorf("rule %s is a [C] choice, yet a check judges it", id)
		case r.Tag != "C" && r.API != "shared" && !checked[id] && r.NotChecked == "":
			t.Errorf("rule %s [%s] has no check, and docs/contract.md does not say why", id, r.Tag)
		case r.NotChecked != "" && checked[id]:
			t.Errorf("rule %s says it is not checked, yet a check names it", id)
		}
	}
}

func TestContractLinesThatAreNotRulesAreRefused(t *testing.T) {
	for _, bad := range []string{
		`- <a id="otark-x"></a>**otark/x** [Q] *seed*: a tag that does not exist`,
		`- <a id="otark-y"></a>**otark/x** [D] *seed*: an anchor that is not its ID`,
		`- <a id="otark-x"></a>**otark/x** [D] *seed*: one` + "\n" + `- <a id="otark-x"></a>**otark/x** [D] *seed*: twice`,
	} {
		if _, err := ParseContract(bad); err == nil {
			t.Errorf("ParseContract accepted %q", bad)
		}
	}
	rules, err := ParseContract(docs.Contract)
	if err != nil || len(rules) < 90 {
		t.Fatalf("docs/contract.md: %d rules, %v", len(rules), err)
	}
	if !strings.Contains(rules[0].Anchor(), "docs/contract.md#shared-") {
		t.Errorf("anchor %q", rules[0].Anchor())
	}
}
