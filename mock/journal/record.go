package journal

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"
	"unsafe"
)

// record is what the layers inside a recorded request learn about it.
type record struct {
	api    string
	rule   string
	secret bool
}

type recordKey struct{}

func from(r *http.Request) *record {
	rec, _ := r.Context().Value(recordKey{}).(*record)
	return rec
}

// Decide names the contract rule that decided the answer to r, as
// "<api>/<rule-name>" from docs/contract.md. The last call wins, so a
// generic layer may decide first and a specific rule after it. A decision
// of the mock's own layers ("mock/prefer-code", "mock/fault-503") is
// final: the vendor code that writes that answer did not decide it.
func Decide(r *http.Request, rule string) {
	if rec := from(r); rec != nil && !strings.HasPrefix(rec.rule, "mock/") {
		rec.rule = rule
	}
}

// Secret marks the request and response bodies of r as credentials (a
// token exchange): the journal keeps neither.
func Secret(r *http.Request) {
	if rec := from(r); rec != nil {
		rec.secret = true
	}
}

// SetAPI names the vendor API that serves r.
func SetAPI(r *http.Request, api string) {
	if rec := from(r); rec != nil {
		rec.api = api
	}
}

// APIOf is the vendor API named by SetAPI, or "".
func APIOf(r *http.Request) string {
	if rec := from(r); rec != nil {
		return rec.api
	}
	return ""
}

// Handler records every request through next in the journal and, when log
// is not nil, writes one line per request to it.
func (j *Journal) Handler(next http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		// One allocation for what the journal keeps of the request.
		inFlight := &struct {
			rec     record
			reqBody capture
			rw      responseRecorder
		}{reqBody: capture{limit: j.opts.MaxBody}, rw: responseRecorder{ResponseWriter: w, body: capture{limit: j.opts.MaxBody}}}
		rec, reqBody, rw := &inFlight.rec, &inFlight.reqBody, &inFlight.rw
		r = r.WithContext(context.WithValue(r.Context(), recordKey{}, rec))
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = reqBody.prefetch(r.Body, r.ContentLength)
		}
		next.ServeHTTP(rw, r)

		end := time.Now()
		e := Entry{
			Time:    start.UTC(),
			Session: r.Header.Get(SessionHeader),
			API:     rec.api,
			Method:  r.Method,
			Path:    r.URL.EscapedPath(),
			Query:   r.URL.RawQuery,
			// References, not copies: net/http hands every request and
			// response its own header map and never writes to it after
			// the handler returns. Redaction happens when an entry leaves
			// the journal (List).
			Headers:  r.Header,
			Body:     reqBody.body(rec.secret),
			Status:   rw.status,
			Response: Response{Headers: rw.header, Body: rw.body.body(rec.secret)},
			Duration: float64(end.Sub(start).Microseconds()) / 1000,
			Rule:     rec.rule,
		}
		if rw.status == 0 && !rw.hijacked {
			e.Status = http.StatusOK // the handler wrote nothing: net/http answers 200
		}
		j.add(e)
		if log != nil {
			logEntry(log, e, end)
		}
	})
}

// logEntry hands the record to the logger's handler itself: Logger.LogAttrs
// would walk the stack for a source location no request line shows, on
// every request.
func logEntry(log *slog.Logger, e Entry, end time.Time) {
	ctx, h := context.Background(), log.Handler()
	if !h.Enabled(ctx, slog.LevelInfo) {
		return
	}
	rec := slog.NewRecord(end, slog.LevelInfo, "request", 0)
	rec.AddAttrs(slog.String("method", e.Method), slog.String("path", e.Path), slog.Int("status", e.Status),
		slog.Float64("duration_ms", e.Duration))
	for _, kv := range [...][2]string{{"api", e.API}, {"rule", e.Rule}, {"session", e.Session}} {
		if kv[1] != "" {
			rec.AddAttrs(slog.String(kv[0], kv[1]))
		}
	}
	_ = h.Handle(ctx, rec)
}

// credentialHeaders are never shown; the scheme of an Authorization value
// is kept, as it tells which auth the client tried.
var credentialHeaders = []string{
	"Authorization", "Proxy-Authorization", "X-Api-Key", "Cookie", "Set-Cookie", "X-Gridtwin-Admin-Token",
}

const redacted = "[redacted]"

