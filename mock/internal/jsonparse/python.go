package jsonparse

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// Python's json.dumps with its defaults, as django-ninja's JSONRenderer and
// oauthlib call it, writes ", " and ": " between members and items, escapes
// every character past ASCII (ensure_ascii: "Zürich" is "Z\u00fcrich", an
// emoji its UTF-16 surrogate pair) and writes a float as repr does (1.0,
// 1e-05, 1e+16). The functions below write that form.

// AppendPyString appends s as json.dumps writes a str with ensure_ascii.
// s is valid UTF-8 (an invalid byte would be written as \ufffd).
func AppendPyString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for _, r := range s {
		dst = appendPyRune(dst, r)
	}
	return append(dst, '"')
}

func appendPyRune(dst []byte, r rune) []byte {
	switch r {
	case '"', '\\':
		return append(dst, '\\', byte(r))
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	}
	if r >= 0x20 && r <= 0x7e {
		return append(dst, byte(r))
	}
	if r >= 0x10000 {
		r -= 0x10000
		dst = appendUEscape(dst, 0xD800+r>>10)
		return appendUEscape(dst, 0xDC00+r&0x3FF)
	}
	return appendUEscape(dst, r)
}

func appendUEscape(dst []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	return append(dst, '\\', 'u', hex[r>>12&0xF], hex[r>>8&0xF], hex[r>>4&0xF], hex[r&0xF])
}

// AppendPyFloat appends a finite f as Python's repr writes a float: the
// shortest decimal that reads back the same, with ".0" when it has no
// fraction, and in exponent form (at least two exponent digits) below 1e-4
// or from 1e16 on: 1.0, 0.0001, 1e-05, 1.5e+16, -0.0.
func AppendPyFloat(dst []byte, f float64) []byte {
	var buf [32]byte
	sci := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	exp, _ := strconv.Atoi(string(sci[bytes.IndexByte(sci, 'e')+1:]))
	if f != 0 && (exp < -4 || exp >= 16) {
		return append(dst, sci...)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
	if bytes.IndexByte(dst[start:], '.') < 0 {
		dst = append(dst, '.', '0')
	}
	return dst
}

// PyFormat rewrites compact JSON as encoding/json writes it (no
// whitespace, numbers as they are) in json.dumps' form: a space after each
// ',' and ':' between tokens, and every character past ASCII in a string
// as its \u escape. Numbers are kept: the caller writes floats with
// AppendPyFloat where a value is a float.
func PyFormat(compact []byte) []byte {
	out := make([]byte, 0, len(compact)+len(compact)/8)
	inString := false
	for i := 0; i < len(compact); i++ {
		c := compact[i]
		switch {
		case !inString && (c == ',' || c == ':'):
			out = append(out, c, ' ')
		case c == '"':
			inString = !inString
			out = append(out, c)
		case inString && c == '\\' && i+1 < len(compact):
			out = append(out, c, compact[i+1])
			i++
		case inString && c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(compact[i:])
			out = appendPyRune(out, r)
			i += size - 1
		case inString && c == 0x7f:
			out = appendPyRune(out, rune(c))
		default:
			out = append(out, c)
		}
	}
	return out
}
