package otark

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gridtwin/gridtwin/mock/store"
)

const (
	rateWindow = 60 * time.Second
	// rateCounter names the windows in the store; each session has its own.
	rateCounter = "otark.ratelimit"
)

// rateDecision is what one request learns about its key's window: a fixed
// window per API key that opens at the key's first request, in which every
// request counts, rejected ones included.
type rateDecision struct {
	limit     int
	remaining int
	reset     int // whole seconds until the window closes, at least 1
	exceeded  bool
}

// takeRate counts one request of key at now in the session's window.
func (a *API) takeRate(ctx context.Context, sess store.Session, key string, now time.Time) (rateDecision, error) {
	w, err := sess.Count(ctx, rateCounter, key, now, rateWindow)
	if err != nil {
		return rateDecision{}, err
	}
	left := w.Start.Add(rateWindow).Sub(now)
	reset := int((left + time.Second - 1) / time.Second)
	return rateDecision{
		limit:     a.rateLimit,
		remaining: max(0, a.rateLimit-w.Count),
		reset:     max(1, reset),
		exceeded:  w.Count > a.rateLimit,
	}, nil
}

func (d rateDecision) setHeaders(h http.Header) {
	// The canonical keys, which net/http writes whatever the spelling:
	// Set would canonicalize "X-RateLimit-..." into a new string on every
	// request. The three values share one array: one allocation, not three.
	v := &[3]string{strconv.Itoa(d.limit), strconv.Itoa(d.remaining), strconv.Itoa(d.reset)}
	h["X-Ratelimit-Limit"] = v[0:1:1]
	h["X-Ratelimit-Remaining"] = v[1:2:2]
	h["X-Ratelimit-Reset"] = v[2:3:3]
}
