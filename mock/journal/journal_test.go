package journal

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Requests of several sessions arrive at once while the journal is read and
// cleared: every session keeps exactly its last PerSession entries, newest
// first, and (under -race) nothing is shared unguarded.
func TestJournalUnderConcurrentRequests(t *testing.T) {
	j := New(Options{PerSession: 7})
	srv := httptest.NewServer(j.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	}), nil))
	defer srv.Close()
	const sessions, perSession = 4, 25
	var wg sync.WaitGroup
	for s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perSession {
				req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/s%d/%d", srv.URL, s, i), strings.NewReader("{}"))
				req.Header.Set(SessionHeader, fmt.Sprint("s", s))
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				res.Body.Close()
			}
		}()
	}
	wg.Add(1)
	go func() { // readers and a clear of a session nobody writes
		defer wg.Done()
		for range 50 {
			_ = j.List("s0", Filter{})
			_ = j.Sessions()
			j.Clear("nobody")
		}
	}()
	wg.Wait()
	for s := range sessions {
		got := j.List(fmt.Sprint("s", s), Filter{})
		if len(got) != 7 {
			t.Fatalf("session s%d keeps %d entries, want 7", s, len(got))
		}
		for i, e := range got {
			if want := fmt.Sprintf("/s%d/%d", s, perSession-1-i); e.Path != want || e.Status != http.StatusAccepted {
				t.Errorf("s%d entry %d = %s %d, want %s 202 (newest first)", s, i, e.Path, e.Status, want)
			}
			if i > 0 && e.ID >= got[i-1].ID {
				t.Errorf("s%d: ids not newest first: %d after %d", s, e.ID, got[i-1].ID)
			}
		}
	}
	if got := j.List("s1", Filter{Limit: 3}); len(got) != 3 || got[0].Path != "/s1/24" {
		t.Errorf("limit 3: %d entries, first %+v", len(got), got)
	}
}

// A body handed over with Write is recorded as written, within and past
// the journal's limit and after an earlier Write, and the client gets it
// whole; the handler's array past the body is never written to.
func TestHandedOverBodyIsRecordedAsWritten(t *testing.T) {
	j := New(Options{MaxBody: 8})
	spare := make([]byte, 2, 16) // room past the body, which the handler owns
	copy(spare, "xy")
	bodies := map[string][][]byte{
		"/fits":  {[]byte("abc")},
		"/long":  {[]byte("0123456789")},
		"/after": {spare, []byte("123")},
	}
	srv := httptest.NewServer(j.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, b := range bodies[r.URL.Path] {
			if _, err := Write(w, b); err != nil {
				t.Error(err)
			}
		}
	}), nil))
	defer srv.Close()
	want := map[string]struct {
		client, kept string
		truncated    bool
	}{
		"/fits":  {"abc", "abc", false},
		"/long":  {"0123456789", "01234567", true},
		"/after": {"xy123", "xy123", false},
	}
	for path, w := range want {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if string(got) != w.client {
			t.Errorf("%s: client got %q, want %q", path, got, w.client)
		}
		e := j.List("", Filter{Limit: 1})[0]
		if b := e.Response.Body; e.Path != path || b.Text != w.kept || b.Size != int64(len(w.client)) || b.Truncated != w.truncated {
			t.Errorf("%s: journal kept %+v of %s, want %q of %d bytes, truncated %v", path, b, e.Path, w.kept, len(w.client), w.truncated)
		}
	}
	if past := spare[2:5]; string(past) != "\x00\x00\x00" {
		t.Errorf("the journal wrote %q past the handed-over body", past)
	}
}
