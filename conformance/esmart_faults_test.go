package conformance

import (
	"bytes"
	"testing"
)

func TestEsmartSuitePassesAgainstTheMockAndLeavesItsStateAlone(t *testing.T) {
	t.Parallel()
	srv := startMock(t, nil)
	config, _ := mockTargetFile(t)
	before := adminState(t, srv.URL)

	run := runSuite(t, "--config", config, "--target", srv.URL, "--api", "esmart")
	if run.exitCode != ExitPassed {
		t.Fatalf("exit status %d, want %d\n%s", run.exitCode, ExitPassed, run.output)
	}
	esmart := run.summary.api("esmart")
	if esmart.Failed+esmart.CouldNotRun+esmart.Skipped != 0 || esmart.Passed < 20 {
		t.Fatalf("esmart: %+v\n%s", esmart, run.output)
	}
	if after := adminState(t, srv.URL); !bytes.Equal(before, after) {
		t.Errorf("the suite changed the mock's state\nbefore: %s\nafter:  %s", before, after)
	}
}
