package jsonparse

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

func decode(t *testing.T, body string, o Options) any {
	t.Helper()
	v, err := Decode([]byte(body), o)
	if err != nil {
		t.Fatalf("Decode(%q): %v", body, err)
	}
	return v
}

func TestOptionsChangeOnlyTheirRule(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		opts Options
		want any
	}{
		{"NaN", `NaN`, Options{AllowNaNInfinity: true}, math.NaN()},
		{"Infinity", `[Infinity]`, Options{AllowNaNInfinity: true}, []any{math.Inf(1)}},
		{"-Infinity", `{"a":-Infinity}`, Options{AllowNaNInfinity: true}, map[string]any{"a": math.Inf(-1)}},
		{"overflow", `1e400`, Options{OverflowToInfinity: true}, math.Inf(1)},
		{"negative overflow", `-1e400`, Options{OverflowToInfinity: true}, math.Inf(-1)},
		{"underflow is zero everywhere", `1e-400`, Options{}, 0.0},
		{"lone high surrogate", `"\ud800"`, Options{KeepLoneSurrogates: true}, "\xed\xa0\x80"},
		{"lone low surrogate", `"a\uDC00b"`, Options{KeepLoneSurrogates: true}, "a\xed\xb0\x80b"},
		{"two high surrogates", `"\ud800\ud800"`, Options{KeepLoneSurrogates: true}, "\xed\xa0\x80\xed\xa0\x80"},
		{"a pair is one rune", `"\ud83d\ude00"`, Options{KeepLoneSurrogates: true}, "😀"},
		{"lone surrogate by default", `"\ud800x"`, Options{}, "\ufffdx"},
		{"depth at the limit", `[[1]]`, Options{MaxDepth: 2}, []any{[]any{1.0}}},
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

func TestRefused(t *testing.T) {
	for _, tc := range []struct {
		body   string
		opts   Options
		msg    string
		offset int
	}{
		{`NaN`, Options{}, "invalid character 'N' looking for beginning of value", 0},
		{`-Infinity`, Options{}, "invalid character 'I' in numeric literal", 1},
		{`Nan`, Options{AllowNaNInfinity: true}, "invalid character 'n' in literal NaN (expecting 'N')", 2},
		{`1e400`, Options{}, "number 1e400 is out of range", 0},
		{`[[1]]`, Options{MaxDepth: 1}, "exceeded max depth of 1", 1},
		{`{"a":1,}`, Options{}, "invalid character '}' looking for beginning of object key string", 7},
		{`[1,]`, Options{}, "invalid character ']' looking for beginning of value", 3},
		{`{"a" 1}`, Options{}, "invalid character '1' after object key", 5},
		{`{"a":1 "b"}`, Options{}, "invalid character '\"' after object key:value pair", 7},
		{`[1 2]`, Options{}, "invalid character '2' after array element", 3},
		{`{} {}`, Options{}, "invalid character '{' after top-level value", 3},
		{`"\x"`, Options{}, "invalid character 'x' in string escape code", 2},
		{"\"a\nb\"", Options{}, `invalid character '\n' in string literal`, 2},
		{`{"a":`, Options{}, "unexpected end of JSON input", 5},
		{``, Options{}, "unexpected end of JSON input", 0},
		// Each lenient rule is off unless its option is set, and the
		// options do not accept more than their rule.
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

func TestDepthErrorIsMarked(t *testing.T) {
	_, err := Decode([]byte(`{"a":[[`), Options{MaxDepth: 2})
	var se *SyntaxError
	if !errors.As(err, &se) || !se.Depth || se.Offset != 6 {
		t.Fatalf("got %#v, want a depth error at offset 6", err)
	}
}

func TestNestingNeedsNoStack(t *testing.T) {
	const n = 1 << 18
	body := strings.Repeat("[", n) + strings.Repeat("]", n)
	v := decode(t, body, Options{Ordered: true})
	for i := 0; i < n-1; i++ {
		v = v.([]any)[0]
	}
	if !reflect.DeepEqual(v, []any{}) {
		t.Fatalf("innermost value %#v", v)
	}
	_ = Plain(decode(t, `{"a":`+body+`}`, Options{Ordered: true}))
}

func TestOrderedKeepsBodyOrderAndLastValue(t *testing.T) {
	var sb strings.Builder
	sb.WriteString(`{"z":0,"1":1,"a":2`)
	for i := 0; i < 40; i++ { // past the index threshold
		sb.WriteString(`,"k` + strconv.Itoa(i) + `":3`)
	}
	sb.WriteString(`,"z":4,"k0":5}`)
	obj := decode(t, sb.String(), Options{Ordered: true}).(*Object)
	if len(obj.Members) != 43 {
		t.Fatalf("%d members, want 43", len(obj.Members))
	}
	if m := obj.Members[0]; m.Key != "z" || m.Value != 4.0 {
		t.Errorf("first member %+v, want z:4 (first place, last value)", m)
	}
	if m := obj.Members[3]; m.Key != "k0" || m.Value != 5.0 {
		t.Errorf("fourth member %+v, want k0:5", m)
	}
	if v, ok := obj.Get("1"); !ok || v != 1.0 {
		t.Errorf(`Get("1") = %v, %v`, v, ok)
	}
	plain := Plain(obj).(map[string]any)
	if want := decode(t, sb.String(), Options{}); !reflect.DeepEqual(plain, want) {
		t.Errorf("Plain differs from the plain decoding")
	}
}

func TestAppendStringWritesLoneSurrogatesBack(t *testing.T) {
	for _, body := range []string{`"\ud800"`, `"a\udfffb\ud83d"`, `"\ud83d\ude00 \u2028 <&> \u0001"`} {
		s := decode(t, body, Options{KeepLoneSurrogates: true}).(string)
		out := AppendString(nil, s)
		if back := decode(t, string(out), Options{KeepLoneSurrogates: true}); back != s {
			t.Errorf("%s: wrote %s, which reads back as %q, want %q", body, out, back, s)
		}
	}
	if got := string(AppendString(nil, "\xed\xa0\x80")); got != `"\ud800"` {
		t.Errorf("got %s, want \"\\ud800\"", got)
	}
}

// FuzzDecode holds the zero Options to encoding/json: the same values and
// the same verdict on every input, and Ordered to the plain form.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}],"c":"\u00e9\ud800"}`, `[1e5,-0.5,true,false]`, `"\\\"\/\b\f\n\r\t"`,
		`{"a":1,"a":2}`, "\"\xff\"", `01`, `1.`, `-`, `1e+`, `tru`, `{"a"}`, `  null  `, "[\"\xed\xa0\x80\"]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var want any
		wantErr := json.Unmarshal(data, &want)
		got, err := Decode(data, Options{})
		if (err == nil) != (wantErr == nil) {
			t.Fatalf("Decode(%q) error %v, encoding/json %v", data, err, wantErr)
		}
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(data) {
				t.Fatalf("Decode(%q): %#v", data, err)
			}
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Decode(%q) = %#v, encoding/json %#v", data, got, want)
		}
		ordered, err := Decode(data, Options{Ordered: true, KeepLoneSurrogates: true})
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := ordered.(string); ok && utf8.ValidString(s) {
			if out := AppendString(nil, s); !json.Valid(out) {
				t.Fatalf("AppendString(%q) = %s, not JSON", s, out)
			} else if std, _ := Marshal(s); string(std) != string(out) {
				t.Fatalf("AppendString(%q) = %s, encoding/json without HTML escaping %s", s, out, std)
			}
		}
		plain, _ := Decode(data, Options{KeepLoneSurrogates: true})
		if !reflect.DeepEqual(Plain(ordered), plain) {
			t.Fatalf("Plain(Ordered) differs from the plain decoding of %q", data)
		}
	})
}

