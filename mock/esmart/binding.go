package esmart

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/pb33f/libopenapi/datamodel/high/base"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
)

// The body is bound the way ASP.NET Web API 2's JsonMediaTypeFormatter does
// it with Json.NET: property names match case-insensitively, unknown ones are
// skipped, scalars are coerced where Json.NET coerces them (a number or a
// boolean into a string, "true" into a boolean, "5" into an integer) and every
// value Json.NET cannot convert becomes a ModelState error in its wording,
// "<message> Path '<path>', line <n>, position <p>.". The property table comes
// from the CustomerResponse schema of specs/esmart.yaml, so the spec stays the
// only description of the model.

type kind int

const (
	kindString kind = iota
	kindInt32
	kindBool
	kindDateTime
	kindObject
)

// clrTypeName is the .NET type Json.NET names when a value cannot be converted.
var clrTypeName = map[kind]string{
	kindInt32:    "System.Int32",
	kindBool:     "System.Boolean",
	kindDateTime: "System.DateTime",
}

type property struct {
	name   string
	kind   kind
	object *model
}

type model struct {
	typeName string
	props    []property
}

// lookup finds a property the way Json.NET does: an exact match first, then
// one that differs only in case.
func (m *model) lookup(name string) *property {
	for i := range m.props {
		if m.props[i].name == name {
			return &m.props[i]
		}
	}
	for i := range m.props {
		if strings.EqualFold(m.props[i].name, name) {
			return &m.props[i]
		}
	}
	return nil
}

// modelFromSchema builds the binding table of one object schema.
func modelFromSchema(typeName string, s *base.Schema) (*model, error) {
	m := &model{typeName: typeName}
	if s.Properties == nil {
		return nil, fmt.Errorf("schema %s has no properties", typeName)
	}
	for name, proxy := range s.Properties.FromOldest() {
		ps := proxy.Schema()
		if ps == nil {
			return nil, fmt.Errorf("%s.%s: %v", typeName, name, proxy.GetBuildError())
		}
		p := property{name: name}
		switch {
		case len(ps.Type) == 0:
			return nil, fmt.Errorf("%s.%s has no type", typeName, name)
		case ps.Type[0] == "string" && ps.Format == "date-time":
			p.kind = kindDateTime
		case ps.Type[0] == "string":
			p.kind = kindString
		case ps.Type[0] == "integer":
			p.kind = kindInt32
		case ps.Type[0] == "boolean":
			p.kind = kindBool
		case ps.Type[0] == "object":
			ref := proxy.GetReference()
			nested, err := modelFromSchema(ref[strings.LastIndexByte(ref, '/')+1:], ps)
			if err != nil {
				return nil, err
			}
			p.kind, p.object = kindObject, nested
		default:
			return nil, fmt.Errorf("%s.%s: type %v is not bound by the mock", typeName, name, ps.Type)
		}
		m.props = append(m.props, p)
	}
	return m, nil
}

// binding is the outcome of reading one body.
type binding struct {
	// strings holds the top-level string properties that were given a
	// non-null value, by their canonical name.
	strings map[string]string
	errs    modelState
}

// errStop ends binding: after Json.NET meets a character it cannot read as
// the expected value, the reader's position is undefined, so the mock reports
// that error and stops instead of guessing how Json.NET would carry on.
var errStop = errors.New("stop binding")

type binder struct {
	ctx    context.Context
	tokens int // read so far, to look at ctx now and then
	body   []byte
	dec    *jsonparse.Reader
	prefix string // the action parameter's name, ASP.NET's ModelState prefix
	path   string // Json.NET's reader path of the last property read
	depth  int    // containers open at the decoder's position
	at     cursor // the line and position of the last error
	out    binding
}

// maxDepth is JsonMediaTypeFormatter.MaxDepth's default, which the formatter
// sets on Json.NET's reader: the 257th nested object or array is refused,
// whether the model has a property for it or the value is being skipped.
const maxDepth = 256

