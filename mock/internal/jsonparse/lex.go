package jsonparse

import (
	"strconv"
	"unicode/utf8"
)

func (d *Reader) literal(word string) error {
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

// number reads RFC 8259's number grammar (and -Infinity when allowed); the
// caller takes its text: whether a value is in range is the Reader's
// caller's rule, as platforms differ on it.
func (d *Reader) number() error {
	if d.data[d.pos] == '-' {
		d.pos++
		if d.opts.AllowNaNInfinity && d.pos < len(d.data) && d.data[d.pos] == 'I' {
			return d.literal("Infinity")
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
		return err
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if err := digits("after decimal point in numeric literal"); err != nil {
			return err
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if err := digits("in exponent of numeric literal"); err != nil {
			return err
		}
	}
	return nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// string reads a string literal whose opening quote (" or, with
// SingleQuotes, ') is at pos. Strings without escapes are sliced straight
// from the input.
func (d *Reader) string() (string, error) { return d.stringOf(false) }

// stringOf reads a string literal; a key (intern) without escapes comes
// from the Reader's remembered keys when it has them, else like any other
// string.
func (d *Reader) stringOf(intern bool) (string, error) {
	quote := d.data[d.pos]
	d.pos++
	start := d.pos
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == quote:
			s := d.data[start:d.pos]
			d.pos++
			if !utf8.Valid(s) {
				return string(validUTF8(nil, s)), nil
			}
			if intern && d.keys != nil {
				return d.intern(s), nil
			}
			if d.sharedText {
				if d.text == "" {
					d.text = string(d.data)
				}
				return d.text[start : d.pos-1], nil
			}
			return string(s), nil
		case c == '\\':
			return d.escapedString(start, quote)
		case c < 0x20:
			return "", d.errorf("invalid character %s in string literal", quoteChar(c))
		}
		d.pos++
	}
	return "", d.unexpectedEnd()
}

func (d *Reader) escapedString(start int, quote byte) (string, error) {
	buf := validUTF8(d.buf[:0], d.data[start:d.pos])
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == quote:
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
			for d.pos < len(d.data) && d.data[d.pos] != quote && d.data[d.pos] != '\\' && d.data[d.pos] >= 0x20 {
				d.pos++
			}
			buf = validUTF8(buf, d.data[run:d.pos])
		}
	}
	return "", d.unexpectedEnd()
}

// escape decodes the escape sequence at pos onto buf.
func (d *Reader) escape(buf []byte) ([]byte, error) {
	d.pos++ // the backslash
	if d.pos >= len(d.data) {
		return nil, d.unexpectedEnd()
	}
	c := d.data[d.pos]
	d.pos++
	switch c {
	case '"', '\\', '/':
		return append(buf, c), nil
	case '\'':
		if d.opts.SingleQuotes {
			return append(buf, c), nil
		}
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

func (d *Reader) hex4() (rune, error) {
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

// Keys a Reader remembers: a body's keys are mostly the same few names,
// request after request, and a remembered one costs no allocation. The
// bounds keep a body of many distinct or long keys from growing the memory.
const (
	maxInterned    = 128
	maxInternedLen = 64
)

func (d *Reader) intern(s []byte) string {
	if k, ok := d.keys[string(s)]; ok {
		return k
	}
	k := string(s)
	if len(d.keys) < maxInterned && len(s) <= maxInternedLen {
		d.keys[k] = k
	}
	return k
}
