package jsonparse

import (
	"io"
	"unicode"
	"unicode/utf8"
)

// Token is one token of a body: Delim, string, Number, bool or nil (null).
type Token any

// Delim is one of { } [ ].
type Delim byte

// Number is a number literal's text as the body spells it (or NaN,
// Infinity, -Infinity when those are allowed): platforms disagree on what a
// literal's value is, so the caller converts it.
type Number string

// Reader reads a body token by token under the Options' rules, checking the
// grammar as it goes; separators (',' ':'), whitespace and comments are
// consumed on the way to the next token. It is the one lexer of the
// package: Decode is built on it.
type Reader struct {
	data  []byte
	pos   int // where reading goes on
	start int // first byte of the last token
	end   int // just past the last token
	opts  Options
	stack []Delim // the open containers, '{' or '['
	state state
	buf   []byte // scratch for strings with escapes
	// keys are the keys remembered for reuse (Decode's pooled decoders
	// keep them from body to body); nil remembers none.
	keys map[string]string
	// sharedText makes the string values without escapes slices of text,
	// data as one string made at the first of them: one allocation for
	// all of a body's strings instead of one each.
	sharedText bool
	text       string
}

type state uint8

const (
	wantValue      state = iota // a value (the first, or after ':' or an array's ',')
	wantValueOrEnd              // just after '['
	wantKeyOrEnd                // just after '{'
	wantKey                     // after an object's ','
	wantColon                   // after a key
	wantCommaOrEnd              // after a member or an element
	done                        // after the top-level value
)

// NewReader reads data under o's rules (Ordered and OverflowToInfinity are
// Decode's; the Reader returns numbers as text).
func NewReader(data []byte, o Options) *Reader {
	return &Reader{data: data, opts: o}
}

// TokenStart is the offset of the first byte of the token Token returned
// last.
func (d *Reader) TokenStart() int { return d.start }

// InputOffset is the offset just past the token Token returned last.
func (d *Reader) InputOffset() int { return d.end }

// Depth is the number of containers open.
func (d *Reader) Depth() int { return len(d.stack) }

// More reports whether the open container has another member or element.
// It only peeks: a malformed rest reports true, and Token returns the error.
func (d *Reader) More() bool {
	i, ok := d.peekSpace(d.pos)
	if !ok {
		return true
	}
	if i >= len(d.data) {
		return false
	}
	c := d.data[i]
	if d.state == wantCommaOrEnd && c == ',' && d.opts.TrailingCommas {
		j, ok := d.peekSpace(i + 1)
		if ok && j < len(d.data) && (d.data[j] == '}' || d.data[j] == ']') {
			return false
		}
	}
	return c != '}' && c != ']'
}

// Token returns the next token, or io.EOF after the top-level value when
// only whitespace (and, with Comments, comments) follows it.
func (d *Reader) Token() (Token, error) {
	t, err := d.next()
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case KindDelim:
		return t.delim, nil
	case KindString:
		return t.str, nil
	case KindNumber:
		return Number(t.num), nil
	case KindBool:
		return t.b, nil
	}
	return nil, nil
}

// rawToken is a token before it is boxed into a Token: Decode reads these,
// so that a number costs no string and no token an allocation of its own.
type rawToken struct {
	kind  Kind
	delim Delim
	str   string
	num   []byte // the literal, within the input
	b     bool
}

// Kind is which field of a Raw token holds it.
type Kind uint8

const (
	KindDelim Kind = iota
	KindString
	KindNumber
	KindBool
	KindNull
)

// Raw is a token as Next returns it, nothing boxed: a reader that binds
// into typed fields pays no allocation per token.
type Raw struct {
	Kind  Kind
	Delim Delim
	Str   string // a string or a key
	Num   []byte // a number's literal, within the input: valid until the input changes
	Bool  bool
}

// Next is Token without the boxing.
func (d *Reader) Next() (Raw, error) {
	t, err := d.next()
	return Raw{Kind: t.kind, Delim: t.delim, Str: t.str, Num: t.num, Bool: t.b}, err
}

// ShareText makes the strings and keys without escapes slices of one copy
// of a small input (see maxSharedText): one allocation for all of them.
func (d *Reader) ShareText() { d.sharedText = len(d.data) <= maxSharedText }

func (d *Reader) next() (rawToken, error) {
	for {
		if err := d.skipSpace(); err != nil {
			return rawToken{}, err
		}
		if d.pos >= len(d.data) {
			if d.state == done {
				return rawToken{}, io.EOF
			}
			return rawToken{}, d.unexpectedEnd()
		}
		c := d.data[d.pos]
		switch d.state {
		case done:
			return rawToken{}, d.errorf("invalid character %s after top-level value", quoteChar(c))
		case wantColon:
			if c != ':' {
				return rawToken{}, d.errorf("invalid character %s after object key", quoteChar(c))
			}
			d.pos++
			d.state = wantValue
			continue
		case wantCommaOrEnd:
			if closes(d.top(), c) {
				return d.close(), nil
			}
			if c != ',' {
				if d.top() == '{' {
					return rawToken{}, d.errorf("invalid character %s after object key:value pair", quoteChar(c))
				}
				return rawToken{}, d.errorf("invalid character %s after array element", quoteChar(c))
			}
			d.pos++
			switch obj := d.top() == '{'; {
			case obj && d.opts.TrailingCommas:
				d.state = wantKeyOrEnd // a '}' may follow
			case obj:
				d.state = wantKey
			case d.opts.TrailingCommas:
				d.state = wantValueOrEnd
			default:
				d.state = wantValue
			}
			continue
		case wantKeyOrEnd, wantValueOrEnd:
			if closes(d.top(), c) {
				return d.close(), nil
			}
		}
		d.start = d.pos
		if d.state == wantKey || d.state == wantKeyOrEnd {
			return d.key(c)
		}
		return d.value(c)
	}
}

