package suite

import (
	. "github.com/onsi/ginkgo/v2"
)

// Outcomes of a check in the report. Ginkgo knows passed, failed and
// skipped; "could not run" is a failed spec carrying this report entry, so
// that a server that refuses connections is not reported as one that breaks
// rules.
const (
	OutcomePassed      = "passed"
	OutcomeFailed      = "failed"
	OutcomeSkipped     = "skipped"
	OutcomeCouldNotRun = "could-not-run"

	outcomeEntry = "gridtwin-outcome"
)

// CouldNotRun stops the check: the engine could not exercise the rule
// (connection refused, an unparseable answer, a precondition the target
// file promised but the server does not meet).
func CouldNotRun(reason string) {
	GinkgoHelper()
	// A cleanup that cannot run after the check already failed must not
	// turn that failure into "could not run".
	if !CurrentSpecReport().Failed() {
		AddReportEntry(outcomeEntry, OutcomeCouldNotRun, ReportEntryVisibilityNever)
	}
	Fail("could not run: " + reason)
}
