package reqbody_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/mock/internal/reqbody"
)

// server answers what Read returned: the body, or 413 with the limit, or
// 400 with the error.
func server(t *testing.T, limit int64) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(wrapped(func(w http.ResponseWriter, r *http.Request) {
		body, err := reqbody.Read(w, r, limit)
		if tooLarge, ok := errors.AsType[*http.MaxBytesError](err); ok {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			fmt.Fprint(w, tooLarge.Limit)
			return
		}
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, err)
			return
		}
		_, _ = w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

// wrapped hands h a ResponseWriter wrapped as the journal wraps it.
func wrapped(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h(unwrapper{w}, r) })
}

type unwrapper struct{ http.ResponseWriter }

func (u unwrapper) Unwrap() http.ResponseWriter { return u.ResponseWriter }

func send(t *testing.T, url string, body io.Reader) (int, string) {
	t.Helper()
	res, err := http.Post(url, "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	got, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(got)
}

// onlyReader hides bytes.Reader's Len, so the client cannot announce a
// length and sends the body chunked.
type onlyReader struct{ io.Reader }

func TestReadGivesTheBodyWithOrWithoutAnAnnouncedLength(t *testing.T) {
	s := server(t, 64)
	for _, body := range []string{`{"a":1}`, strings.Repeat("x", 64)} {
		if status, got := send(t, s.URL, strings.NewReader(body)); status != 200 || got != body {
			t.Errorf("announced %d bytes: %d %q", len(body), status, got)
		}
		if status, got := send(t, s.URL, onlyReader{strings.NewReader(body)}); status != 200 || got != body {
			t.Errorf("chunked %d bytes: %d %q", len(body), status, got)
		}
	}
}

// A body larger than Read sizes ahead comes through whole.
func TestReadGivesABodyLargerThanItPresizes(t *testing.T) {
	s := server(t, 1<<20)
	body := strings.Repeat("z", 20<<10)
	if status, got := send(t, s.URL, strings.NewReader(body)); status != 200 || got != body {
		t.Errorf("announced %d bytes: %d, %d bytes back", len(body), status, len(got))
	}
}

func TestReadRefusesABodyPastTheLimitAnnouncedOrNot(t *testing.T) {
	s := server(t, 64)
	body := bytes.Repeat([]byte("x"), 65)
	if status, got := send(t, s.URL, bytes.NewReader(body)); status != 413 || got != "64" {
		t.Errorf("announced 65 bytes: %d %q", status, got)
	}
	if status, got := send(t, s.URL, onlyReader{bytes.NewReader(body)}); status != 413 || got != "64" {
		t.Errorf("chunked 65 bytes: %d %q", status, got)
	}
}

// A client that announces more than it sends and stops gets an error, not
// a body padded with zeros.
func TestReadFailsOnABodyShorterThanAnnounced(t *testing.T) {
	s := server(t, 64)
	conn, err := net.Dial("tcp", s.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{}")
	_ = conn.(*net.TCPConn).CloseWrite()
	answer, _ := io.ReadAll(conn)
	if !strings.HasPrefix(string(answer), "HTTP/1.1 400") || !strings.Contains(string(answer), "unexpected EOF") {
		t.Fatalf("answer: %q", answer)
	}
}

// Past the limit the connection is closed after the answer, through the
// wrapper too: what the client has not sent yet is not read as its next
// request.
func TestReadClosesTheConnectionPastTheLimit(t *testing.T) {
	s := server(t, 64)
	for name, body := range map[string]io.Reader{
		"announced": strings.NewReader(strings.Repeat("x", 65)),
		"chunked":   onlyReader{strings.NewReader(strings.Repeat("x", 65))},
	} {
		res, err := http.Post(s.URL, "application/json", body)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge || !res.Close {
			t.Errorf("%s: %d, Connection %q: want 413 and close", name, res.StatusCode, res.Header.Get("Connection"))
		}
	}
	res, err := http.Post(s.URL, "application/json", strings.NewReader("small"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Close {
		t.Error("a body within the limit closed the connection")
	}
}
