package suite

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
)

// maxStrikes is how many requests to one API may fail in transport (no
// answer within the timeout, a reset, a refused connection) before the
// suite stops asking: a server that accepts connections and never answers
// costs two request timeouts, not one per check.
const maxStrikes = 2

// health is what the client knows of one API's server: whether it has been
// reached, and whether it has stopped answering. Once broken, every later
// request of the API ends its check as could-not-run without a word on
// stdout: the reason was shown once, by the check that found it.
type health struct {
	api     string
	timeout time.Duration

	mu      sync.Mutex
	reached bool
	strikes int
	broken  string
}

// reach connects to the server once, before the API's first request, so
// that an unreachable target is one could-not-run with its reason and not
// one per check.
func (h *health) reach(req *http.Request) {
	GinkgoHelper()
	h.mu.Lock()
	if h.reached {
		h.mu.Unlock()
		return
	}
	h.reached = true
	h.mu.Unlock()
	addr := hostPort(req.URL)
	if proxy, err := http.ProxyFromEnvironment(req); err == nil && proxy != nil {
		addr = hostPort(proxy)
	}
	conn, err := net.DialTimeout("tcp", addr, h.timeout)
	if err != nil {
		reason := fmt.Sprintf("the %s target %s cannot be reached: %v; none of the %s checks can run",
			h.api, redactURL(req.URL.Scheme+"://"+req.URL.Host), err, h.api)
		h.breakWith(reason)
		CouldNotRun(reason)
	}
	_ = conn.Close()
}

func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// strike records a request that got no answer.
func (h *health) strike(reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.strikes++
	if h.strikes >= maxStrikes && h.broken == "" {
		h.broken = fmt.Sprintf("the %s server stopped answering (%d requests failed; the last: %s); the remaining %s checks could not run",
			h.api, h.strikes, reason, h.api)
	}
}

func (h *health) breakWith(reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.broken == "" {
		h.broken = reason
	}
}

// stopIfBroken ends the check as could-not-run, quietly, when the server
// is known not to answer.
func (h *health) stopIfBroken() {
	GinkgoHelper()
	h.mu.Lock()
	reason := h.broken
	h.mu.Unlock()
	if reason != "" {
		couldNotRunQuietly(reason)
	}
}

// couldNotRunQuietly ends the check as could-not-run without a failure
// block on stdout: Ginkgo reports it as a skip, and the outcome entry makes
// it could-not-run in every report the suite writes. It is for a reason
// that a check before it already showed in full.
func couldNotRunQuietly(reason string) {
	GinkgoHelper()
	if !CurrentSpecReport().Failed() {
		AddReportEntry(outcomeEntry, OutcomeCouldNotRun, ReportEntryVisibilityNever)
	}
	Skip("could not run: " + reason)
}
