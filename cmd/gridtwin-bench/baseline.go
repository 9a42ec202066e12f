package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// baselineBody is what the bare handler answers: about the size of an otark
// Customer, so the baseline moves as many bytes as the mock does.
var baselineBody = []byte(`{"id":"cust_r8s9t0u1","name":"SolarDach GmbH","status":"active","balance_group":{"eic":"11YSOLARDACH--A","tso":"DE_AMPRION"},"metadata":{"customer_number":"KD-2026-0815","cost_center":"CC-4200","region":"NRW"},"assigned_at":"2026-01-10T09:00:00Z","created_at":"2026-01-10T09:00:00Z","activated_at":"2026-01-10T11:30:00Z"}`)

// bareHandler is the limit gridtwin is compared with: the least a Go HTTP
// server must do for such a request (read the body, answer JSON).
func bareHandler(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(baselineBody)
}

// serveBaseline runs the bare handler as its own process, configured like
// gridtwin serve, so both are measured the same way. It announces its
// address on the first line of stdout as gridtwin does.
func serveBaseline(addr string) int {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gridtwin-bench --baseline: %v\n", err)
		return 1
	}
	fmt.Printf("baseline listening on http://%s\n", ln.Addr())
	srv := &http.Server{Handler: http.HandlerFunc(bareHandler), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintf(os.Stderr, "gridtwin-bench --baseline: %v\n", err)
		return 1
	}
	return 0
}
