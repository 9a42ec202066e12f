// Command gridtwin-bench measures gridtwin against the limit of a bare Go
// HTTP server. In one run it builds gridtwin, starts it and a bare
// net/http handler as separate processes on loopback, drives each scenario
// with vegeta at the same concurrency for the same time, and prints
// requests/s, latency percentiles, errors and the ratio to the bare
// baseline, plus gridtwin's start-to-first-answer time and resident memory.
//
//	go run ./cmd/gridtwin-bench [--duration 8s] [--connections 32] [--out bench-results.json]
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/gridtwin/gridtwin/fixtures"
)

func main() {
	os.Exit(benchMain(os.Args[1:], os.Stdout, os.Stderr))
}

// hugeRateLimit keeps otark's per-key limit out of the way: the bench sends
// one key's requests far faster than the contract's 300 per minute.
const hugeRateLimit = 1 << 30

func benchMain(args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("gridtwin-bench", flag.ContinueOnError)
	fl.SetOutput(stderr)
	duration := fl.Duration("duration", 8*time.Second, "measured time per scenario, split over the rounds")
	rounds := fl.Int("rounds", 4, "rounds in which the scenarios take turns")
	warmup := fl.Duration("warmup", 300*time.Millisecond, "unmeasured load before each scenario in each round")
	connections := fl.Int("connections", 32, "concurrent connections and workers")
	out := fl.String("out", "bench-results.json", "where to write the figures as JSON (empty: do not write)")
	gridtwinBin := fl.String("gridtwin", "", "prebuilt gridtwin binary (default: go build ./cmd/gridtwin into a temp dir)")
	scaleCustomers := fl.Int("scale-customers", 100000, "otark customers in the scale scenario (0 skips it)")
	burstConns := fl.Int("burst-connections", 1000, "clients released at once in each burst, one new connection and one PATCH each")
	bursts := fl.Int("bursts", 9, "bursts sent to each of the two servers of the burst scenario (0 skips it)")
	only := fl.String("only", "", "comma-separated scenario keys to run besides the baseline: "+strings.Join(scenarioKeys, ","))
	baseline := fl.Bool("baseline", false, "internal: serve the bare net/http baseline")
	addr := fl.String("addr", "127.0.0.1:0", "internal: listen address of --baseline")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *baseline {
		return serveBaseline(*addr)
	}
	// The load generator shares the cores with the server it measures; its
	// garbage collection is CPU taken from every scenario alike. Collecting
	// less often leaves more of the machine to the servers, the same for the
	// baseline as for gridtwin. The servers keep Go's defaults.
	debug.SetGCPercent(400)
	if *connections < 1 || *duration <= 0 || *rounds < 1 {
		fmt.Fprintln(stderr, "gridtwin-bench: --connections, --duration and --rounds must be positive")
		return 2
	}
	b := &bench{
		stdout: stdout,
		load:   loadConfig{Connections: *connections, Duration: *duration, Warmup: *warmup, Rounds: *rounds},
		scale:  *scaleCustomers,
		burst:  burstConfig{connections: *burstConns, rounds: *bursts},
	}
	if *only != "" {
		b.only = map[string]bool{"baseline": true}
		for _, k := range strings.Split(*only, ",") {
			if !slices.Contains(scenarioKeys, k) {
				fmt.Fprintf(stderr, "gridtwin-bench: unknown scenario %q (have %s)\n", k, strings.Join(scenarioKeys, ","))
				return 2
			}
			b.only[k] = true
		}
		// The scale figure is a ratio to the valid PATCH with default fixtures.
		if b.only["scale"] {
			b.only["otark-valid"] = true
		}
	}
	if err := b.run(*gridtwinBin, *out); err != nil {
		fmt.Fprintf(stderr, "gridtwin-bench: %v\n", err)
		return 1
	}
	return 0
}

