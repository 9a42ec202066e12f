package jsonparse

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"
)

// AppendString appends s as a JSON string literal as JSON.stringify,
// Python's json and Json.NET write it: byte for byte as encoding/json does
// with SetEscapeHTML(false) (<, > and & stay as they are; encoding/json's
// default \u003c is no vendor's), except that a lone surrogate kept by
// KeepLoneSurrogates (its WTF-8 bytes) is written back as its \u escape,
// which is what JSON.stringify and json.dumps answer for it. Other invalid
// UTF-8 becomes \ufffd, as in encoding/json.
func AppendString(dst []byte, s string) []byte {
	return appendString(dst, s, keepSurrogates|escapeLineSeparators)
}

// AppendJSString appends s as JSON.stringify writes it: as AppendString,
// but U+2028 and U+2029 stay as they are. JSON.stringify never escaped
// them; encoding/json, Python's json (whose ensure_ascii escapes every
// character past ASCII) and Json.NET do.
func AppendJSString(dst []byte, s string) []byte { return appendString(dst, s, keepSurrogates) }

// AppendStdString appends s as Marshal writes it: every byte of invalid
// UTF-8, a surrogate's WTF-8 bytes included, becomes \ufffd. It is for
// strings that may hold raw invalid bytes from a body but never a kept lone
// surrogate.
func AppendStdString(dst []byte, s string) []byte {
	return appendString(dst, s, escapeLineSeparators)
}

// escapes are the rules on which appendString's callers differ.
type escapes uint8

const (
	// keepSurrogates writes a kept lone surrogate back as its \u escape;
	// without it, its WTF-8 bytes are invalid UTF-8 (\ufffd each).
	keepSurrogates escapes = 1 << iota
	// escapeLineSeparators writes U+2028 and U+2029 as \u escapes.
	escapeLineSeparators
)

// Marshal is json.Marshal without the HTML escaping no vendor's framework
// does: "R&D <north>" stays as it is, not "R\u0026D \u003cnorth\u003e".
// json.Marshal escapes what a MarshalJSON method wrote too, so an answer
// that holds AppendString's strings goes through here.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

func appendString(dst []byte, s string, rules escapes) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		if r, ok := wtf8Surrogate(s[i:]); ok && rules&keepSurrogates != 0 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', hex[r>>12], hex[r>>8&0xF], hex[r>>4&0xF], hex[r&0xF])
			i += 3
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case (r == '\u2028' || r == '\u2029') && rules&escapeLineSeparators != 0:
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// wtf8Surrogate reports whether s starts with a surrogate's WTF-8 bytes.
func wtf8Surrogate(s string) (rune, bool) {
	if len(s) < 3 || s[0] != 0xED || s[1] < 0xA0 || s[1] > 0xBF || s[2]&0xC0 != 0x80 {
		return 0, false
	}
	return rune(s[0]&0x0F)<<12 | rune(s[1]&0x3F)<<6 | rune(s[2]&0x3F), true
}

// String is a string that marshals with AppendString, for the members of
// an answer that echo what a body said.
type String string

// MarshalJSON implements json.Marshaler.
func (s String) MarshalJSON() ([]byte, error) { return AppendString(nil, string(s)), nil }

// AppendFloat appends a finite f as encoding/json writes it: the shortest
// decimal that reads back the same, in exponent form only below 1e-6 or
// from 1e21 on, with a one-digit negative exponent unpadded.
func AppendFloat(dst []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if n := len(dst); format == 'e' && n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
		dst[n-2] = dst[n-1]
		dst = dst[:n-1]
	}
	return dst
}
