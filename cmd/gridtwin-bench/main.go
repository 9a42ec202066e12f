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
	peers := fl.String("peers", "", "comma-separated other mock servers to measure gridtwin against: "+strings.Join(peerKeys, ","))
	prismCache := fl.String("prism-cache", filepath.Join(".cache", "prism"), "where --peers prism finds Prism, or installs it with npm")
	redisServer := fl.String("redis-server", "redis-server", "redis-server binary of the redis scenario (skipped if not found)")
	baseline := fl.Bool("baseline", false, "internal: serve the bare net/http baseline")
	addr := fl.String("addr", "127.0.0.1:0", "internal: listen address of --baseline")
	answerFile := fl.String("baseline-answer", "", "internal: JSON file of the fixed answer of --baseline (default: an otark customer)")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *baseline {
		return serveBaseline(*addr, *answerFile)
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
		stdout:      stdout,
		load:        loadConfig{Connections: *connections, Duration: *duration, Warmup: *warmup, Rounds: *rounds},
		scale:       *scaleCustomers,
		burst:       burstConfig{connections: *burstConns, rounds: *bursts},
		prismCache:  *prismCache,
		redisServer: *redisServer,
	}
	var err error
	if b.only, err = keySet(*only, scenarioKeys, "scenario"); err == nil {
		b.peers, err = keySet(*peers, peerKeys, "peer")
	}
	if err != nil {
		fmt.Fprintf(stderr, "gridtwin-bench: %v\n", err)
		return 2
	}
	// The redis, scale and peer figures are ratios to the valid PATCH with
	// default fixtures.
	if b.only != nil && (b.only["redis"] || b.only["scale"] || len(b.peers) > 0) {
		b.only["otark-valid"] = true
	}
	stopOnSignal()
	if err := b.run(*gridtwinBin, *out); err != nil {
		fmt.Fprintf(stderr, "gridtwin-bench: %v\n", err)
		return 1
	}
	return 0
}

// keySet parses a comma-separated list of known keys; "" gives nil.
func keySet(list string, known []string, what string) (map[string]bool, error) {
	if list == "" {
		return nil, nil
	}
	set := map[string]bool{}
	for _, k := range strings.Split(list, ",") {
		if !slices.Contains(known, k) {
			return nil, fmt.Errorf("unknown %s %q (have %s)", what, k, strings.Join(known, ","))
		}
		set[k] = true
	}
	return set, nil
}

// scenarioKeys name the scenarios for --only, in the order they run.
var scenarioKeys = []string{"otark-valid", "otark-rejected", "otark-get", "otark-list", "podero", "esmart", "redis", "scale", "burst"}

type burstConfig struct{ connections, rounds int }

type bench struct {
	stdout io.Writer
	load   loadConfig
	scale  int
	burst  burstConfig
	// only selects scenarios by key; nil runs them all.
	only map[string]bool
	// peers selects the other mock servers; nil runs none.
	peers       map[string]bool
	prismCache  string
	redisServer string
	report      report
	// plan is every measured scenario, in the order of each round.
	plan []*tally
	// memory are the gridtwin processes whose resident memory is reported.
	memory struct{ defaults, scale *server }
}

func (b *bench) selected(key string) bool { return b.only == nil || b.only[key] }

