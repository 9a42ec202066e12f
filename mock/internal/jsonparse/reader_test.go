package jsonparse

import (
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// lenient turns on every lenient option, as a Json.NET reader would.
var lenient = Options{Comments: true, SingleQuotes: true, UnquotedNames: true, TrailingCommas: true, AllowNaNInfinity: true}

var nan = any("NaN marker")

// normNaN replaces NaN (which is not DeepEqual to itself) by a marker.
func normNaN(v any) any {
	switch x := v.(type) {
	case float64:
		if x != x {
			return nan
		}
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = normNaN(x[i])
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = normNaN(e)
		}
		return out
	}
	return v
}

// The Reader gives each token with where it starts and ends, and More
// looks past a trailing comma and comments without consuming anything.
func TestReaderTokensAndOffsets(t *testing.T) {
	body := `{ 'a' : [1, /*x*/ NaN ,] , b:"s" , }`
	r := NewReader([]byte(body), lenient)
	type tok struct {
		tok        Token
		start, end int
	}
	var got []tok
	var more []bool
	for {
		if r.Depth() > 0 {
			more = append(more, r.More())
		}
		tk, err := r.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, tok{tk, r.TokenStart(), r.InputOffset()})
	}
	want := []tok{{Delim('{'), 0, 1}, {"a", 2, 5}, {Delim('['), 8, 9}, {Number("1"), 9, 10}, {Number("NaN"), 18, 21},
		{Delim(']'), 23, 24}, {"b", 27, 28}, {"s", 29, 32}, {Delim('}'), 35, 36}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("tokens\n got %v\nwant %v", got, want)
	}
	// Before 'a', [, 1, NaN, ], b, "s", } (More is asked before each token
	// read inside a container).
	wantMore := []bool{true, true, true, true, false, true, true, false}
	if !reflect.DeepEqual(more, wantMore) {
		t.Fatalf("More %v, want %v", more, wantMore)
	}
}

// FuzzLenient: the lenient options only add inputs (what the zero Options
// parse, they parse to the same value) and report errors inside the input.
func FuzzLenient(f *testing.F) {
	for _, s := range []string{`{a:'x',/*c*/b:[NaN,],//e` + "\n}", `[1,]`, `{"a":1,}`, `/`, `/*`, `'\'`, `{$:1}`, `[1 /x]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Decode(data, lenient)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(data) {
				t.Fatalf("Decode(%q): %#v", data, err)
			}
		}
		strict, strictErr := Decode(data, Options{})
		if strictErr == nil && (err != nil || !reflect.DeepEqual(normNaN(got), normNaN(strict))) {
			t.Fatalf("Decode(%q) lenient %#v (%v), strict %#v", data, got, err, strict)
		}
	})
}

// Remembered keys are the keys read, and a body of many distinct or long
// keys cannot grow the memory of them past its bounds.
func TestRememberedKeysAreBounded(t *testing.T) {
	r := &Reader{keys: map[string]string{}}
	long := strings.Repeat("k", maxInternedLen+1)
	if got := r.intern([]byte(long)); got != long || len(r.keys) != 0 {
		t.Fatalf("long key: got %q, %d remembered", got, len(r.keys))
	}
	for i := range 3 * maxInterned {
		key := "key" + strconv.Itoa(i)
		if got := r.intern([]byte(key)); got != key {
			t.Fatalf("intern(%q) = %q", key, got)
		}
	}
	if len(r.keys) != maxInterned {
		t.Fatalf("%d keys remembered, want the bound %d", len(r.keys), maxInterned)
	}
	// The same key twice, with values, decodes as the last value.
	for range 2 {
		v, err := Decode([]byte(`{"a":1,"b":{"a":2},"a":3}`), Options{Ordered: true})
		if err != nil {
			t.Fatal(err)
		}
		o := v.(*Object)
		if len(o.Members) != 2 || o.Members[0].Key != "a" || o.Members[0].Value != 3.0 || o.Members[1].Key != "b" {
			t.Fatalf("decoded %#v", o.Members)
		}
	}
}

// Next gives the tokens Token gives, unboxed, also when the strings and
// keys share the body's text.
func TestNextGivesWhatTokenGives(t *testing.T) {
	body := `{"a": [1, -2.5e3, "x\u00e9", true, false, null, {"k\"ey": NaN}], 'b': 'c', d: [], }`
	for _, share := range []bool{false, true} {
		boxed, raw := NewReader([]byte(body), lenient), NewReader([]byte(body), lenient)
		if share {
			raw.ShareText()
		}
		for {
			want, wantErr := boxed.Token()
			got, err := raw.Next()
			if !errors.Is(err, wantErr) && (err == nil || wantErr == nil || err.Error() != wantErr.Error()) {
				t.Fatalf("share %v: Next error %v, Token error %v", share, err, wantErr)
			}
			if wantErr != nil {
				break
			}
			var g Token
			switch got.Kind {
			case KindDelim:
				g = got.Delim
			case KindString:
				g = got.Str
			case KindNumber:
				g = Number(got.Num)
			case KindBool:
				g = got.Bool
			}
			if !reflect.DeepEqual(g, want) {
				t.Fatalf("share %v: Next gave %#v, Token %#v", share, g, want)
			}
		}
	}
}
