package suite

import (
	"encoding/json"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
)

// redacted replaces every secret wherever the suite shows something.
const redacted = "<redacted>"

// secretSet holds every credential the run knows of: the target file's
// keys, passwords and client secrets, every credential header the client
// sends (Basic values included), every token a server hands out, and the
// userinfo of a base URL. It is one set per process because a secret of
// one API can be echoed in another API's failure (and every output, from
// Ginkgo's stdout to the JUnit file, goes through it).
type secretSet struct {
	mu sync.RWMutex
	// values is kept longest first, so a secret that contains another is
	// replaced whole.
	values []string
}

var secrets = &secretSet{}

// addSecrets registers credentials, together with the spellings in which
// a server may echo them: percent-encoded (a form body, a query) and
// JSON-escaped (a string in a JSON body).
func addSecrets(values ...string) { secrets.add(values...) }

func (s *secretSet) add(values ...string) {
	var spellings []string
	for _, v := range values {
		if v == "" {
			continue
		}
		spellings = append(spellings, v, url.QueryEscape(v), url.PathEscape(v))
		if b, err := json.Marshal(v); err == nil {
			spellings = append(spellings, strings.Trim(string(b), `"`))
		}
	}
	if len(spellings) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range spellings {
		if v != "" && !slices.Contains(s.values, v) {
			s.values = append(s.values, v)
		}
	}
	slices.SortStableFunc(s.values, func(a, b string) int { return len(b) - len(a) })
}

// redact replaces every known secret in text.
func redact(text string) string { return secrets.redact(text) }

func (s *secretSet) redact(text string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.values {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, redacted)
		}
	}
	return text
}

// heldBack is the length of the longest suffix of text that begins some
// secret: a stream writer keeps it until the next write shows whether the
// secret is completed.
func (s *secretSet) heldBack(text string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	held := 0
	for _, v := range s.values {
		for k := min(len(v)-1, len(text)); k > held; k-- {
			if strings.HasSuffix(text, v[:k]) {
				held = k
				break
			}
		}
	}
	return held
}

// redactingWriter redacts a stream (stdout, Ginkgo's reporter) whose writes
// may split a secret in two. Flush writes what is held back.
type redactingWriter struct {
	mu   sync.Mutex
	out  io.Writer
	held string
}

func newRedactingWriter(out io.Writer) *redactingWriter { return &redactingWriter{out: out} }

func (w *redactingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	text := secrets.redact(w.held + string(p))
	keep := secrets.heldBack(text)
	w.held = text[len(text)-keep:]
	if _, err := io.WriteString(w.out, text[:len(text)-keep]); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what was held back as a possible start of a secret.
func (w *redactingWriter) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	held := w.held
	w.held = ""
	_, err := io.WriteString(w.out, held)
	return err
}

// failRedacted is the fail handler for Gomega: a matcher's message quotes
// the actual value, which may be a body in which the server echoed a
// credential.
func failRedacted(message string, callerSkip ...int) {
	skip := 1
	if len(callerSkip) > 0 {
		skip += callerSkip[0]
	}
	Fail(redact(message), skip)
}

// redactReport redacts every text of Ginkgo's report that a server's
// answer can reach, before it is written as JUnit or summarised: the last
// line of defence behind the redacted exchanges and failure messages.
func redactReport(r types.Report) types.Report {
	specs := make(types.SpecReports, len(r.SpecReports))
	for i, s := range r.SpecReports {
		s.Failure.Message = redact(s.Failure.Message)
		s.Failure.ForwardedPanic = redact(s.Failure.ForwardedPanic)
		s.CapturedGinkgoWriterOutput = redact(s.CapturedGinkgoWriterOutput)
		s.CapturedStdOutErr = redact(s.CapturedStdOutErr)
		entries := make(types.ReportEntries, len(s.ReportEntries))
		for j, e := range s.ReportEntries {
			if text := e.StringRepresentation(); redact(text) != text {
				e.Value = types.WrapEntryValue(redact(text))
			}
			entries[j] = e
		}
		s.ReportEntries = entries
		events := make(types.SpecEvents, len(s.SpecEvents))
		for j, e := range s.SpecEvents {
			e.Message = redact(e.Message)
			events[j] = e
		}
		s.SpecEvents = events
		additional := make([]types.AdditionalFailure, len(s.AdditionalFailures))
		for j, f := range s.AdditionalFailures {
			f.Failure.Message = redact(f.Failure.Message)
			additional[j] = f
		}
		s.AdditionalFailures = additional
		specs[i] = s
	}
	r.SpecReports = specs
	return r
}

// redactURL shows a URL without its userinfo, which is a credential.
func redactURL(u string) string {
	parsed, err := url.Parse(u)
	if err != nil || parsed.User == nil {
		return redact(u)
	}
	parsed.User = nil
	return redact(strings.Replace(parsed.String(), "://", "://"+redacted+"@", 1))
}
