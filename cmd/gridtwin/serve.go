package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/gridtwin/gridtwin/mock"
)

func serve(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gridtwin serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	fixtureDir := fs.String("fixtures", "", "directory with otark.yaml, podero.yaml and esmart.yaml (default: the embedded fixtures)")
	rateLimit := fs.Int("otark-rate-limit", 300, "otark requests allowed per API key per 60 s window")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: gridtwin serve [flags]\n\nServes the otark, podero and esmart mocks on one port.\nAdmin: POST /__admin/reset, GET /__admin/state.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gridtwin serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *rateLimit < 1 {
		fmt.Fprintf(stderr, "gridtwin serve: --otark-rate-limit must be at least 1, got %d\n", *rateLimit)
		return 2
	}

	cfg := mock.Config{}
	cfg.Otark.RateLimit = *rateLimit
	if *fixtureDir != "" {
		if st, err := os.Stat(*fixtureDir); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "gridtwin serve: --fixtures %s is not a directory\n", *fixtureDir)
			return 2
		}
		cfg.Fixtures = os.DirFS(*fixtureDir)
	}
	handler, err := mock.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "gridtwin serve: %v\n", err)
		return 1
	}

	tuneGC()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "gridtwin serve: %v\n", err)
		return 1
	}
	// ReadTimeout bounds a client that announces a body and stalls: without it
	// the handler would wait for the missing bytes forever.
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}

	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "gridtwin listening on %s\n", base)
	fmt.Fprintf(stdout, "admin: POST %s/__admin/reset, GET %s/__admin/state\n", base, base)
	for _, api := range handler.APIs() {
		fmt.Fprintf(stdout, "\n[%s]\n", api.Name())
		for _, line := range api.Credentials() {
			fmt.Fprintf(stdout, "  %s\n", line)
		}
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

// tuneGC trades a little memory for fewer collections. A mock's live heap is
// its fixtures plus a few KB per request in flight, and with Go's default
// GOGC=100 a small heap is collected thousands of times a second under
// load, which shows in the tail latency. GOGC=400 collects a fifth as often.
//
// It sets no memory limit. A soft limit near the idle live heap (it was
// 16 MiB above it) is crossed by any burst: a thousand requests in flight
// hold their connection buffers and bodies at once, the live heap jumps
// past the limit, and the collector runs back to back (20 cycles per burst
// of 1,000 PATCHes, 2.6 times slower than Go's default, in make bench's
// burst scenario). A limit far enough above to never be crossed would not
// bound anything. GOGC or GOMEMLIMIT in the environment take precedence.
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(400)
}
