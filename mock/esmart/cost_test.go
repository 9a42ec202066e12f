package esmart

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/gridtwin/gridtwin/fixtures"
)

// lineAndPositionFromStart is the definition the cursor must agree with:
// count from the start of the body up to off.
func lineAndPositionFromStart(body []byte, off int) (line, pos int) {
	off = min(off, len(body))
	line, lineStart := 1, 0
	for i := 0; i < off; i++ {
		switch body[i] {
		case '\r':
			if i+1 < off && body[i+1] == '\n' {
				i++
			}
			line, lineStart = line+1, i+1
		case '\n':
			line, lineStart = line+1, i+1
		}
	}
	for _, r := range string(body[lineStart:off]) {
		pos += utf16.RuneLen(r)
	}
	return line, pos
}

// Line breaks of every kind, characters of one to four bytes and invalid
// bytes, with offsets anywhere (inside a character and between '\r' and
// '\n' too), rising as errors do and sometimes falling back.
func TestCursorCountsAsFromTheStart(t *testing.T) {
	pieces := []string{"a", "\r", "\n", "\r\n", "é", "€", "😀", "\xe2\x82", "\xff", "\xed\xa0\x80", " "}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 500 {
		var sb strings.Builder
		for range rng.IntN(60) {
			sb.WriteString(pieces[rng.IntN(len(pieces))])
		}
		body := []byte(sb.String())
		var c cursor
		off := 0
		for range 20 {
			if rng.IntN(10) == 0 {
				off = rng.IntN(len(body) + 1)
			} else {
				off = min(off+rng.IntN(8), len(body)+2)
			}
			line, pos := c.moveTo(body, off)
			wantLine, wantPos := lineAndPositionFromStart(body, off)
			if line != wantLine || pos != wantPos {
				t.Fatalf("round %d: body %q offset %d: line %d position %d, want %d, %d", round, body, off, line, pos, wantLine, wantPos)
			}
		}
	}
}

// Every error of the worst-case body is positioned exactly, over HTTP.
func TestManyErrorsOnOneLineArePositionedExactly(t *testing.T) {
	e := newServer(t).patch(kari, kari.customerID, string(worstCaseTypeErrors())).error(t)
	msgs := e.ModelState["customer.customerid"]
	if want := (worstCaseErrors + 1023) / 1024; len(msgs) != want {
		t.Fatalf("%d messages under customer.customerid, want %d", len(msgs), want)
	}
	for k, m := range msgs {
		// Entry i is `"name":"abcd"` plus a separator, 20 bytes, after '{'.
		want := fmt.Sprintf("Could not convert string to integer: abcd. Path 'customerid', line 1, position %d.", 20+20*1024*k)
		if m != want {
			t.Fatalf("message %d: %q, want %q", k, m, want)
		}
	}
}

// A client that has gone stops the binding: no error is even looked for.
func TestBindingStopsWhenTheClientHasGone(t *testing.T) {
	api, err := New(fixtures.FS(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if b := bind(ctx, worstCaseTypeErrors(), api.model, modelPrefix); b.errs.len() != 0 {
		t.Fatalf("%d keys with errors after the client had gone", b.errs.len())
	}
	if b := bind(context.Background(), worstCaseTypeErrors(), api.model, modelPrefix); b.errs.len() != 1024 {
		t.Fatalf("%d keys with errors, want 1024", b.errs.len())
	}
}