// bind reads body (known not to be blank) into m. prefix is the ModelState
// key of the whole body. Once ctx is done (the client has gone) it stops
// early with a partial result, which the caller must not answer.
func bind(ctx context.Context, body []byte, m *model, prefix string) binding {
	b := &binder{ctx: ctx, body: body, dec: jsonparse.NewReader(body, jsonNET), prefix: prefix}
	b.out.strings = map[string]string{}
	if err := b.bindRoot(m); err != nil && err != errStop {
		b.syntaxError(err)
	}
	return b.out
}

func (b *binder) bindRoot(m *model) error {
	tok, _, err := b.next()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case jsonparse.Delim:
		if t == '[' {
			b.addf("%s", arrayIntoObject(m.typeName))
			if err := b.skipRest(); err != nil {
				return err
			}
		} else if err := b.bindObject(m, "", true); err != nil {
			return err
		}
	case nil:
		// A JSON null body binds a null customer: nothing to change.
	default:
		b.addf("Error converting value %s to type '%s'.", dotnetValue(t), m.typeName)
	}
	// Anything but whitespace and comments after the root value is an
	// error Json.NET reports as such.
	if _, err := b.dec.Token(); !errors.Is(err, io.EOF) {
		var se *jsonparse.SyntaxError
		if !errors.As(err, &se) || !strings.HasSuffix(se.Msg, "after top-level value") {
			return err
		}
		b.path = ""
		b.addAt(se.Offset+1, "Additional text encountered after finished reading JSON content: %c.", b.body[se.Offset])
	}
	return nil
}

// bindObject binds the members of an object whose '{' was just read.
func (b *binder) bindObject(m *model, path string, root bool) error {
	for b.dec.More() {
		tok, _, err := b.next()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("object key expected")
		}
		propPath := joinPath(path, key)
		b.path = propPath
		p := m.lookup(key)
		if p == nil {
			if err := b.skipValue(); err != nil {
				return err
			}
			continue
		}
		if err := b.bindProperty(p, propPath, root); err != nil {
			return err
		}
	}
	if _, _, err := b.next(); err != nil { // the closing '}'
		return err
	}
	b.path = path
	return nil
}

func (b *binder) bindProperty(p *property, path string, root bool) error {
	tok, start, err := b.next()
	if err != nil {
		return err
	}
	if d, ok := tok.(jsonparse.Delim); ok && p.kind != kindObject {
		return b.unexpected(start, byte(d))
	}
	switch p.kind {
	case kindString:
		var s string
		switch t := tok.(type) {
		case nil:
			return nil
		case string:
			s = t
		case jsonparse.Number:
			s = string(t)
		case bool:
			s = strconv.FormatBool(t)
		}
		if root {
			b.out.strings[p.name] = s
		}
	case kindInt32:
		switch t := tok.(type) {
		case nil:
			b.nullInto(p.kind)
		case bool:
			return b.unexpected(start, b.body[start])
		case string:
			if t == "" {
				b.nullInto(p.kind)
			} else if _, err := strconv.ParseInt(strings.TrimSpace(t), 10, 32); err != nil {
				b.addf("Could not convert string to integer: %s.", t)
			}
		case jsonparse.Number:
			if nonFinite(t) {
				b.addf("Cannot read %s value.", t)
			} else if strings.ContainsAny(string(t), ".eE") {
				b.addf("Input string '%s' is not a valid integer.", t)
			} else if _, err := strconv.ParseInt(string(t), 10, 32); err != nil {
				b.addf("JSON integer %s is too large or small for an Int32.", t)
			}
		}
	case kindBool:
		switch t := tok.(type) {
		case nil:
			b.nullInto(p.kind)
		case string:
			v := strings.TrimSpace(t)
			if t == "" {
				b.nullInto(p.kind)
			} else if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
				b.addf("Could not convert string to boolean: %s.", t)
			}
		case jsonparse.Number:
			// Json.NET reads any number as a boolean (non-zero is true),
			// -Infinity among them, but NaN and Infinity start with a
			// character its boolean reader does not take.
			if t == "NaN" || t == "Infinity" {
				return b.unexpected(start, b.body[start])
			}
		}
	case kindDateTime:
		switch t := tok.(type) {
		case nil:
			b.nullInto(p.kind)
		case jsonparse.Number:
			if !nonFinite(t) {
				return b.unexpected(start, b.body[start])
			}
			b.addf("Cannot read %s value.", t)
		case bool:
			return b.unexpected(start, b.body[start])
		case string:
			if t == "" {
				b.nullInto(p.kind)
			} else if !parsesAsDateTime(t) {
				b.addf("Could not convert string to DateTime: %s.", t)
			}
		}
	case kindObject:
		switch t := tok.(type) {
		case nil:
		case jsonparse.Delim:
			if t == '[' {
				b.addf("%s", arrayIntoObject(p.object.typeName))
				return b.skipRest()
			}
			return b.bindObject(p.object, path, false)
		default:
			b.addf("Error converting value %s to type '%s'.", dotnetValue(t), p.object.typeName)
		}
	}
	return nil
}

