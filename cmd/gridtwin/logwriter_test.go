package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func TestBatchWriterDeliversEveryLineInOrderAfterItsDelay(t *testing.T) {
	out := &lockedBuffer{}
	b := newBatchWriter(out, time.Millisecond)
	var want strings.Builder
	for i := range 100 {
		line := strings.Repeat("x", i) + "\n"
		want.WriteString(line)
		_, _ = b.Write([]byte(line))
	}
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != want.String() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := out.String(); got != want.String() {
		t.Fatalf("delivered %d bytes, want %d in order", len(got), want.Len())
	}
}

func TestBatchWriterWritesAFullBatchAtOnceAndTheRestOnFlush(t *testing.T) {
	out := &lockedBuffer{}
	b := newBatchWriter(out, time.Hour)
	big := bytes.Repeat([]byte("y"), batchLimit)
	_, _ = b.Write([]byte("first\n"))
	if out.String() != "" {
		t.Fatalf("a short line went out before its delay: %q", out.String())
	}
	_, _ = b.Write(big)
	if got := out.String(); got != "first\n"+string(big) {
		t.Fatalf("a full batch did not go out at once: %d bytes", len(got))
	}
	_, _ = b.Write([]byte("last\n"))
	b.Flush()
	if got := out.String(); !strings.HasSuffix(got, "last\n") {
		t.Fatalf("Flush left the last line behind: ...%q", got[len(got)-10:])
	}
}
