// Package journal records what each session of the mock was sent and what
// it answered, as WireMock's /__admin/requests does: a bounded ring of
// entries per session, credentials redacted in everything it hands out.
//
// Vendor handlers tell the journal which contract rule decided an answer
// through Decide, and mark a request whose bodies are secrets (a token
// exchange) through Secret; both are no-ops outside a recorded request, so
// a vendor package works the same with or without the journal around it.
package journal

import (
	"container/list"
	"net/http"
	"sync"
	"time"
)

// SessionHeader names the session a request belongs to; without it the
// request is in the default session, named "".
const SessionHeader = "X-Gridtwin-Session"

// Entry is one recorded request and its answer.
type Entry struct {
	ID       uint64      `json:"id"`
	Time     time.Time   `json:"time"`
	Session  string      `json:"session"`
	API      string      `json:"api,omitempty"`
	Method   string      `json:"method"`
	Path     string      `json:"path"`
	Query    string      `json:"query,omitempty"`
	Headers  http.Header `json:"headers"`
	Body     Body        `json:"body"`
	Status   int         `json:"status"`
	Response Response    `json:"response"`
	// Duration is the time from the request's arrival to the end of its
	// answer, in milliseconds.
	Duration float64 `json:"duration_ms"`
	// Rule is the contract rule that decided the answer, as
	// "<api>/<rule-name>" (see docs/contract.md); empty when no rule did.
	Rule string `json:"rule,omitempty"`
}

// Body is a bounded copy of a message body.
type Body struct {
	Text      string `json:"text"`
	Size      int64  `json:"size"`
	Truncated bool   `json:"truncated,omitempty"`
	Redacted  bool   `json:"redacted,omitempty"`
}

// Response is what the mock answered.
type Response struct {
	Headers http.Header `json:"headers"`
	Body    Body        `json:"body"`
}

// Options bound the journal. Zero values take the defaults.
type Options struct {
	// PerSession is the number of entries kept per session (default 200).
	PerSession int
	// MaxSessions is the number of sessions whose entries are kept; the
	// least recently used one is forgotten first (default 1000).
	MaxSessions int
	// MaxBody is the number of bytes kept of each body (default 16 KiB).
	MaxBody int
}

// Journal is safe for concurrent use.
type Journal struct {
	opts Options

	mu       sync.Mutex
	nextID   uint64
	sessions map[string]*list.Element // of *ring
	lru      *list.List               // front: most recently used
}

// ring keeps a session's last PerSession entries without moving them: a
// full ring overwrites its oldest slot (shifting 200 entries on every
// request was a copy of tens of KB on the hot path).
type ring struct {
	session string
	entries []Entry // len grows to PerSession, then oldest is the next slot to overwrite
	oldest  int
	lastUse time.Time
}

func (r *ring) push(e Entry, capacity int) {
	if len(r.entries) < capacity {
		r.entries = append(r.entries, e)
		return
	}
	r.entries[r.oldest] = e
	r.oldest = (r.oldest + 1) % capacity
}

// newest returns the i-th newest entry, i from 0.
func (r *ring) newest(i int) Entry {
	n := len(r.entries)
	return r.entries[(r.oldest+n-1-i+n)%n]
}

// New builds an empty journal.
func New(opts Options) *Journal {
	if opts.PerSession <= 0 {
		opts.PerSession = 200
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = 1000
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 16 << 10
	}
	return &Journal{opts: opts, sessions: map[string]*list.Element{}, lru: list.New()}
}

// add stores e in its session's ring, dropping the oldest entry of a full
// ring and the least recently used session past MaxSessions.
func (j *Journal) add(e Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.nextID++
	e.ID = j.nextID
	el, ok := j.sessions[e.Session]
	if !ok {
		el = j.lru.PushFront(&ring{session: e.Session})
		j.sessions[e.Session] = el
		for j.lru.Len() > j.opts.MaxSessions {
			oldest := j.lru.Back()
			delete(j.sessions, oldest.Value.(*ring).session)
			j.lru.Remove(oldest)
		}
	}
	j.lru.MoveToFront(el)
	r := el.Value.(*ring)
	r.lastUse = e.Time
	r.push(e, j.opts.PerSession)
}

// List returns the session's entries that pass f, newest first.
func (j *Journal) List(session string, f Filter) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []Entry{}
	el, ok := j.sessions[session]
	if !ok {
		return out
	}
	r := el.Value.(*ring)
	for i := 0; i < len(r.entries) && (f.Limit <= 0 || len(out) < f.Limit); i++ {
		if e := r.newest(i); f.match(e) {
			out = append(out, e.redacted())
		}
	}
	return out
}

// Clear forgets every entry of the session.
func (j *Journal) Clear(session string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if el, ok := j.sessions[session]; ok {
		delete(j.sessions, session)
		j.lru.Remove(el)
	}
}

// Session is a summary of one session's journal.
type Session struct {
	Name     string    `json:"name"`
	Requests int       `json:"requests"`
	LastUse  time.Time `json:"last_use"`
}

// Sessions lists the sessions with entries, most recently used first.
func (j *Journal) Sessions() []Session {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]Session, 0, j.lru.Len())
	for el := j.lru.Front(); el != nil; el = el.Next() {
		r := el.Value.(*ring)
		out = append(out, Session{Name: r.session, Requests: len(r.entries), LastUse: r.lastUse})
	}
	return out
}
