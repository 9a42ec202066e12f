package mocktest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gridtwin/gridtwin/mock/server"
)

// Server is one vendor's API, or the whole mock, behind the server every
// user runs (admin API, CORS and the Prefer layer included) on a real
// listener.
type Server struct {
	t      testing.TB
	URL    string
	client *http.Client
	// Check judges every answer Do receives, against the vendor's spec; nil
	// judges nothing.
	Check func(t testing.TB, r Request, a Answer)
}

// Request is one request to the mock; Path may carry a query.
type Request struct {
	Method, Path string
	Header       http.Header
	Body         []byte
}

// Answer is the mock's answer, read whole.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Start serves apis until the test ends.
func Start(t testing.TB, apis ...server.API) *Server {
	t.Helper()
	srv := httptest.NewServer(server.New(apis...))
	t.Cleanup(srv.Close)
	client := srv.Client()
	// Tests see every answer as sent, redirects included.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Server{t: t, URL: srv.URL, client: client}
}

// Header builds a header from name, value pairs.
func Header(nameValues ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(nameValues); i += 2 {
		h.Set(nameValues[i], nameValues[i+1])
	}
	return h
}

// Do sends r and has Check judge the answer.
func (s *Server) Do(r Request) Answer {
	s.t.Helper()
	a := s.Send(r)
	if s.Check != nil {
		s.Check(s.t, r, a)
	}
	return a
}

// Send sends r and judges nothing: for the mock's own answers, which no
// vendor spec describes.
func (s *Server) Send(r Request) Answer {
	s.t.Helper()
	a, err := s.TrySend(r)
	if err != nil {
		s.t.Fatal(err)
	}
	return a
}

// TrySend is Send for goroutines other than the test's, which must not
// call t.Fatal.
func (s *Server) TrySend(r Request) (Answer, error) {
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequest(r.Method, s.URL+r.Path, body)
	if err != nil {
		return Answer{}, err
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return Answer{}, err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		return Answer{}, err
	}
	return Answer{Status: resp.StatusCode, Header: resp.Header, Body: got}, nil
}

// For is s reporting to t: a fuzz target's or subtest's own test.
func (s *Server) For(t testing.TB) *Server {
	c := *s
	c.t = t
	return &c
}