// FuzzAppendStdString holds AppendStdString to encoding/json without HTML
// escaping on any bytes, invalid UTF-8 and a surrogate's WTF-8 bytes
// included.
func FuzzAppendStdString(f *testing.F) {
	for _, s := range []string{"plain", "\xed\xa0\x80", "a\xffb\xc3", "<&> \u2028\u2029 \x00\x1f \"\\", "🌊 ключ", "\xf0\x9f\x8c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		std, _ := Marshal(s)
		if out := AppendStdString(nil, s); string(out) != string(std) {
			t.Fatalf("AppendStdString(%q) = %s, encoding/json without HTML escaping %s", s, out, std)
		}
	})
}

// No vendor's framework escapes <, > and & (JSON.stringify, json.dumps,
// Json.NET); encoding/json does by default, inside a MarshalJSON's output
// too. Control characters, quotes and U+2028 are still escaped.
func TestStringsKeepHTMLCharacters(t *testing.T) {
	const in = "R&D <north>\n\"q\" \u2028"
	const want = `"R&D <north>\n\"q\" \u2028"`
	if got := string(AppendString(nil, in)); got != want {
		t.Errorf("AppendString = %s, want %s", got, want)
	}
	if got := string(AppendStdString(nil, in)); got != want {
		t.Errorf("AppendStdString = %s, want %s", got, want)
	}
	// JSON.stringify leaves the line separators too.
	if got, want := string(AppendJSString(nil, in+"\u2029\xed\xa0\x80")), `"R&D <north>\n\"q\" `+"\u2028\u2029"+`\ud800"`; got != want {
		t.Errorf("AppendJSString = %s, want %s", got, want)
	}
	got, err := Marshal(map[string]any{"k&": String(in), "n": 1})
	if err != nil || string(got) != `{"k&":`+want+`,"n":1}` {
		t.Errorf("Marshal = %s, %v", got, err)
	}
}

// A small body's strings are slices of one copy of it; a large body's are
// copies each, so that a kept value cannot hold on to the whole body.
func TestSmallBodyStringsShareOneCopyAndLargeOnesDoNot(t *testing.T) {
	sameCopy := func(body string) bool {
		v, err := Decode([]byte(body), Options{})
		if err != nil {
			t.Fatal(err)
		}
		m := v.(map[string]any)
		a, b := m["a"].(string), m["b"].(string)
		if a != "first" || b != "second" {
			t.Fatalf("decoded %q and %q", a, b)
		}
		gap := uintptr(unsafe.Pointer(unsafe.StringData(b))) - uintptr(unsafe.Pointer(unsafe.StringData(a)))
		return gap == uintptr(strings.Index(body, "second")-strings.Index(body, "first"))
	}
	if !sameCopy(`{"a":"first","b":"second"}`) {
		t.Error("a small body's strings are copies each")
	}
	if sameCopy(`{"a":"first","pad":"` + strings.Repeat("x", maxSharedText) + `","b":"second"}`) {
		t.Error("a large body's strings share one copy of it")
	}
}

// FuzzAppendFloat holds AppendFloat to encoding/json on every finite float.
func FuzzAppendFloat(f *testing.F) {
	for _, x := range []float64{0, math.Copysign(0, -1), 0.2841, 1e20, 1e21, 9.99e-7, 1e-7, -3.5e-9, 5e-324, math.MaxFloat64} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		std, _ := json.Marshal(x)
		if out := AppendFloat(nil, x); string(out) != string(std) {
			t.Fatalf("AppendFloat(%v) = %s, encoding/json %s", x, out, std)
		}
	})
}
