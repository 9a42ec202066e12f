// Package jsonparse is the mock's one JSON decoder. Each vendor's server
// parses request bodies with its own platform's parser (Node's JSON.parse,
// Python's json.loads, Json.NET), and those parsers disagree with Go's
// encoding/json on a few inputs: number literals beyond float64, the
// literals NaN and Infinity, lone UTF-16 surrogates in escapes, and how deep
// a body may nest. Options select those rules; the package knows no vendor.
//
// The decoder is iterative (no recursion, so nesting costs heap, not stack)
// and linear in the input: every byte is looked at a bounded number of times,
// and duplicate keys are found through an index once an object grows past a
// few members. Objects can keep their members in body order (Ordered), which
// is what a vendor needs to report errors in its framework's order.
package jsonparse

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// Options are a platform's parsing rules. The zero value parses as Go's
// encoding/json does into an any (apart from Ordered objects).
type Options struct {
	// AllowNaNInfinity accepts the literals NaN, Infinity and -Infinity as
	// numbers (Python's json.loads, Json.NET).
	AllowNaNInfinity bool
	// OverflowToInfinity reads a number literal beyond float64 (1e400) as
	// ±Inf instead of refusing it (JavaScript, Python).
	OverflowToInfinity bool
	// KeepLoneSurrogates keeps an escaped lone surrogate (\ud800) as the
	// surrogate's WTF-8 bytes, as UTF-16 platforms keep it in their strings;
	// otherwise it becomes U+FFFD, as in encoding/json. AppendString writes
	// such a string back with the same escape.
	KeepLoneSurrogates bool
	// MaxDepth refuses a container nested deeper than this many levels (the
	// outermost one is level 1); 0 means no limit of the parser's own.
	MaxDepth int
	// Ordered returns objects as *Object, members in body order, instead of
	// map[string]any.
	Ordered bool
}

// SyntaxError is a body the rules refuse. Offset is the index of the byte
// at which the parser gave up (len(data) at an unexpected end).
type SyntaxError struct {
	Msg    string
	Offset int
	// Depth is true when the body is well-formed so far but nests past
	// MaxDepth.
	Depth bool
}

func (e *SyntaxError) Error() string { return e.Msg }

// Decode parses data, which must hold exactly one JSON value with optional
// whitespace around it. Values are nil, bool, float64, string, []any and
// map[string]any (or *Object when Ordered). Duplicate keys keep the last
// value at the first key's place, as JSON.parse and json.loads do.
func Decode(data []byte, o Options) (any, error) {
	d := decoder{data: data, opts: o}
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos < len(d.data) {
		return nil, d.errorf("invalid character %s after top-level value", quoteChar(d.data[d.pos]))
	}
	return v, nil
}

type decoder struct {
	data  []byte
	pos   int
	opts  Options
	stack []container
	buf   []byte // scratch for strings with escapes
}

// container is an object or array being filled.
type container struct {
	object *Object
	plain  map[string]any
	array  []any
	key    string
	isObj  bool
}

func (d *decoder) errorf(format string, args ...any) *SyntaxError {
	return &SyntaxError{Msg: sprintf(format, args...), Offset: d.pos}
}

func (d *decoder) unexpectedEnd() *SyntaxError {
	return &SyntaxError{Msg: "unexpected end of JSON input", Offset: len(d.data)}
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// value parses one value with an explicit stack of open containers: a
// scalar or a closed container is handed to the container on top, and the
// loop reads what that container expects next.
func (d *decoder) value() (any, error) {
	for {
		v, opened, err := d.begin("looking for beginning of value")
		if err != nil {
			return nil, err
		}
		if opened {
			continue
		}
		for {
			if len(d.stack) == 0 {
				return v, nil
			}
			more, err := d.add(v)
			if err != nil {
				return nil, err
			}
			if more {
				break
			}
			v = d.pop()
		}
	}
}

// begin reads the start of a value: a whole scalar, or the opening of a
// container, which is pushed (and, when it is empty, closed again and
// returned as a value).
func (d *decoder) begin(context string) (v any, opened bool, err error) {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return nil, false, d.unexpectedEnd()
	}
	switch c := d.data[d.pos]; c {
	case '{', '[':
		if d.opts.MaxDepth > 0 && len(d.stack) >= d.opts.MaxDepth {
			e := d.errorf("exceeded max depth of %d", d.opts.MaxDepth)
			e.Depth = true
			return nil, false, e
		}
		d.pos++
		d.push(c == '{')
		d.skipSpace()
		if d.pos < len(d.data) && d.data[d.pos] == c+2 { // '}' or ']'
			d.pos++
			return d.pop(), false, nil
		}
		if c == '{' {
			if err := d.key(); err != nil {
				return nil, false, err
			}
		}
		return nil, true, nil
	case '"':
		s, err := d.string()
		return s, false, err
	case 't':
		return true, false, d.literal("true")
	case 'f':
		return false, false, d.literal("false")
	case 'n':
		return nil, false, d.literal("null")
	case 'N':
		if d.opts.AllowNaNInfinity {
			return math.NaN(), false, d.literal("NaN")
		}
	case 'I':
		if d.opts.AllowNaNInfinity {
			return math.Inf(1), false, d.literal("Infinity")
		}
	}
	if c := d.data[d.pos]; c == '-' || '0' <= c && c <= '9' {
		n, err := d.number()
		return n, false, err
	}
	return nil, false, d.errorf("invalid character %s %s", quoteChar(d.data[d.pos]), context)
}