// redacted returns e as it may be shown: credential headers replaced.
func (e Entry) redacted() Entry {
	e.Headers = redactHeaders(e.Headers)
	e.Response.Headers = redactHeaders(e.Response.Headers)
	if e.Response.Headers == nil {
		e.Response.Headers = http.Header{}
	}
	return e
}

func redactHeaders(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := h.Clone()
	for _, name := range credentialHeaders {
		values := out.Values(name)
		for i, v := range values {
			if scheme, _, ok := strings.Cut(v, " "); ok && (name == "Authorization" || name == "Proxy-Authorization") {
				values[i] = scheme + " " + redacted
			} else {
				values[i] = redacted
			}
		}
	}
	return out
}

// capture keeps the first limit bytes written to it and counts the rest.
type capture struct {
	limit int
	kept  []byte
	size  int64
}

func (c *capture) Write(p []byte) (int, error) {
	c.size += int64(len(p))
	if room := c.limit - len(c.kept); room > 0 {
		c.kept = append(c.kept, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

// keep is Write for bytes nobody changes after: the first body that fits
// is kept as it is, capped so that a later Write cannot append into it.
func (c *capture) keep(p []byte) {
	if len(c.kept) > 0 || len(p) > c.limit {
		_, _ = c.Write(p)
		return
	}
	c.size += int64(len(p))
	c.kept = p[:len(p):len(p)]
}

// prefetch reads up to limit bytes of body before the handler runs, so
// that the journal shows what was sent even when the answer came first (a
// 401 never reads the body), and returns the body to hand on: those bytes,
// then the rest, kept as the handler reads it. A body of announced length
// is read into a buffer of that size: no copy buffer, no regrowth.
func (c *capture) prefetch(body io.ReadCloser, announced int64) io.ReadCloser {
	if announced > 0 && announced <= int64(c.limit) {
		c.kept = make([]byte, announced)
		n, _ := io.ReadFull(body, c.kept) // net/http ends the body there
		c.kept = c.kept[:n]
		c.size = int64(n)
		return readCloser{bytes.NewReader(c.kept), body}
	}
	c.kept, _ = io.ReadAll(io.LimitReader(body, int64(c.limit)))
	c.size = int64(len(c.kept))
	prefix := bytes.NewReader(c.kept)
	if len(c.kept) < c.limit {
		return readCloser{prefix, body} // all of it: nothing more to keep
	}
	return readCloser{io.MultiReader(prefix, io.TeeReader(body, c)), body}
}

func (c *capture) body(secret bool) Body {
	if secret {
		return Body{Size: c.size, Redacted: c.size > 0}
	}
	return Body{Text: c.text(), Size: c.size, Truncated: c.size > int64(len(c.kept))}
}

// text is the kept bytes as a string without a copy: body is called once
// the handler has returned, after which nothing writes to kept (the
// handler only ever read the prefetched bytes through a bytes.Reader), so
// the entry may own them. A copy here was the second copy of every body.
func (c *capture) text() string {
	if len(c.kept) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(c.kept), len(c.kept))
}

type readCloser struct {
	io.Reader
	io.Closer
}

// responseRecorder passes everything through and keeps a copy. Unwrap
// lets http.ResponseController reach the connection (Hijack, Flush).
type responseRecorder struct {
	http.ResponseWriter
	status   int
	header   http.Header
	body     capture
	hijacked bool
}

// Hijack hands the connection over (a fault closing it); the entry then
// has no status.
func (w *responseRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.hijacked = true
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Flush passes a flush through.
func (w *responseRecorder) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

func (w *responseRecorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
		w.header = w.ResponseWriter.Header()
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *responseRecorder) Write(p []byte) (int, error) {
	w.startBody()
	_, _ = w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

// startBody is what net/http does at a first Write without a status.
func (w *responseRecorder) startBody() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
}

// Write writes body as (the rest of) the answer to a recorded request and
// hands it over: the caller never touches body again, so the journal keeps
// it as it is. A handler's Write must be copied, as io.Writer lets its
// caller reuse the bytes; for an answer built for the one response, that
// copy was the journal's largest allocation.
func Write(w http.ResponseWriter, body []byte) (int, error) {
	rw, ok := w.(*responseRecorder)
	if !ok {
		return w.Write(body)
	}
	rw.startBody()
	rw.body.keep(body)
	return rw.ResponseWriter.Write(body)
}

func (w *responseRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
