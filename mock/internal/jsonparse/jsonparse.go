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
	"sync"
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

// maxSharedText is the largest body whose strings share one copy of it
// (Reader.sharedText). A value kept from a body keeps all of that copy
// alive, so a large body, where a stored string could hold on to
// megabytes, gets a copy per string.
const maxSharedText = 4 << 10

// Decode parses data, which must hold exactly one JSON value with optional
// whitespace around it. Values are nil, bool, float64, string, []any and
// map[string]any (or *Object when Ordered). Duplicate keys keep the last
// value at the first key's place, as JSON.parse and json.loads do.
func Decode(data []byte, o Options) (any, error) {
	d := decoders.Get().(*decoder)
	defer d.release()
	if d.keys == nil {
		d.keys = make(map[string]string)
	}
	d.reader = Reader{data: data, opts: o, stack: d.reader.stack, buf: d.reader.buf, keys: d.keys, sharedText: len(data) <= maxSharedText}
	d.r = &d.reader
	v, err := d.value()
	if err != nil {
		return nil, err
	}
	if _, err := d.r.next(); !errors.Is(err, io.EOF) {
		return nil, err
	}
	return v, nil
}

// decoders keep their scratch from one Decode to the next, so a small
// body costs no allocation for the parser's own stacks.
var decoders = sync.Pool{New: func() any { return new(decoder) }}

// maxPooledScratch bounds the scratch a pooled decoder keeps: the stacks a
// large or deep body grew are left to the collector.
const maxPooledScratch = 256

type decoder struct {
	reader Reader
	r      *Reader // &reader
	keys   map[string]string
	stack  []container
	// members and items hold what the open ordered objects and arrays have
	// read so far, innermost last. A container's own slice is made when it
	// closes, at its exact size: one allocation, where growing each
	// container's slice by appending took several.
	members []Member
	items   []any
}

// container is an object or array being filled.
type container struct {
	plain map[string]any
	// start is where the container's members or items begin in the
	// decoder's scratch.
	start int
	// index finds a member of an ordered object by key once the object is
	// too big for a scan; past indexFrom members a scan would make an
	// object of n distinct keys cost n².
	index  map[string]int
	key    string
	isObj  bool
	hasKey bool
}

// release returns d to the pool, holding no value of the body it read.
func (d *decoder) release() {
	if max(cap(d.stack), cap(d.members), cap(d.items), cap(d.reader.stack), cap(d.reader.buf)) > maxPooledScratch {
		return
	}
	clear(d.stack[:cap(d.stack)])
	clear(d.members[:cap(d.members)])
	clear(d.items[:cap(d.items)])
	d.stack, d.members, d.items = d.stack[:0], d.members[:0], d.items[:0]
	d.reader = Reader{stack: d.reader.stack[:0], buf: d.reader.buf[:0]}
	d.r = nil
	decoders.Put(d)
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
		case KindDelim:
			if t.delim == '{' || t.delim == '[' {
				d.push(t.delim == '{')
				continue
			}
			v = d.pop()
		case KindString:
			if top := d.top(); top != nil && top.isObj && !top.hasKey {
				top.key, top.hasKey = t.str, true
				continue
			}
			v = t.str
		case KindNumber:
			if v, err = d.number(t.num); err != nil {
				return nil, err
			}
		case KindBool:
			v = t.b
		}
		top := d.top()
		if top == nil {
			return v, nil
		}
		d.add(top, v)
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
	c := container{isObj: isObj, start: len(d.items)}
	switch {
	case isObj && !d.r.opts.Ordered:
		c.plain = map[string]any{}
	case isObj:
		c.start = len(d.members)
	}
	d.stack = append(d.stack, c)
}

func (d *decoder) pop() any {
	top := d.stack[len(d.stack)-1]
	d.stack[len(d.stack)-1] = container{}
	d.stack = d.stack[:len(d.stack)-1]
	switch {
	case top.plain != nil:
		return top.plain
	case top.isObj:
		o := &Object{}
		if n := len(d.members) - top.start; n > 0 {
			o.Members = make([]Member, n)
			copy(o.Members, d.members[top.start:])
			clear(d.members[top.start:])
			d.members = d.members[:top.start]
		}
		return o
	}
	list := make([]any, len(d.items)-top.start)
	copy(list, d.items[top.start:])
	clear(d.items[top.start:])
	d.items = d.items[:top.start]
	return list
}

func (d *decoder) add(c *container, v any) {
	switch {
	case c.plain != nil:
		c.plain[c.key] = v
	case c.isObj:
		d.setMember(c, v)
	default:
		d.items = append(d.items, v)
	}
	c.hasKey = false
}

// setMember adds c.key's value to the object c; a key given twice keeps
// its first place and its last value.
func (d *decoder) setMember(c *container, v any) {
	members := d.members[c.start:]
	if c.index != nil {
		if i, ok := c.index[c.key]; ok {
			members[i].Value = v
			return
		}
		c.index[c.key] = len(members)
	} else {
		for i := range members {
			if members[i].Key == c.key {
				members[i].Value = v
				return
			}
		}
		if len(members) == indexFrom {
			c.index = make(map[string]int, 2*indexFrom)
			for i, m := range members {
				c.index[m.Key] = i
			}
			c.index[c.key] = len(members)
		}
	}
	d.members = append(d.members, Member{Key: c.key, Value: v})
}