func (d *decoder) push(isObj bool) {
	c := container{isObj: isObj}
	if isObj {
		if d.opts.Ordered {
			c.object = &Object{}
		} else {
			c.plain = map[string]any{}
		}
	}
	d.stack = append(d.stack, c)
}

func (d *decoder) pop() any {
	top := d.stack[len(d.stack)-1]
	d.stack[len(d.stack)-1] = container{}
	d.stack = d.stack[:len(d.stack)-1]
	switch {
	case top.object != nil:
		top.object.index = nil // only needed while parsing
		return top.object
	case top.plain != nil:
		return top.plain
	case top.array == nil:
		return []any{}
	}
	return top.array
}

// add hands v to the container on top and reads the separator after it:
// more is false when the container was closed (it is still on the stack).
func (d *decoder) add(v any) (more bool, err error) {
	top := &d.stack[len(d.stack)-1]
	switch {
	case top.object != nil:
		top.object.set(top.key, v)
	case top.plain != nil:
		top.plain[top.key] = v
	default:
		top.array = append(top.array, v)
	}
	d.skipSpace()
	if d.pos >= len(d.data) {
		return false, d.unexpectedEnd()
	}
	c := d.data[d.pos]
	switch {
	case c == ',':
		d.pos++
		if top.isObj {
			d.skipSpace()
			return true, d.key()
		}
		return true, nil
	case top.isObj && c == '}', !top.isObj && c == ']':
		d.pos++
		return false, nil
	case top.isObj:
		return false, d.errorf("invalid character %s after object key:value pair", quoteChar(c))
	}
	return false, d.errorf("invalid character %s after array element", quoteChar(c))
}

// key reads an object key and its colon into the container on top.
func (d *decoder) key() error {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return d.unexpectedEnd()
	}
	if d.data[d.pos] != '"' {
		return d.errorf("invalid character %s looking for beginning of object key string", quoteChar(d.data[d.pos]))
	}
	k, err := d.string()
	if err != nil {
		return err
	}
	d.skipSpace()
	if d.pos >= len(d.data) {
		return d.unexpectedEnd()
	}
	if d.data[d.pos] != ':' {
		return d.errorf("invalid character %s after object key", quoteChar(d.data[d.pos]))
	}
	d.pos++
	d.stack[len(d.stack)-1].key = k
	return nil
}

func (d *decoder) literal(word string) error {
	for i := 0; i < len(word); i++ {
		if d.pos+i >= len(d.data) {
			d.pos = len(d.data)
			return d.unexpectedEnd()
		}
		if d.data[d.pos+i] != word[i] {
			d.pos += i
			return d.errorf("invalid character %s in literal %s (expecting %s)", quoteChar(d.data[d.pos]), word, quoteChar(word[i]))
		}
	}
	d.pos += len(word)
	return nil
}

// number reads RFC 8259's number grammar (and -Infinity when allowed).
func (d *decoder) number() (any, error) {
	start := d.pos
	if d.data[d.pos] == '-' {
		d.pos++
		if d.opts.AllowNaNInfinity && d.pos < len(d.data) && d.data[d.pos] == 'I' {
			return math.Inf(-1), d.literal("Infinity")
		}
	}
	digits := func(context string) error {
		if d.pos >= len(d.data) {
			return d.unexpectedEnd()
		}
		if !isDigit(d.data[d.pos]) {
			return d.errorf("invalid character %s %s", quoteChar(d.data[d.pos]), context)
		}
		for d.pos < len(d.data) && isDigit(d.data[d.pos]) {
			d.pos++
		}
		return nil
	}
	if d.pos < len(d.data) && d.data[d.pos] == '0' {
		d.pos++
	} else if err := digits("in numeric literal"); err != nil {
		return nil, err
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if err := digits("after decimal point in numeric literal"); err != nil {
			return nil, err
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if err := digits("in exponent of numeric literal"); err != nil {
			return nil, err
		}
	}
	text := d.data[start:d.pos]
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil && !(d.opts.OverflowToInfinity && math.IsInf(f, 0)) {
		return nil, &SyntaxError{Msg: "number " + string(text) + " is out of range", Offset: start}
	}
	return f, nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// string reads a string literal whose opening quote is at pos. Strings
// without escapes are sliced straight from the input.
func (d *decoder) string() (string, error) {
	d.pos++
	start := d.pos
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			s := d.data[start:d.pos]
			d.pos++
			if !utf8.Valid(s) {
				return string(validUTF8(nil, s)), nil
			}
			return string(s), nil
		case c == '\\':
			return d.escapedString(start)
		case c < 0x20:
			return "", d.errorf("invalid character %s in string literal", quoteChar(c))
		}
		d.pos++
	}
	return "", d.unexpectedEnd()
}

