package otark

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

const rateWindow = 60 * time.Second

// rateLimiter is a fixed window per API key: the window opens at the key's
// first request and every request in it counts, rejected ones included.
type rateLimiter struct {
	limit  int
	window time.Duration

	mu      sync.Mutex
	windows map[string]*keyWindow
}

type keyWindow struct {
	start time.Time
	count int
}

// rateDecision is what one request learns about its key's window.
type rateDecision struct {
	limit     int
	remaining int
	reset     int // whole seconds until the window closes, at least 1
	exceeded  bool
}

func newRateLimiter(limit int, window time.Duration) *rateLimiter {
	return &rateLimiter{limit: limit, window: window, windows: map[string]*keyWindow{}}
}

// take counts one request of key at now.
func (l *rateLimiter) take(key string, now time.Time) rateDecision {
	l.mu.Lock()
	w, ok := l.windows[key]
	if !ok || !now.Before(w.start.Add(l.window)) {
		w = &keyWindow{start: now}
		l.windows[key] = w
	}
	w.count++
	count, start := w.count, w.start
	l.mu.Unlock()

	left := start.Add(l.window).Sub(now)
	reset := int((left + time.Second - 1) / time.Second)
	return rateDecision{
		limit:     l.limit,
		remaining: max(0, l.limit-count),
		reset:     max(1, reset),
		exceeded:  count > l.limit,
	}
}

func (l *rateLimiter) reset() {
	l.mu.Lock()
	clear(l.windows)
	l.mu.Unlock()
}

func (d rateDecision) setHeaders(h http.Header) {
	h.Set("X-RateLimit-Limit", strconv.Itoa(d.limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(d.remaining))
	h.Set("X-RateLimit-Reset", strconv.Itoa(d.reset))
}
