// Package jsonparse is the mock's one JSON reader. Each vendor's server
// parses request bodies with its own platform's parser (Node's JSON.parse,
// Python's json.loads, Json.NET), and those parsers disagree with Go's
// encoding/json on a few inputs: number literals beyond float64, the
// literals NaN and Infinity, lone UTF-16 surrogates in escapes, how deep a
// body may nest, and the lenient syntax of Json.NET (comments, single
// quotes, unquoted names, trailing commas). Options select those rules; the
// package knows no vendor. Reader gives the tokens, for a binder that works
// token by token; Decode builds values from the same Reader.
//
// The decoder is iterative (no recursion, so nesting costs heap, not stack)
// and linear in the input: every byte is looked at a bounded number of times,
// and duplicate keys are found through an index once an object grows past a
// few members. Objects can keep their members in body order (Ordered), which
// is what a vendor needs to report errors in its framework's order.
package jsonparse

import (
	"errors"
	"io"
	"math"
	"strconv"
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
	// Comments skips // line and /* block */ comments wherever whitespace
	// may be (Json.NET).
	Comments bool
	// SingleQuotes accepts strings and keys in single quotes, and the
	// escape \' in any string (Json.NET).
	SingleQuotes bool
	// UnquotedNames accepts object keys written as bare identifiers of
	// letters, digits, '_' and '$' (Json.NET).
	UnquotedNames bool
	// TrailingCommas accepts one ',' before a closing '}' or ']' (Json.NET's
	// reader, which reads the comma and then the end of the container).
	TrailingCommas bool
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
	d := decoder{r: NewReader(data, o)}
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	if _, err := d.r.next(); !errors.Is(err, io.EOF) {
		return nil, err
	}
	return v, nil
}

type decoder struct {
	r     *Reader
	stack []container
}

// container is an object or array being filled.
type container struct {
	object *Object
	plain  map[string]any
	array  []any
	key    string
	isObj  bool
	hasKey bool
}

// value builds one value with an explicit stack of open containers, so
// nesting costs heap, not stack.
func (d *decoder) value() (any, error) {
	for {
		t, err := d.r.next()
		if err != nil {
			return nil, err
		}
		var v any
		switch t.kind {
		case kindDelim:
			if t.delim == '{' || t.delim == '[' {
				d.push(t.delim == '{')
				continue
			}
			v = d.pop()
		case kindString:
			if top := d.top(); top != nil && top.isObj && !top.hasKey {
				top.key, top.hasKey = t.str, true
				continue
			}
			v = t.str
		case kindNumber:
			if v, err = d.number(t.num); err != nil {
				return nil, err
			}
		case kindBool:
			v = t.b
		}
		top := d.top()
		if top == nil {
			return v, nil
		}
		top.add(v)
	}
}

func (d *decoder) top() *container {
	if len(d.stack) == 0 {
		return nil
	}
	return &d.stack[len(d.stack)-1]
}

// number converts a literal; a finite literal beyond float64 is refused
// unless OverflowToInfinity.
func (d *decoder) number(n []byte) (float64, error) {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil && !(d.r.opts.OverflowToInfinity && math.IsInf(f, 0)) {
		return 0, &SyntaxError{Msg: "number " + string(n) + " is out of range", Offset: d.r.TokenStart()}
	}
	return f, nil
}

func (d *decoder) push(isObj bool) {
	c := container{isObj: isObj}
	if isObj {
		if d.r.opts.Ordered {
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

func (c *container) add(v any) {
	switch {
	case c.object != nil:
		c.object.set(c.key, v)
	case c.plain != nil:
		c.plain[c.key] = v
	default:
		c.array = append(c.array, v)
	}
	c.hasKey = false
}
