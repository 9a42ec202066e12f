package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// baselineBody is what the bare handler answers by default: about the size
// of an otark Customer, so the baseline moves as many bytes as the mock does.
var baselineBody = []byte(`{"id":"cust_r8s9t0u1","name":"SolarDach GmbH","status":"active","balance_group":{"eic":"11YSOLARDACH--A","tso":"DE_AMPRION"},"metadata":{"customer_number":"KD-2026-0815","cost_center":"CC-4200","region":"NRW"},"assigned_at":"2026-01-10T09:00:00Z","created_at":"2026-01-10T09:00:00Z","activated_at":"2026-01-10T11:30:00Z"}`)

// answer is a fixed response: what a bare handler sends back. A scenario's
// same-request baseline answers what gridtwin answered the scenario's
// request, so both servers write the same bytes.
type answer struct {
	Status int         `json:"status"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"body"`
}

func defaultAnswer() answer {
	return answer{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: baselineBody}
}

// bareHandler is the limit gridtwin is compared with: the least a Go HTTP
// server must do for a request (read the body, answer JSON).
func bareHandler(a answer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		for k, v := range a.Header {
			h[k] = v
		}
		w.WriteHeader(a.Status)
		_, _ = w.Write(a.Body)
	}
}

// readAnswer reads the JSON file --baseline-answer names; "" is the
// default answer.
func readAnswer(path string) (answer, error) {
	if path == "" {
		return defaultAnswer(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return answer{}, err
	}
	var a answer
	if err := json.Unmarshal(b, &a); err != nil {
		return answer{}, fmt.Errorf("%s: %w", path, err)
	}
	if a.Status < 100 || a.Status > 999 {
		return answer{}, fmt.Errorf("%s: status %d is not an HTTP status", path, a.Status)
	}
	// net/http writes these itself, from what the handler writes.
	a.Header.Del("Date")
	a.Header.Del("Content-Length")
	return a, nil
}

// serveBaseline runs the bare handler as its own process, configured like
// gridtwin serve, so both are measured the same way. It announces its
// address on the first line of stdout as gridtwin does.
func serveBaseline(addr, answerFile string) int {
	a, err := readAnswer(answerFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gridtwin-bench --baseline: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gridtwin-bench --baseline: %v\n", err)
		return 1
	}
	fmt.Printf("baseline listening on http://%s\n", ln.Addr())
	// The timeouts of gridtwin serve's server: each costs a deadline
	// change per request, which is net/http's cost, not the mock's.
	srv := &http.Server{
		Handler:           bareHandler(a),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
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