// jsonNET is the lenience of Json.NET's JsonTextReader (esmart/json-net):
// comments, single quotes, unquoted property names, NaN, Infinity and
// -Infinity, and a trailing comma in an object or array, which Json.NET 6
// (Web API 2's) reads as the end of the container. A lone surrogate escape
// becomes U+FFFD: .NET keeps it in its UTF-16 string, but writes it as
// U+FFFD when the answer is encoded as UTF-8, and it is one UTF-16 unit
// either way, so lengths agree.
var jsonNET = jsonparse.Options{AllowNaNInfinity: true, Comments: true, SingleQuotes: true, UnquotedNames: true, TrailingCommas: true}

// nonFinite: Json.NET's reader refuses these literals for an integer or a
// date ("Cannot read NaN value."), while a string takes them as text.
func nonFinite(n jsonparse.Number) bool { return n == "NaN" || n == "Infinity" || n == "-Infinity" }

// ctxEvery is how many tokens are read between looks at the context: often
// enough to stop within microseconds, rarely enough to cost nothing.
const ctxEvery = 1024

// next reads one token and returns where its first byte is.
func (b *binder) next() (jsonparse.Token, int, error) {
	if b.tokens%ctxEvery == 0 && b.ctx.Err() != nil {
		return nil, 0, errStop
	}
	b.tokens++
	tok, err := b.dec.Token()
	start := b.dec.TokenStart()
	if d, ok := tok.(jsonparse.Delim); ok {
		if d == '{' || d == '[' {
			b.depth++
			if b.depth > maxDepth {
				return nil, start, b.tooDeep(start)
			}
		} else {
			b.depth--
		}
	}
	return tok, start, err
}

// tooDeep reports the container that exceeds maxDepth, which opens at start,
// as Json.NET's reader does: under the parameter's key like any reader
// error, positioned just past the '{' or '[', with the reader's path to it.
// The binder keeps no path through skipped values, so it is rebuilt here, on
// this error path only.
func (b *binder) tooDeep(start int) error {
	b.path = readerPathAt(b.body, start)
	b.out.errs.add(b.prefix, b.locate(fmt.Sprintf("The reader's MaxDepth of %d has been exceeded.", maxDepth), start+1))
	return errStop
}

// readerPathAt is Json.NET's reader path when the container opening at off
// has just been read: the property names and array indexes that lead to it.
// The body up to off is known to be well-formed.
func readerPathAt(body []byte, off int) string {
	type frame struct {
		array     bool
		index     int
		name      string
		expectKey bool
	}
	var frames []frame
	dec := jsonparse.NewReader(body[:off+1], jsonNET)
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		var top *frame
		if len(frames) > 0 {
			top = &frames[len(frames)-1]
		}
		if top != nil && !top.array && top.expectKey {
			top.name, _ = tok.(string)
			top.expectKey = false
			continue
		}
		d, isDelim := tok.(jsonparse.Delim)
		if isDelim && (d == '}' || d == ']') {
			frames = frames[:len(frames)-1]
			if len(frames) > 0 && !frames[len(frames)-1].array {
				frames[len(frames)-1].expectKey = true
			}
			continue
		}
		if top != nil && top.array {
			top.index++
		}
		if isDelim {
			frames = append(frames, frame{array: d == '[', index: -1, expectKey: d == '{'})
		} else if top != nil && !top.array {
			top.expectKey = true
		}
	}
	// The last frame is the container being refused; the path ends at it.
	path := ""
	for _, f := range frames[:max(len(frames)-1, 0)] {
		if f.array {
			path += "[" + strconv.Itoa(f.index) + "]"
		} else {
			path = joinPath(path, f.name)
		}
	}
	return path
}

