package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gridtwin/gridtwin/mock"
	"github.com/gridtwin/gridtwin/mock/server"
	"github.com/gridtwin/gridtwin/mock/store"
)

// serveFlags are serve's settings, each also read from the environment
// (GRIDTWIN_<FLAG>, see envDefaults); a flag on the command line wins.
type serveFlags struct {
	addr, fixtures, latency, faults, logFormat, adminToken, store string
	rateLimit, maxSessions                                        int
	sessionTTL                                                    time.Duration
	faultRate                                                     float64
	seed                                                          uint64
	quiet, watch                                                  bool
}

func newServeFlagSet(stderr io.Writer) (*flag.FlagSet, *serveFlags) {
	fs := flag.NewFlagSet("gridtwin serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := &serveFlags{}
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&f.fixtures, "fixtures", "", "directory with otark.yaml, podero.yaml and esmart.yaml (default: the embedded fixtures)")
	fs.IntVar(&f.rateLimit, "otark-rate-limit", 300, "otark requests allowed per API key per 60 s window")
	fs.StringVar(&f.latency, "latency", "", "latency added to every vendor request: 200ms, or a range 50ms-400ms")
	fs.Float64Var(&f.faultRate, "fault-rate", 0, "share of vendor requests (0 to 1) that meet a random fault")
	fs.StringVar(&f.faults, "faults", "reset,empty,500,503", "the faults --fault-rate draws from")
	fs.Uint64Var(&f.seed, "seed", 0, "seed of the latency and fault draws, for repeatable chaos (0: a random seed, printed)")
	fs.StringVar(&f.logFormat, "log-format", "text", "request log format: text or json")
	fs.BoolVar(&f.quiet, "quiet", false, "no request log (the banner and reload messages stay)")
	fs.StringVar(&f.adminToken, "admin-token", "", "token the admin API requires (Authorization: Bearer); generated when listening beyond loopback without one")
	fs.StringVar(&f.store, "store", "memory", "where state lives: memory, or redis://HOST:PORT/DB shared by replicas")
	fs.DurationVar(&f.sessionTTL, "session-ttl", 30*time.Minute, "drop an X-Gridtwin-Session idle longer than this")
	fs.IntVar(&f.maxSessions, "max-sessions", 1000, "named sessions alive at once; past that a new one gets a 503")
	fs.BoolVar(&f.watch, "watch", false, "reload the fixtures of --fixtures when a file changes")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: gridtwin serve [flags]\n\nServes the otark, podero and esmart mocks on one port.\n"+
			"Admin: /__admin/ (dashboard), POST /__admin/reset, GET /__admin/state, GET|DELETE /__admin/requests, GET /__admin/health.\n"+
			"Every flag can also be set in the environment: --addr as GRIDTWIN_ADDR, --fault-rate as GRIDTWIN_FAULT_RATE; an empty variable counts as unset.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs, f
}

func serve(args []string, stdout, stderr io.Writer) int {
	fs, f := newServeFlagSet(stderr)
	if err := envDefaults(fs, os.LookupEnv); err != nil {
		fmt.Fprintf(stderr, "gridtwin serve: %v\n", err)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	cfg, err := f.config(fs)
	if err != nil {
		fmt.Fprintf(stderr, "gridtwin serve: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		fmt.Fprintf(stderr, "gridtwin serve: %v\n", err)
		return 1
	}
	defer ln.Close()
	out := newBatchWriter(stdout, 20*time.Millisecond)
	defer out.Flush()
	stdout = out
	if !isLoopback(ln.Addr()) && cfg.Server.AdminToken == "" {
		cfg.Server.AdminToken = randomToken()
	}
	events := newLogger(stdout, f.logFormat)
	if !f.quiet {
		cfg.Server.Log = events
	}
	if cfg.Server.Store, err = f.openStore(); err != nil {
		fmt.Fprintf(stderr, "gridtwin serve: --store: %v\n", err)
		return 1
	}
	defer cfg.Server.Store.Close()
	handler, err := mock.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "gridtwin serve: %v\n", err)
		return 1
	}
	if f.watch {
		stopWatch, err := watchFixtures(f.fixtures, cfg, handler, events)
		if err != nil {
			fmt.Fprintf(stderr, "gridtwin serve: --watch: %v\n", err)
			return 1
		}
		defer stopWatch()
	}
	printBanner(stdout, "http://"+ln.Addr().String(), handler, cfg.Server)
	defer tuneGC()()
	return serveUntilSignal(ln, handler, stdout, stderr)
}

// config checks the flags and turns them into the mock's configuration.
func (f *serveFlags) config(fs *flag.FlagSet) (mock.Config, error) {
	var cfg mock.Config
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if f.rateLimit < 1 {
		return cfg, fmt.Errorf("--otark-rate-limit must be at least 1, got %d", f.rateLimit)
	}
	cfg.Otark.RateLimit = f.rateLimit
	if f.fixtures != "" {
		if st, err := os.Stat(f.fixtures); err != nil || !st.IsDir() {
			return cfg, fmt.Errorf("--fixtures %s is not a directory", f.fixtures)
		}
		cfg.Fixtures = os.DirFS(f.fixtures)
	} else if f.watch {
		return cfg, fmt.Errorf("--watch needs --fixtures DIR: the embedded fixtures never change")
	}
	chaos, err := f.chaos()
	if err != nil {
		return cfg, err
	}
	if f.logFormat != "text" && f.logFormat != "json" {
		return cfg, fmt.Errorf("--log-format is text or json, got %q", f.logFormat)
	}
	if f.sessionTTL <= 0 || f.maxSessions < 1 {
		return cfg, fmt.Errorf("--session-ttl must be positive and --max-sessions at least 1")
	}
	if f.store != "memory" && !strings.HasPrefix(f.store, "redis://") {
		return cfg, fmt.Errorf("--store is memory or redis://HOST:PORT/DB, got %q", f.store)
	}
	cfg.Server = server.Options{Chaos: chaos, AdminToken: f.adminToken, Version: version()}
	return cfg, nil
}

// openStore opens the state store; an unreachable Redis is an error at
// start, not a first request that hangs.
func (f *serveFlags) openStore() (store.Store, error) {
	opts := store.Options{SessionTTL: f.sessionTTL, MaxSessions: f.maxSessions}
	if f.store == "memory" {
		return store.NewMemory(opts), nil
	}
	return store.OpenRedis(context.Background(), f.store, opts)
}

func (f *serveFlags) chaos() (server.ChaosOptions, error) {
	var c server.ChaosOptions
	var err error
	if c.LatencyMin, c.LatencyMax, err = server.ParseLatency(f.latency); err != nil {
		return c, fmt.Errorf("--latency: %w", err)
	}
	if f.faultRate < 0 || f.faultRate > 1 {
		return c, fmt.Errorf("--fault-rate must be between 0 and 1, got %v", f.faultRate)
	}
	c.FaultRate = f.faultRate
	if c.Faults, err = server.ParseFaults(f.faults); err != nil {
		return c, fmt.Errorf("--faults: %w", err)
	}
	c.Seed = f.seed
	if c.Seed == 0 {
		c.Seed = randomSeed()
	}
	return c, nil
}

func newLogger(w io.Writer, format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

func serveUntilSignal(ln net.Listener, handler http.Handler, stdout, stderr io.Writer) int {
	// ReadTimeout bounds a client that announces a body and stalls: without it
	// the handler would wait for the missing bytes forever.
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "gridtwin serve: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "gridtwin: shutting down, finishing requests in flight")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(stderr, "gridtwin serve: shutdown: %v\n", err)
		return 1
	}
	return 0
}