func (b *bench) run(gridtwinBin, out string) error {
	tmp, err := os.MkdirTemp("", "gridtwin-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	// Every server the bench starts stops when it ends, on error too.
	defer running.stopAll()
	if gridtwinBin, err = buildGridtwin(gridtwinBin, tmp, b.stdout); err != nil {
		return err
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

	for _, step := range []func() error{
		func() error { return b.planBaseline(self) },
		func() error { return b.planDefaults(gridtwinBin, self, tmp, tg) },
		func() error { return b.planRedis(gridtwinBin, tg) },
		func() error { return b.planScale(gridtwinBin, tg, tmp) },
		func() error { return b.planPeers(tg, tmp) },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	if err := b.measure(); err != nil {
		return err
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
	return nil
}

// buildGridtwin returns bin, or builds gridtwin into dir when bin is "".
func buildGridtwin(bin, dir string, log io.Writer) (string, error) {
	if bin != "" {
		return bin, nil
	}
	bin = filepath.Join(dir, "gridtwin")
	fmt.Fprintln(log, "building gridtwin ...")
	build := exec.Command("go", "build", "-o", bin, "github.com/gridtwin/gridtwin/cmd/gridtwin")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("go build gridtwin: %w", err)
	}
	return bin, nil
}

// add probes a scenario on s and plans it for the rounds. It returns the
// probe's answer.
func (b *bench) add(sc scenario, s *server) (answer, error) {
	a, err := probe(sc, s.baseURL)
	if err != nil {
		return answer{}, fmt.Errorf("%s: %w", sc.Name, err)
	}
	t := newTally(sc, s.baseURL)
	if sc.Kind != kindPeer {
		// A peer's CPU time is left out: Prism may work in child
		// processes, whose time /proc/<pid>/stat does not count.
		t.cpu = s.cpuTime
	}
	b.plan = append(b.plan, t)
	return a, nil
}

// addWithTwin plans an API scenario after its same-request baseline: a
// bare handler of its own, driven by the same requests, that answers what
// gridtwin answered the probe. The scenario's goals are taken against it,
// so that a larger request or answer (podero's body, a page of ten
// customers) is not counted as gridtwin's cost.
func (b *bench) addWithTwin(sc scenario, gt *server, self, tmp string) error {
	twin := sc
	twin.Name, twin.Server, twin.Kind = twinName(sc.Name), "baseline (same request)", kindTwin
	sc.Reference = twin.Name
	a, err := b.add(sc, gt) // the probe the twin repeats
	if err != nil {
		return err
	}
	file := filepath.Join(tmp, fmt.Sprintf("answer-%d.json", len(b.plan)))
	data, err := json.Marshal(a)
	if err != nil {
		return err
	}
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return err
	}
	bare, err := b.start(twin.Name, self, []string{"--baseline", "--baseline-answer", file})
	if err != nil {
		return err
	}
	if _, err := b.add(twin, bare); err != nil {
		return err
	}
	// Each round measures the twin just before its scenario.
	n := len(b.plan)
	b.plan[n-2], b.plan[n-1] = b.plan[n-1], b.plan[n-2]
	return nil
}

func twinName(scenario string) string { return "bare: " + scenario }

// planBaseline starts the limit: a bare handler in its own process.
func (b *bench) planBaseline(self string) error {
	base, err := b.start("baseline", self, []string{"--baseline"})
	if err != nil {
		return err
	}
	_, err = b.add(baselineScenario(), base)
	return err
}

func gridtwinServe(extra ...string) []string {
	return append([]string{"serve", "--otark-rate-limit", fmt.Sprint(hugeRateLimit)}, extra...)
}

// planDefaults starts gridtwin with its embedded fixtures and in-memory
// store, and plans every vendor API scenario on it.
func (b *bench) planDefaults(bin, self, tmp string, tg *targets) error {
	gt, err := b.start("gridtwin", bin, gridtwinServe())
	if err != nil {
		return err
	}
	b.memory.defaults = gt
	b.report.Gridtwin.FirstAnswerMs = ms(gt.firstAnswer)
	var token string
	if b.selected("podero") && len(tg.missing("podero")) == 0 {
		if token, err = poderoToken(tg, gt.baseURL); err != nil {
			return err
		}
	}
	for _, sc := range []struct {
		key, vendor string
		scenario
	}{
		{"otark-valid", "otark", otarkPatch(tg, oneCustomer(tg))},
		{"otark-rejected", "otark", otarkRejected(tg)},
		{"otark-get", "otark", otarkGet(tg)},
		{"otark-list", "otark", otarkList(tg)},
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
		if err := b.addWithTwin(sc.scenario, gt, self, tmp); err != nil {
			return err
		}
	}
	return nil
}

func oneCustomer(tg *targets) func(uint64) string {
	return func(uint64) string { return tg.Otark.CustomerID }
}

// otarkReference is the valid otark PATCH on one customer, planned against
// another server under another name, or skipped when the target file lacks
// otark's keys.
func (b *bench) otarkReference(tg *targets, key, name, server, kind string) (scenario, bool) {
	sc := otarkPatch(tg, oneCustomer(tg))
	sc.Name, sc.Server, sc.Kind = name, server, kind
	if missing := tg.missing("otark"); len(missing) > 0 {
		b.skip(key, "fixtures/conformance.yaml lacks "+strings.Join(missing, ", "))
		return sc, false
	}
	return sc, true
}

// planRedis starts a redis-server of the bench's own and gridtwin on it.
func (b *bench) planRedis(bin string, tg *targets) error {
	if !b.selected("redis") {
		return nil
	}
	sc, ok := b.otarkReference(tg, "redis", "otark PATCH valid, redis store", "gridtwin (redis)", kindRedis)
	if !ok {
		return nil
	}
	rs, why, err := startRedis(b.redisServer)
	if err != nil {
		return err
	}
	if why != "" {
		b.skip("redis", why)
		return nil
	}
	gt, err := b.start("gridtwin (redis)", bin, gridtwinServe("--store", "redis://"+rs.addr+"/0"))
	if err != nil {
		return err
	}
	_, err = b.add(sc, gt)
	return err
}

// planScale starts gridtwin with many more otark customers and spreads the
// valid PATCH over them.
func (b *bench) planScale(bin string, tg *targets, tmp string) error {
	if b.scale <= 0 || !b.selected("scale") {
		return nil
	}
	sc, ok := b.otarkReference(tg, "scale", fmt.Sprintf("otark PATCH valid, %d customers", b.scale), "gridtwin (scale)", kindScale)
	if !ok {
		return nil
	}
	dir := filepath.Join(tmp, "scale-fixtures")
	ids, err := writeScaleFixtures(dir, fixtures.FS(), tg.Otark.CustomerID, b.scale)
	if err != nil {
		return fmt.Errorf("scale fixtures: %w", err)
	}
	big, err := b.start("gridtwin (scale)", bin, gridtwinServe("--fixtures", dir))
	if err != nil {
		return err
	}
	b.memory.scale = big
	// serve hands the loading's garbage back to the system just after it
	// starts answering; a moment later the resident set is what stays.
	time.Sleep(settleAfterStart)
	loaded, err := big.residentBytes()
	if err != nil {
		return err
	}
	b.report.Scale = &scaleFigures{Customers: b.scale, FirstAnswerMs: ms(big.firstAnswer),
		ResidentLoadedMB: float64(loaded) / (1 << 20)}
	spread := otarkPatch(tg, func(seq uint64) string { return ids[seq%uint64(len(ids))] })
	sc.target = spread.target
	_, err = b.add(sc, big)
	return err
}

// settleAfterStart is ten times what serve's FreeOSMemory takes with
// 100,000 customers.
const settleAfterStart = time.Second

// settleAfterRun is how long the bench waits after the load for the idle
// figures: serve hands its headroom back in the first second in which it
// allocated next to nothing, so within two of the load's end.
const settleAfterRun = 3 * time.Second

// planPeers starts the other mock servers --peers names.
func (b *bench) planPeers(tg *targets, tmp string) error {
	if !b.peers["prism"] {
		return nil
	}
	sc, ok := b.otarkReference(tg, "prism", "Prism 5 otark PATCH valid", "prism", kindPeer)
	if !ok {
		return nil
	}
	prism, why, err := b.startPrism(tmp)
	if err != nil {
		return err
	}
	if why != "" {
		b.skip("prism", why)
		return nil
	}
	_, err = b.add(sc, prism)
	return err
}

// measure runs the rounds, prints every scenario's row and reads the
// gridtwin processes' memory after the load.
func (b *bench) measure() error {
	// Every server runs for the whole bench; the scenarios take turns in
	// rounds, so a change in the machine's load during the run (other
	// processes, thermal limits) touches every scenario alike instead of
	// whichever ran at that moment.
	perRound := b.load.Duration / time.Duration(b.load.Rounds)
	for i := range b.load.Rounds {
		fmt.Fprintf(b.stdout, "round %d of %d ...\n", i+1, b.load.Rounds)
		for _, t := range b.plan {
			t.round(b.load, perRound)
		}
	}
	fmt.Fprintln(b.stdout)
	b.report.printHeader(b.stdout)
	for _, t := range b.plan {
		b.report.add(t.result())
		b.report.printRow(b.stdout, b.report.Results[len(b.report.Results)-1])
	}
	return b.measureResident()
}

// measureResident reads the gridtwin processes' memory as the load ends and
// again settleAfterRun later, once idle.
func (b *bench) measureResident() error {
	type proc struct {
		s         *server
		end, idle *float64
	}
	var procs []proc
	if s := b.memory.defaults; s != nil {
		procs = append(procs, proc{s, &b.report.Gridtwin.ResidentMB, &b.report.Gridtwin.ResidentIdleMB})
	}
	if s := b.memory.scale; s != nil {
		procs = append(procs, proc{s, &b.report.Scale.ResidentMB, &b.report.Scale.ResidentIdleMB})
	}
	if len(procs) == 0 {
		return nil
	}
	read := func(field func(proc) *float64) error {
		for _, p := range procs {
			rss, err := p.s.residentBytes()
			if err != nil {
				return err
			}
			*field(p) = float64(rss) / (1 << 20)
		}
		return nil
	}
	if err := read(func(p proc) *float64 { return p.end }); err != nil {
		return err
	}
	time.Sleep(settleAfterRun)
	return read(func(p proc) *float64 { return p.idle })
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
	tuned, err := b.start("gridtwin (serve's GC tuning)", bin, gridtwinServe(), "GODEBUG=gctrace=1")
	if err != nil {
		return err
	}
	defer tuned.stop()
	def, err := b.start("gridtwin (Go's default GC)", bin, gridtwinServe(), "GODEBUG=gctrace=1", "GOGC=100")
	if err != nil {
		return err
	}
	defer def.stop()
	fmt.Fprintf(b.stdout, "bursts of %d ...\n", b.burst.connections)
	rep := runBursts(otarkPatch(tg, oneCustomer(tg)), []*server{tuned, def}, b.burst.connections, b.burst.rounds)
	b.report.Burst = &rep
	return nil
}