// skipValue consumes one whole value, which is what Json.NET does with a
// property the model does not have.
func (b *binder) skipValue() error {
	tok, _, err := b.next()
	if err != nil {
		return err
	}
	if d, ok := tok.(jsonparse.Delim); ok && (d == '{' || d == '[') {
		return b.skipRest()
	}
	return nil
}

// skipRest consumes the rest of an object or array whose opening was read.
func (b *binder) skipRest() error {
	for depth := 1; depth > 0; {
		tok, _, err := b.next()
		if err != nil {
			return err
		}
		if d, ok := tok.(jsonparse.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

func (b *binder) nullInto(k kind) {
	b.addf("Error converting value {null} to type '%s'.", clrTypeName[k])
}

// unexpected reports a value Json.NET's reader rejects at its first
// character; Json.NET's position is just past that character.
func (b *binder) unexpected(start int, c byte) error {
	b.addAt(start+1, "Unexpected character encountered while parsing value: %c.", c)
	return errStop
}

// syntaxError reports malformed JSON. The contract files it under the
// parameter's own key, whatever the path. The reader's Offset is the
// offending byte's; Json.NET's position counts up to and including it.
func (b *binder) syntaxError(err error) {
	var se *jsonparse.SyntaxError
	if !errors.As(err, &se) || se.Offset >= len(b.body) || strings.Contains(se.Msg, "unexpected end") {
		b.out.errs.add(b.prefix, b.locate("Unexpected end when reading JSON.", len(b.body)))
		return
	}
	// The offending character may take several bytes (a second byte order
	// mark, say); Json.NET names the character and counts it whole.
	c, size := utf8.DecodeRune(b.body[se.Offset:])
	b.out.errs.add(b.prefix, b.locate(jsonNetSyntaxMessage(se.Msg, c), se.Offset+size))
}

// jsonNetSyntaxMessage words jsonparse's syntax errors (encoding/json's
// wording) as Json.NET's JsonTextReader words the same situation.
func jsonNetSyntaxMessage(goMsg string, c rune) string {
	switch {
	case strings.Contains(goMsg, "in comment"):
		return fmt.Sprintf("Error parsing comment. Expected: *, got %c.", c)
	case strings.Contains(goMsg, "looking for beginning of object key"):
		return fmt.Sprintf("Invalid property identifier character: %c.", c)
	case strings.Contains(goMsg, "after object key:value pair"), strings.Contains(goMsg, "after array element"):
		return fmt.Sprintf("After parsing a value an unexpected character was encountered: %c.", c)
	case strings.Contains(goMsg, "after object key"):
		return fmt.Sprintf("Invalid character after parsing property name. Expected ':' but got: %c.", c)
	case strings.Contains(goMsg, "in string"):
		return fmt.Sprintf("Bad JSON escape sequence or invalid character in string: %c.", c)
	default:
		return fmt.Sprintf("Unexpected character encountered while parsing value: %c.", c)
	}
}

// addf records an error positioned just past the token the decoder read last.
func (b *binder) addf(format string, args ...any) {
	b.addAt(int(b.dec.InputOffset()), format, args...)
}

func (b *binder) addAt(off int, format string, args ...any) {
	b.out.errs.add(modelStateKey(b.prefix, b.path), b.locate(fmt.Sprintf(format, args...), off))
}

// locate appends Json.NET's "Path '...', line n, position p." to msg. A
// message ending in a line break gets no extra full stop, as in Json.NET.
func (b *binder) locate(msg string, off int) string {
	line, pos := b.at.moveTo(b.body, off)
	if !strings.HasSuffix(msg, "\r\n") {
		msg += " "
	}
	return fmt.Sprintf("%sPath '%s', line %d, position %d.", msg, b.path, line, pos)
}

// cursor converts byte offsets into Json.NET's 1-based line and position
// (the number of UTF-16 code units read on that line). Errors come in body
// order, so it carries on from the previous offset instead of counting from
// the start each time: counting from the start made 20,000 errors in a
// 400 KB body cost 30 s.
type cursor struct {
	off, line, pos int
	// cr: the byte before off is a '\r' already counted as a line break,
	// so a '\n' right after it belongs to the same break.
	cr bool
}

// moveTo returns the line and position of off. It only ever stops on a
// character boundary, so an offset inside a multi-byte character (an error
// just past its first byte) is counted the same wherever counting started.
func (c *cursor) moveTo(body []byte, off int) (line, pos int) {
	off = min(off, len(body))
	if off < c.off || c.line == 0 {
		*c = cursor{line: 1}
	}
	for c.off < off {
		switch ch := body[c.off]; {
		case ch == '\n' && c.cr:
			c.off, c.cr = c.off+1, false
		case ch == '\r' || ch == '\n':
			c.off, c.line, c.pos, c.cr = c.off+1, c.line+1, 0, ch == '\r'
		case ch < utf8.RuneSelf:
			c.off, c.pos, c.cr = c.off+1, c.pos+1, false
		default:
			r, size := utf8.DecodeRune(body[c.off:])
			if c.off+size > off {
				return c.line, c.pos + partialUnits(body[c.off:off])
			}
			c.off, c.pos, c.cr = c.off+size, c.pos+utf16.RuneLen(r), false
		}
	}
	return c.line, c.pos
}

// partialUnits counts the first bytes of a character cut at an error's
// offset as a string of those bytes alone decodes: one U+FFFD per byte.
func partialUnits(b []byte) (n int) {
	for _, r := range string(b) {
		n += utf16.RuneLen(r)
	}
	return n
}

// joinPath builds a Json.NET path; names that would break the dotted form are
// written in brackets.
func joinPath(parent, name string) string {
	if strings.ContainsAny(name, ".[]()'\" \t\r\n/\\") {
		return parent + "['" + strings.ReplaceAll(name, "'", `\'`) + "']"
	}
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// modelStateKey is ASP.NET's ModelBindingHelper.ConcatenateKeys.
func modelStateKey(prefix, path string) string {
	switch {
	case path == "":
		return prefix
	case strings.HasPrefix(path, "["):
		return prefix + path
	default:
		return prefix + "." + path
	}
}

// dotnetValue renders a scalar as Json.NET does in "Error converting value".
func dotnetValue(tok jsonparse.Token) string {
	switch t := tok.(type) {
	case string:
		return `"` + t + `"`
	case bool:
		if t {
			return "True"
		}
		return "False"
	default:
		return fmt.Sprint(t)
	}
}

func arrayIntoObject(typeName string) string {
	return "Cannot deserialize the current JSON array (e.g. [1,2,3]) into type '" + typeName +
		"' because the type requires a JSON object (e.g. {\"name\":\"value\"}) to deserialize correctly.\r\n" +
		"To fix this error either change the JSON to a JSON object (e.g. {\"name\":\"value\"}) or change the deserialized type " +
		"to an array or to a type that implements a collection interface (e.g. ICollection, IList) like List<T> that can be " +
		"deserialized from a JSON array. JsonArrayAttribute can also be added to the type to force it to deserialize from a JSON array.\r\n"
}

// dateTimeLayouts are the ISO 8601 forms Json.NET reads as a DateTime.
// .NET's culture-dependent fallback (DateTime.TryParse) is not reproduced.
var dateTimeLayouts = []string{
	"2006-01-02",
	"2006-01-02T15:04",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
}

func parsesAsDateTime(s string) bool {
	for _, layout := range dateTimeLayouts {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}