func (d *decoder) escapedString(start int) (string, error) {
	buf := validUTF8(d.buf[:0], d.data[start:d.pos])
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			d.buf = buf
			return string(buf), nil
		case c == '\\':
			var err error
			if buf, err = d.escape(buf); err != nil {
				return "", err
			}
		case c < 0x20:
			return "", d.errorf("invalid character %s in string literal", quoteChar(c))
		default:
			run := d.pos
			for d.pos < len(d.data) && d.data[d.pos] != '"' && d.data[d.pos] != '\\' && d.data[d.pos] >= 0x20 {
				d.pos++
			}
			buf = validUTF8(buf, d.data[run:d.pos])
		}
	}
	return "", d.unexpectedEnd()
}

// escape decodes the escape sequence at pos onto buf.
func (d *decoder) escape(buf []byte) ([]byte, error) {
	d.pos++ // the backslash
	if d.pos >= len(d.data) {
		return nil, d.unexpectedEnd()
	}
	c := d.data[d.pos]
	d.pos++
	switch c {
	case '"', '\\', '/':
		return append(buf, c), nil
	case 'b':
		return append(buf, '\b'), nil
	case 'f':
		return append(buf, '\f'), nil
	case 'n':
		return append(buf, '\n'), nil
	case 'r':
		return append(buf, '\r'), nil
	case 't':
		return append(buf, '\t'), nil
	case 'u':
		r, err := d.hex4()
		if err != nil {
			return nil, err
		}
		if !isSurrogate(r) {
			return utf8.AppendRune(buf, r), nil
		}
		if r < 0xDC00 && d.pos+1 < len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
			save := d.pos
			d.pos += 2
			low, err := d.hex4()
			if err != nil {
				return nil, err
			}
			if 0xDC00 <= low && low <= 0xDFFF {
				return utf8.AppendRune(buf, 0x10000+(r-0xD800)<<10+(low-0xDC00)), nil
			}
			d.pos = save // a lone high surrogate; the next escape stands alone
		}
		if d.opts.KeepLoneSurrogates {
			return appendWTF8(buf, r), nil
		}
		return utf8.AppendRune(buf, utf8.RuneError), nil
	}
	d.pos--
	return nil, d.errorf("invalid character %s in string escape code", quoteChar(c))
}

func (d *decoder) hex4() (rune, error) {
	var r rune
	for i := 0; i < 4; i++ {
		if d.pos >= len(d.data) {
			return 0, d.unexpectedEnd()
		}
		c := d.data[d.pos]
		var n byte
		switch {
		case '0' <= c && c <= '9':
			n = c - '0'
		case 'a' <= c && c <= 'f':
			n = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			n = c - 'A' + 10
		default:
			return 0, d.errorf("invalid character %s in \\u hexadecimal character escape", quoteChar(c))
		}
		r = r<<4 | rune(n)
		d.pos++
	}
	return r, nil
}

func isSurrogate(r rune) bool { return 0xD800 <= r && r <= 0xDFFF }

// appendWTF8 writes a surrogate code point in the three-byte form UTF-8
// would give it if it were allowed (WTF-8): Go strings hold any bytes, so
// the surrogate survives until AppendString writes it back as an escape.
func appendWTF8(buf []byte, r rune) []byte {
	return append(buf, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
}

// validUTF8 appends s with every invalid byte replaced by U+FFFD, as
// encoding/json does.
func validUTF8(buf, s []byte) []byte {
	if utf8.Valid(s) {
		return append(buf, s...)
	}
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		if r == utf8.RuneError && size == 1 {
			buf = utf8.AppendRune(buf, utf8.RuneError)
		} else {
			buf = append(buf, s[:size]...)
		}
		s = s[size:]
	}
	return buf
}

// quoteChar formats c as encoding/json's syntax errors do.
func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	s := strconv.Quote(string(rune(c)))
	return "'" + s[1:len(s)-1] + "'"
}
