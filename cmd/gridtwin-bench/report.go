package main

import (
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// The performance goals (docs/bench.md), each checked against the figures of the same run.
const (
	goalRatio         = 0.5
	goalP99Ms         = 5.0
	goalFirstAnswerMs = 100.0
	goalResidentMB    = 40.0
	goalScaleRatio    = 0.9
	// goalBurstRatio bounds serve's GC tuning on a burst against Go's
	// default GC in the same run.
	goalBurstRatio = 1.2
)

type report struct {
	Time        string   `json:"time"`
	Commit      string   `json:"commit,omitempty"`
	GoVersion   string   `json:"go_version"`
	CPUs        int      `json:"cpus"`
	Connections int      `json:"connections"`
	DurationSec float64  `json:"duration_sec"`
	Rounds      int      `json:"rounds"`
	WarmupSec   float64  `json:"warmup_sec"`
	Results     []result `json:"results"`
	Gridtwin    struct {
		FirstAnswerMs float64 `json:"first_answer_ms"`
		ResidentMB    float64 `json:"resident_mb_after_run"`
	} `json:"gridtwin"`
	Scale   *scaleFigures `json:"scale,omitempty"`
	Burst   *burstReport  `json:"burst,omitempty"`
	Targets []target      `json:"targets"`
	Skipped []string      `json:"skipped,omitempty"`
	Missed  []string      `json:"missed,omitempty"`
}

type scaleFigures struct {
	Customers     int     `json:"customers"`
	FirstAnswerMs float64 `json:"first_answer_ms"`
	ResidentMB    float64 `json:"resident_mb_after_run"`
	// RatioToDefault compares the valid otark PATCH with many customers to
	// the same scenario with the default fixtures.
	RatioToDefault float64 `json:"ratio_to_default_fixtures"`
}

type target struct {
	Name  string  `json:"name"`
	Goal  string  `json:"goal"`
	Value float64 `json:"value"`
	Met   bool    `json:"met"`
}

func newReport(load loadConfig) report {
	r := report{
		Time:        time.Now().UTC().Format(time.RFC3339),
		GoVersion:   runtime.Version(),
		CPUs:        runtime.NumCPU(),
		Connections: load.Connections,
		DurationSec: load.Duration.Seconds(),
		Rounds:      load.Rounds,
		WarmupSec:   load.Warmup.Seconds(),
	}
	if out, err := exec.Command("git", "describe", "--always", "--dirty").Output(); err == nil {
		r.Commit = strings.TrimSpace(string(out))
	}
	return r
}

// add records a result; the baseline is always measured first, so every
// later scenario gets its ratio at once.
func (r *report) add(res result) {
	if len(r.Results) > 0 && r.Results[0].RequestsPerSec > 0 {
		res.RatioToBaseline = res.RequestsPerSec / r.Results[0].RequestsPerSec
	} else {
		res.RatioToBaseline = 1
	}
	r.Results = append(r.Results, res)
}

func (r *report) find(prefix string) *result {
	for i := range r.Results {
		if strings.HasPrefix(r.Results[i].Scenario, prefix) {
			return &r.Results[i]
		}
	}
	return nil
}

func (r *report) check(name, goal string, value float64, met bool) {
	r.Targets = append(r.Targets, target{Name: name, Goal: goal, Value: value, Met: met})
	if !met {
		r.Missed = append(r.Missed, fmt.Sprintf("%s %.2f (goal %s)", name, value, goal))
	}
}

func (r *report) finish() {
	ratio := func(prefix, name string) {
		if res := r.find(prefix); res != nil {
			r.check(name, fmt.Sprintf(">= %.1fx baseline", goalRatio), res.RatioToBaseline, res.RatioToBaseline >= goalRatio)
		}
	}
	ratio("otark PATCH valid (", "otark valid req/s ratio")
	if res := r.find("otark PATCH valid ("); res != nil {
		r.check("otark valid p99 ms", fmt.Sprintf("<= %.0f ms", goalP99Ms), res.P99Ms, res.P99Ms <= goalP99Ms)
	}
	ratio("otark PATCH rejected", "otark rejected req/s ratio")
	ratio("podero", "podero req/s ratio")
	ratio("esmart", "esmart req/s ratio")
	for _, res := range r.Results {
		if res.Errors > 0 {
			r.check(res.Scenario+" errors", "0", float64(res.Errors), false)
		}
	}
	if r.Burst != nil {
		r.check("burst time, serve's GC tuning / Go's default", fmt.Sprintf("<= %.1fx", goalBurstRatio), r.Burst.Ratio, r.Burst.Ratio <= goalBurstRatio)
		for _, s := range r.Burst.Servers {
			if s.Errors > 0 {
				r.check("burst errors, "+s.Server, "0", float64(s.Errors), false)
			}
		}
	}
	r.check("first answer ms", fmt.Sprintf("<= %.0f ms", goalFirstAnswerMs), r.Gridtwin.FirstAnswerMs, r.Gridtwin.FirstAnswerMs <= goalFirstAnswerMs)
	r.check("resident MB", fmt.Sprintf("<= %.0f MB", goalResidentMB), r.Gridtwin.ResidentMB, r.Gridtwin.ResidentMB <= goalResidentMB)
	if r.Scale != nil {
		def, big := r.find("otark PATCH valid ("), r.find(fmt.Sprintf("otark PATCH valid, %d", r.Scale.Customers))
		if def != nil && big != nil && def.RequestsPerSec > 0 {
			r.Scale.RatioToDefault = big.RequestsPerSec / def.RequestsPerSec
			r.check("scale req/s ratio to default fixtures", fmt.Sprintf(">= %.1f", goalScaleRatio), r.Scale.RatioToDefault, r.Scale.RatioToDefault >= goalScaleRatio)
		}
	}
}

const rowFormat = "%-42s %9s %8s %8s %7s %8s\n"

func (r *report) printHeader(w io.Writer) {
	fmt.Fprintf(w, rowFormat, "scenario", "req/s", "p50", "p99", "errors", "vs bare")
}

func (r *report) printRow(w io.Writer, res result) {
	fmt.Fprintf(w, rowFormat, res.Scenario,
		fmt.Sprintf("%.0f", res.RequestsPerSec),
		fmt.Sprintf("%.2fms", res.P50Ms), fmt.Sprintf("%.2fms", res.P99Ms),
		fmt.Sprint(res.Errors), fmt.Sprintf("%.2fx", res.RatioToBaseline))
	if len(res.TransportErrors) > 0 {
		fmt.Fprintf(w, "    transport errors: %s\n", strings.Join(res.TransportErrors, "; "))
	}
}

func (r *report) printSummary(w io.Writer) {
	fmt.Fprintf(w, "\ngridtwin (default fixtures): first answer %.1f ms after start, resident %.1f MB after the run\n",
		r.Gridtwin.FirstAnswerMs, r.Gridtwin.ResidentMB)
	if s := r.Scale; s != nil {
		fmt.Fprintf(w, "gridtwin (%d otark customers): first answer %.1f ms after start, resident %.1f MB, valid PATCH at %.2fx of default fixtures\n",
			s.Customers, s.FirstAnswerMs, s.ResidentMB, s.RatioToDefault)
	}
	if r.Burst != nil {
		r.Burst.print(w)
	}
	fmt.Fprintln(w, "\ntargets:")
	for _, t := range r.Targets {
		mark := "met   "
		if !t.Met {
			mark = "MISSED"
		}
		fmt.Fprintf(w, "  %s %-40s %10.2f  (goal %s)\n", mark, t.Name, t.Value, t.Goal)
	}
}
