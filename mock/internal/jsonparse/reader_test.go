package jsonparse

import (
	"errors"
	"io"
	"reflect"
	"testing"
)

// lenient turns on every lenient option, as a Json.NET reader would.
var lenient = Options{Comments: true, SingleQuotes: true, UnquotedNames: true, TrailingCommas: true, AllowNaNInfinity: true}

func TestLenientOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		opts Options
		want any
	}{
		{"line comment", "[1, // one\n2]", Options{Comments: true}, []any{1.0, 2.0}},
		{"line comment ended by CR", "[1 //x\r]", Options{Comments: true}, []any{1.0}},
		{"block comments everywhere", `/*a*/{/*b*/"k"/*c*/:/*d*/1/*e*/}/*f*/`, Options{Comments: true}, map[string]any{"k": 1.0}},
		{"a comment alone after the value", `1 // end`, Options{Comments: true}, 1.0},
		{"single-quoted strings and keys", `{'k':'a"b\'c'}`, Options{SingleQuotes: true}, map[string]any{"k": `a"b'c`}},
		{"escaped single quote in double quotes", `"it\'s"`, Options{SingleQuotes: true}, "it's"},
		{"unquoted names", `{a1:1, _b:2, $c:3, é:4, 9:5}`, Options{UnquotedNames: true}, map[string]any{"a1": 1.0, "_b": 2.0, "$c": 3.0, "é": 4.0, "9": 5.0}},
		{"trailing comma in an object", `{"a":1,}`, Options{TrailingCommas: true}, map[string]any{"a": 1.0}},
		{"trailing comma in an array", `[1, ]`, Options{TrailingCommas: true}, []any{1.0}},
		{"all of them", "{a:'x', /*c*/ b:[NaN,], // e\n}", lenient, map[string]any{"a": "x", "b": []any{nan}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := decode(t, tc.body, tc.opts)
			if !reflect.DeepEqual(normNaN(got), normNaN(tc.want)) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

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

// Each lenient rule is off unless its option is set, and the options do
// not accept more than their rule.
func TestLenientRefusals(t *testing.T) {
	for _, tc := range []struct {
		body   string
		opts   Options
		msg    string
		offset int
	}{
		{`[1,/**/2]`, Options{}, "invalid character '/' looking for beginning of value", 3},
		{`['a']`, Options{}, "invalid character '\\'' looking for beginning of value", 1},
		{`{a:1}`, Options{}, "invalid character 'a' looking for beginning of object key string", 1},
		{`"\'"`, Options{}, "invalid character '\\'' in string escape code", 2},
		{`[1 /x]`, lenient, "invalid character 'x' in comment", 4},
		{`[1 /* open`, lenient, "unexpected end of JSON input", 10},
		{`[1 /`, lenient, "unexpected end of JSON input", 4},
		{`{"a":1,,}`, lenient, "invalid character ',' looking for beginning of object key string", 7},
		{`[1,,]`, lenient, "invalid character ',' looking for beginning of value", 3},
		{`[,]`, lenient, "invalid character ',' looking for beginning of value", 1},
		{`{,}`, lenient, "invalid character ',' looking for beginning of object key string", 1},
		{`{a-b:1}`, lenient, "invalid character '-' after object key", 2},
		{`{'a":1}`, lenient, "unexpected end of JSON input", 7},
		{`1 2`, lenient, "invalid character '2' after top-level value", 2},
	} {
		_, err := Decode([]byte(tc.body), tc.opts)
		var se *SyntaxError
		if !errors.As(err, &se) || se.Msg != tc.msg || se.Offset != tc.offset {
			t.Errorf("Decode(%q, %+v) = %#v, want %q at %d", tc.body, tc.opts, err, tc.msg, tc.offset)
		}
	}
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
