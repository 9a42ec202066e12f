package main

import (
	"io"
	"sync"
	"time"
)

// batchWriter gathers what serve prints and writes it at most every
// delay. Under load the request log is a line per request, and a write
// system call per line was a tenth of serve's CPU time; a person watching
// the terminal cannot tell 20 ms. Everything serve prints goes through the
// one writer, so lines keep their order.
type batchWriter struct {
	mu      sync.Mutex
	out     io.Writer
	delay   time.Duration
	buf     []byte
	pending bool // a flush is scheduled
}

// batchLimit is the most kept before a write goes out at once.
const batchLimit = 64 << 10

func newBatchWriter(out io.Writer, delay time.Duration) *batchWriter {
	return &batchWriter{out: out, delay: delay}
}

// Write never fails: an error of the terminal or pipe would only reach
// the next writer anyway, and a mock must not stop answering over it.
func (b *batchWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	switch {
	case len(b.buf) >= batchLimit:
		b.flushLocked()
	case !b.pending:
		b.pending = true
		time.AfterFunc(b.delay, b.Flush)
	}
	return len(p), nil
}

// Flush writes out what is held.
func (b *batchWriter) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
	b.pending = false
}

func (b *batchWriter) flushLocked() {
	if len(b.buf) > 0 {
		_, _ = b.out.Write(b.buf)
		b.buf = b.buf[:0]
	}
}