func closes(open Delim, c byte) bool {
	return open == '{' && c == '}' || open == '[' && c == ']'
}

func (d *Reader) top() Delim { return d.stack[len(d.stack)-1] }

func (d *Reader) close() rawToken {
	d.start, d.end = d.pos, d.pos+1
	c := Delim(d.data[d.pos])
	d.pos++
	d.stack = d.stack[:len(d.stack)-1]
	d.afterValue()
	return rawToken{kind: KindDelim, delim: c}
}

func (d *Reader) afterValue() {
	d.state = wantCommaOrEnd
	if len(d.stack) == 0 {
		d.state = done
	}
}

// key reads an object key (quoted, or with UnquotedNames an identifier).
func (d *Reader) key(c byte) (rawToken, error) {
	var k string
	var err error
	switch {
	case c == '"' || c == '\'' && d.opts.SingleQuotes:
		k, err = d.stringOf(true)
	case d.opts.UnquotedNames && d.identifierAt(d.pos):
		k = d.identifier()
	default:
		return rawToken{}, d.errorf("invalid character %s looking for beginning of object key string", quoteChar(c))
	}
	if err != nil {
		return rawToken{}, err
	}
	d.end = d.pos
	d.state = wantColon
	return rawToken{kind: KindString, str: k}, nil
}

// value reads a scalar or opens a container.
func (d *Reader) value(c byte) (rawToken, error) {
	var t rawToken
	var err error
	switch {
	case c == '{' || c == '[':
		if d.opts.MaxDepth > 0 && len(d.stack) >= d.opts.MaxDepth {
			e := d.errorf("exceeded max depth of %d", d.opts.MaxDepth)
			e.Depth = true
			return rawToken{}, e
		}
		d.pos++
		d.end = d.pos
		d.stack = append(d.stack, Delim(c))
		d.state = wantKeyOrEnd
		if c == '[' {
			d.state = wantValueOrEnd
		}
		return rawToken{kind: KindDelim, delim: Delim(c)}, nil
	case c == '"' || c == '\'' && d.opts.SingleQuotes:
		t.kind = KindString
		t.str, err = d.string()
	case c == 't':
		t.kind, t.b, err = KindBool, true, d.literal("true")
	case c == 'f':
		t.kind, err = KindBool, d.literal("false")
	case c == 'n':
		t.kind, err = KindNull, d.literal("null")
	case c == 'N' && d.opts.AllowNaNInfinity:
		t.kind, err = KindNumber, d.literal("NaN")
	case c == 'I' && d.opts.AllowNaNInfinity:
		t.kind, err = KindNumber, d.literal("Infinity")
	case c == '-' || isDigit(c):
		t.kind, err = KindNumber, d.number()
	default:
		return rawToken{}, d.errorf("invalid character %s looking for beginning of value", quoteChar(c))
	}
	if err != nil {
		return rawToken{}, err
	}
	if t.kind == KindNumber {
		t.num = d.data[d.start:d.pos]
	}
	d.end = d.pos
	d.afterValue()
	return t, nil
}

// skipSpace moves past whitespace and, with Comments, comments.
func (d *Reader) skipSpace() error {
	i, ok := d.peekSpace(d.pos)
	if !ok {
		d.pos = i
		if i >= len(d.data) {
			return d.unexpectedEnd()
		}
		return d.errorf("invalid character %s in comment", quoteChar(d.data[i]))
	}
	d.pos = i
	return nil
}

// peekSpace returns the offset of the first byte from i that is neither
// whitespace nor in a comment. ok is false when a comment is malformed
// (i is then where it goes wrong).
func (d *Reader) peekSpace(i int) (int, bool) {
	for i < len(d.data) {
		switch d.data[i] {
		case ' ', '\t', '\n', '\r':
			i++
			continue
		case '/':
			if !d.opts.Comments {
				return i, true
			}
		default:
			return i, true
		}
		if i+1 >= len(d.data) {
			return len(d.data), false
		}
		switch d.data[i+1] {
		case '/':
			i += 2
			for i < len(d.data) && d.data[i] != '\n' && d.data[i] != '\r' {
				i++
			}
		case '*':
			j := indexStarSlash(d.data, i+2)
			if j < 0 {
				return len(d.data), false
			}
			i = j + 2
		default:
			return i + 1, false
		}
	}
	return i, true
}

func indexStarSlash(b []byte, from int) int {
	for i := from; i+1 < len(b); i++ {
		if b[i] == '*' && b[i+1] == '/' {
			return i
		}
	}
	return -1
}

// identifierAt reports whether an unquoted name may start at i: a letter,
// a digit, '_' or '$', as Json.NET's reader takes them.
func (d *Reader) identifierAt(i int) bool {
	if i >= len(d.data) {
		return false
	}
	r, _ := utf8.DecodeRune(d.data[i:])
	return r == '_' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func (d *Reader) identifier() string {
	start := d.pos
	for d.identifierAt(d.pos) {
		_, size := utf8.DecodeRune(d.data[d.pos:])
		d.pos += size
	}
	return string(d.data[start:d.pos])
}

func (d *Reader) errorf(format string, args ...any) *SyntaxError {
	return &SyntaxError{Msg: sprintf(format, args...), Offset: d.pos}
}

func (d *Reader) unexpectedEnd() *SyntaxError {
	return &SyntaxError{Msg: "unexpected end of JSON input", Offset: len(d.data)}
}