// scenarioKeys name the scenarios for --only, in the order they run.
var scenarioKeys = []string{"otark-valid", "otark-rejected", "podero", "esmart", "scale", "burst"}

type burstConfig struct{ connections, rounds int }

type bench struct {
	stdout io.Writer
	load   loadConfig
	scale  int
	burst  burstConfig
	// only selects scenarios by key; nil runs them all.
	only   map[string]bool
	report report
}

func (b *bench) selected(key string) bool { return b.only == nil || b.only[key] }

func (b *bench) run(gridtwinBin, out string) error {
	tmp, err := os.MkdirTemp("", "gridtwin-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	if gridtwinBin == "" {
		gridtwinBin = filepath.Join(tmp, "gridtwin")
		fmt.Fprintln(b.stdout, "building gridtwin ...")
		build := exec.Command("go", "build", "-o", gridtwinBin, "github.com/gridtwin/gridtwin/cmd/gridtwin")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go build gridtwin: %w", err)
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	tg, err := loadTargets(fixtures.FS())
	if err != nil {
		return err
	}

	b.report = newReport(b.load)
	fmt.Fprintf(b.stdout, "gridtwin-bench: %d connections, %s per scenario in %d rounds, %s warm-up before each, %d CPUs, %s\n",
		b.load.Connections, b.load.Duration, b.load.Rounds, b.load.Warmup, runtime.NumCPU(), runtime.Version())

	// Every server runs for the whole bench; the scenarios take turns in
	// rounds, so a change in the machine's load during the run (other
	// processes, thermal limits) touches every scenario alike instead of
	// whichever ran at that moment.
	var plan []*tally
	add := func(sc scenario, s *server) error {
		if err := probe(sc, s.baseURL); err != nil {
			return fmt.Errorf("%s: %w", sc.Name, err)
		}
		plan = append(plan, newTally(sc, s.baseURL))
		return nil
	}

	// (a) the limit: a bare handler in its own process.
	base, err := b.start("baseline", self, []string{"--baseline"})
	if err != nil {
		return err
	}
	defer base.stop()
	if err := add(baselineScenario(), base); err != nil {
		return err
	}

	// (b)-(e) gridtwin with its embedded fixtures.
	gt, err := b.start("gridtwin", gridtwinBin, []string{"serve", "--otark-rate-limit", fmt.Sprint(hugeRateLimit)})
	if err != nil {
		return err
	}
	defer gt.stop()
	b.report.Gridtwin.FirstAnswerMs = ms(gt.firstAnswer)
	var token string
	if b.selected("podero") && len(tg.missing("podero")) == 0 {
		if token, err = poderoToken(tg, gt.baseURL); err != nil {
			return err
		}
	}
	one := func(uint64) string { return tg.Otark.CustomerID }
	for _, sc := range []struct {
		key, vendor string
		scenario
	}{
		{"otark-valid", "otark", otarkPatch(tg, one)},
		{"otark-rejected", "otark", otarkRejected(tg)},
		{"podero", "podero", poderoPut(tg, token)},
		{"esmart", "esmart", esmartPatch(tg)},
	} {
		if !b.selected(sc.key) {
			continue
		}
		if missing := tg.missing(sc.vendor); len(missing) > 0 {
			b.skip(sc.Name, "fixtures/conformance.yaml lacks "+strings.Join(missing, ", "))
			continue
		}
		if err := add(sc.scenario, gt); err != nil {
			return err
		}
	}

	// The same valid otark PATCH with many customers in the store.
	var big *server
	if b.scale > 0 && b.selected("scale") && len(tg.missing("otark")) > 0 {
		b.skip("scale", "fixtures/conformance.yaml lacks "+strings.Join(tg.missing("otark"), ", "))
	} else if b.scale > 0 && b.selected("scale") {
		dir := filepath.Join(tmp, "scale-fixtures")
		ids, err := writeScaleFixtures(dir, fixtures.FS(), tg.Otark.CustomerID, b.scale)
		if err != nil {
			return fmt.Errorf("scale fixtures: %w", err)
		}
		big, err = b.start("gridtwin (scale)", gridtwinBin, []string{"serve", "--fixtures", dir, "--otark-rate-limit", fmt.Sprint(hugeRateLimit)})
		if err != nil {
			return err
		}
		defer big.stop()
		b.report.Scale = &scaleFigures{Customers: b.scale, FirstAnswerMs: ms(big.firstAnswer)}
		spread := func(seq uint64) string { return ids[seq%uint64(len(ids))] }
		sc := otarkPatch(tg, spread)
		sc.Name = fmt.Sprintf("otark PATCH valid, %d customers", b.scale)
		sc.Server = "gridtwin (scale)"
		if err := add(sc, big); err != nil {
			return err
		}
	}

	perRound := b.load.Duration / time.Duration(b.load.Rounds)
	for i := range b.load.Rounds {
		fmt.Fprintf(b.stdout, "round %d of %d ...\n", i+1, b.load.Rounds)
		for _, t := range plan {
			t.round(b.load, perRound)
		}
	}
	fmt.Fprintln(b.stdout)
	b.report.printHeader(b.stdout)
	for _, t := range plan {
		b.report.add(t.result())
		b.report.printRow(b.stdout, b.report.Results[len(b.report.Results)-1])
	}

	rss, err := gt.residentBytes()
	if err != nil {
		return err
	}
	b.report.Gridtwin.ResidentMB = float64(rss) / (1 << 20)
	if big != nil {
		if rss, err = big.residentBytes(); err != nil {
			return err
		}
		b.report.Scale.ResidentMB = float64(rss) / (1 << 20)
	}

	if b.burst.rounds > 0 && b.burst.connections > 0 && b.selected("burst") {
		if err := b.runBurst(gridtwinBin, tg); err != nil {
			return err
		}
	}

	b.report.finish()
	b.report.printSummary(b.stdout)
	if out != "" {
		data, err := json.MarshalIndent(b.report, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(out, append(data, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(b.stdout, "\nfigures written to %s\n", out)
	}
	if len(b.report.Missed) > 0 {
		fmt.Fprintf(b.stdout, "targets missed: %s\n", strings.Join(b.report.Missed, "; "))
	}
	return nil
}

// start runs a server on a free loopback port.
func (b *bench) start(name, bin string, args []string, env ...string) (*server, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	return startServer(name, bin, append(args, "--addr", addr), addr, env...)
}

func (b *bench) skip(scenario, why string) {
	b.report.Skipped = append(b.report.Skipped, scenario+": "+why)
	fmt.Fprintf(b.stdout, "%-42s skipped: %s\n", scenario, why)
}

// runBurst compares serve's GC tuning with Go's default GC on bursts, each
// server a process of its own that serves nothing else.
func (b *bench) runBurst(bin string, tg *targets) error {
	if missing := tg.missing("otark"); len(missing) > 0 {
		b.skip("burst", "fixtures/conformance.yaml lacks "+strings.Join(missing, ", "))
		return nil
	}
	args := []string{"serve", "--otark-rate-limit", fmt.Sprint(hugeRateLimit)}
	tuned, err := b.start("gridtwin (serve's GC tuning)", bin, args, "GODEBUG=gctrace=1")
	if err != nil {
		return err
	}
	defer tuned.stop()
	def, err := b.start("gridtwin (Go's default GC)", bin, args, "GODEBUG=gctrace=1", "GOGC=100")
	if err != nil {
		return err
	}
	defer def.stop()
	fmt.Fprintf(b.stdout, "bursts of %d ...\n", b.burst.connections)
	rep := runBursts(otarkPatch(tg, func(uint64) string { return tg.Otark.CustomerID }),
		[]*server{tuned, def}, b.burst.connections, b.burst.rounds)
	b.report.Burst = &rep
	return nil
}
