// Package store holds the mutable state of every mocked API: records (a
// customer, a user's contracts), rate-limit windows and issued tokens, each
// kept per session. Two implementations share one contract: Memory (the
// default, one process) and Redis (replicas behind a load balancer).
//
// A session is a named copy of every API's state, forked from the fixtures
// on first use. A session stores only what it changed: a record it never
// wrote is the fixture's (Table supplies it), so forking costs nothing and
// a reset is dropping what the session wrote.
package store

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Header names the session of a request; without it, the default session.
const Header = "X-Gridtwin-Session"

// DefaultSession is the session of requests without the header. It never
// expires and does not count against the session limit.
const DefaultSession = ""

// MaxSessionNameLen bounds a session name; names also key Redis entries.
const MaxSessionNameLen = 64

var (
	// ErrUnavailable wraps every failure to reach the store's backend.
	ErrUnavailable = errors.New("state store unavailable")
	// ErrTooManySessions is Open of a new session while the limit is reached.
	ErrTooManySessions = errors.New("too many sessions")
	// ErrInvalidSession is a session name outside the safe charset or length.
	ErrInvalidSession = errors.New("invalid session name")
	// ErrNotFound is a Table key with neither a fixture nor a stored record.
	ErrNotFound = errors.New("not found")
)

// Options tune session bookkeeping; the zero value means the defaults.
type Options struct {
	// SessionTTL drops a session idle longer than this; 0 means 30 minutes.
	SessionTTL time.Duration
	// MaxSessions bounds the named sessions alive at once; 0 means 1000.
	MaxSessions int
	// Now is the clock of session idleness; nil means time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.SessionTTL <= 0 {
		o.SessionTTL = 30 * time.Minute
	}
	if o.MaxSessions <= 0 {
		o.MaxSessions = 1000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Store opens sessions.
type Store interface {
	// Open returns the session called name, marking it used now. A named
	// session that is new, or was idle past the TTL, starts from the
	// fixtures; past the limit a new one is ErrTooManySessions.
	Open(ctx context.Context, name string) (Session, error)
	// Close releases the backend.
	Close() error
}

// Session is one session's state. Every method is safe for concurrent use;
// values passed in and handed out are shared, never modified in place.
type Session interface {
	// Name is the session's name, DefaultSession for the default one.
	Name() string
	// Get returns the record the session stored at key of table.
	Get(ctx context.Context, table, key string, c Codec) (v any, found bool, err error)
	// Update replaces the record at key with fn's answer, all or nothing:
	// when fn fails nothing is written, and no other write to the key
	// lands between fn's read and its write. fn may run more than once
	// (an optimistic store retries a conflict), so it must not keep state
	// between calls. It gets found=false when the session never wrote key.
	Update(ctx context.Context, table, key string, c Codec, fn func(cur any, found bool) (any, error)) (any, error)
	// All returns every record the session stored in table, by key.
	All(ctx context.Context, table string, c Codec) (map[string]any, error)
	// Count counts one hit of key in a fixed window that opens at the key's
	// first hit and lasts window.
	Count(ctx context.Context, counter, key string, now time.Time, window time.Duration) (Window, error)
	// Issue records token with its value until expires, and forgets tokens
	// that expired by now.
	Issue(ctx context.Context, kind, token, value string, expires, now time.Time) error
	// Lookup returns the value of a token that has not expired by now.
	Lookup(ctx context.Context, kind, token string, now time.Time) (string, bool, error)
	// LiveTokens counts the tokens that have not expired by now.
	LiveTokens(ctx context.Context, kind string, now time.Time) (int, error)
	// Reset forgets everything the session stored, at once: a reader sees
	// the state before or after, never a part of it.
	Reset(ctx context.Context) error
}

// Window is a counter's fixed window after a hit.
type Window struct {
	Start time.Time
	Count int
}

// Codec turns a stored value into bytes and back, for stores that keep
// bytes. The in-memory store keeps values as they are and never calls it.
type Codec interface {
	Encode(v any) ([]byte, error)
	Decode(b []byte) (any, error)
}

// ValidSessionName reports whether name may name a session: 1 to 64 of
// A-Z, a-z, 0-9, '.', '_', '-'.
func ValidSessionName(name string) error {
	if name == "" || len(name) > MaxSessionNameLen {
		return fmt.Errorf("%w: %s must be 1 to %d characters", ErrInvalidSession, Header, MaxSessionNameLen)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Errorf("%w: %s may hold only letters, digits, '.', '_' and '-'", ErrInvalidSession, Header)
		}
	}
	return nil
}

type sessionKey struct{}

// WithSession returns ctx carrying s, for the handlers below.
func WithSession(ctx context.Context, s Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// FromContext returns the session a request runs in, nil if none was opened.
func FromContext(ctx context.Context) Session {
	s, _ := ctx.Value(sessionKey{}).(Session)
	return s
}

// SessionName returns the name of the session a request runs in
// (DefaultSession when it carries none), for request logs.
func SessionName(ctx context.Context) string {
	if s := FromContext(ctx); s != nil {
		return s.Name()
	}
	return DefaultSession
}

func unavailable(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrUnavailable, err)
}

// Answer is the HTTP status and message a vendor answers, in its own
// dialect, for an error of the store: a bad session name is the client's
// fault (400); no room for a session or no backend is 503, to retry later.
func Answer(err error) (status int, message string) {
	switch {
	case errors.Is(err, ErrInvalidSession):
		return http.StatusBadRequest, "gridtwin: " + err.Error()
	case errors.Is(err, ErrTooManySessions):
		return http.StatusServiceUnavailable, "gridtwin: too many sessions are alive (see serve --max-sessions); " +
			"reuse a session name or wait until idle sessions expire (serve --session-ttl)"
	default:
		return http.StatusServiceUnavailable, "gridtwin: the state store is unavailable; retry later"
	}
}
