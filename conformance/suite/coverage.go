package suite

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// ReportFormatVersion is the shape of the summary report (JSON and
// Markdown). Readers check it before they trust a field.
const ReportFormatVersion = "gridtwin.conformance/v2"

// OutcomeNotChecked is a rule of the contract no check judges: a [C]
// choice, or a [D]/[F] rule the contract says cannot be checked.
const OutcomeNotChecked = "not-checked"

// RuleCoverage is what a run found about one rule of the contract.
type RuleCoverage struct {
	Rule    string `json:"rule"`
	Tag     string `json:"tag"`
	Outcome string `json:"outcome"`
	Checks  int    `json:"checks"`
	// Reason is why the rule was not checked or was skipped, or the first
	// failure's first line.
	Reason string `json:"reason,omitempty"`
}

// outcomeRank orders a rule's check outcomes: one failed check fails the
// rule, then could-not-run, then passed, then skipped.
var outcomeRank = map[string]int{OutcomeFailed: 4, OutcomeCouldNotRun: 3, OutcomePassed: 2, OutcomeSkipped: 1}

// coverage is one line per rule of api in the contract, in the contract's
// order by ID, from the outcomes of the checks that name it.
func coverage(api string, checks []CheckResult) []RuleCoverage {
	byRule := map[string]*RuleCoverage{}
	for _, r := range contractRules {
		if r.API != api {
			continue
		}
		rc := &RuleCoverage{Rule: r.ID, Tag: r.Tag, Outcome: OutcomeNotChecked, Reason: r.NotChecked}
		if r.Tag == "C" {
			rc.Reason = "the mock's choice: never judged on a live server"
		}
		byRule[r.ID] = rc
	}
	for _, c := range checks {
		rc, ok := byRule[api+"/"+c.Rule]
		if !ok {
			continue
		}
		rc.Checks++
		if outcomeRank[c.Outcome] > outcomeRank[rc.Outcome] {
			rc.Outcome = c.Outcome
			rc.Reason = firstLine(c.Reason + c.Message)
		}
	}
	out := make([]RuleCoverage, 0, len(byRule))
	for _, rc := range byRule {
		if rc.Outcome == OutcomePassed {
			rc.Reason = ""
		}
		out = append(out, *rc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Rule < out[j].Rule })
	return out
}

func writeCoverage(w io.Writer, a APISummary) {
	if len(a.Coverage) == 0 {
		return
	}
	fmt.Fprintf(w, "\n## %s: coverage of docs/contract.md\n\n", a.API)
	fmt.Fprintln(w, "| rule | tag | outcome | checks | why |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, rc := range a.Coverage {
		fmt.Fprintf(w, "| %s | %s | %s | %d | %s |\n", rc.Rule, rc.Tag, rc.Outcome, rc.Checks, markdownCell(rc.Reason))
	}
}

// markdownCell keeps a reason on its table row.
func markdownCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
