package otark

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/pb33f/libopenapi/datamodel/high/base"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
	"github.com/gridtwin/gridtwin/specs"
)

// requestValidator checks a PATCH body as Otark's server does: the spec's
// CustomerUpdate as a Zod v3 schema, with Zod's words and Zod's order, then
// the two prose rules the schema cannot express (read-only and unknown
// keys). The checks walk the schema, not the body, so however deep a body
// nests the walk is as deep as the schema.
type requestValidator struct {
	body *fieldSchema
	// readOnly are the Customer properties a CustomerUpdate does not
	// declare: exactly the spec's list (id, name, assigned_at,
	// activated_at, created_at), derived so it cannot drift from the spec.
	readOnly map[string]bool
}

// fieldSchema is a JSON schema as the Zod schema built from it: an object
// (z.object, or z.record with additional), a string or an enum.
type fieldSchema struct {
	typ        string
	enum       []string
	nullable   bool
	required   []string
	properties []property // in definition order, which is Zod's shape order
	additional *fieldSchema
}

type property struct {
	name   string
	schema *fieldSchema
}

func newRequestValidator() (*requestValidator, error) {
	doc, err := specs.Load(specs.Otark)
	if err != nil {
		return nil, err
	}
	model, err := doc.Doc.BuildV3Model()
	if err != nil {
		return nil, err
	}
	pathItem := model.Model.Paths.PathItems.GetOrZero(customerPath)
	if pathItem == nil || pathItem.Patch == nil || pathItem.Patch.RequestBody == nil {
		return nil, fmt.Errorf("otark spec: no PATCH %s with a request body", customerPath)
	}
	op := pathItem.Patch
	update := op.RequestBody.Content.GetOrZero("application/json")
	ok200 := op.Responses.Codes.GetOrZero("200")
	if update == nil || update.Schema == nil || ok200 == nil || ok200.Content.GetOrZero("application/json") == nil {
		return nil, fmt.Errorf("otark spec: PATCH %s lacks its JSON request or 200 schema", customerPath)
	}
	body := newFieldSchema(update.Schema.Schema(), 0)
	customer := newFieldSchema(ok200.Content.GetOrZero("application/json").Schema.Schema(), 0)
	readOnly := map[string]bool{}
	for _, p := range customer.properties {
		if body.property(p.name) == nil {
			readOnly[p.name] = true
		}
	}
	return &requestValidator{body: body, readOnly: readOnly}, nil
}

func newFieldSchema(s *base.Schema, depth int) *fieldSchema {
	fs := &fieldSchema{}
	if s == nil || depth > 8 {
		return fs
	}
	if len(s.Type) == 0 && len(s.AllOf) == 1 {
		inner := newFieldSchema(s.AllOf[0].Schema(), depth+1)
		inner.nullable = inner.nullable || s.Nullable != nil && *s.Nullable
		return inner
	}
	for _, t := range s.Type {
		if t == "null" {
			fs.nullable = true
		} else if fs.typ == "" {
			fs.typ = t
		}
	}
	fs.nullable = fs.nullable || s.Nullable != nil && *s.Nullable
	for _, n := range s.Enum {
		fs.enum = append(fs.enum, n.Value)
	}
	fs.required = slices.Clone(s.Required)
	if s.Properties != nil {
		for name, p := range s.Properties.FromOldest() {
			fs.properties = append(fs.properties, property{name, newFieldSchema(p.Schema(), depth+1)})
		}
	}
	if ap := s.AdditionalProperties; ap != nil && ap.IsA() && ap.A != nil {
		fs.additional = newFieldSchema(ap.A.Schema(), depth+1)
	}
	return fs
}

func (s *fieldSchema) property(name string) *fieldSchema {
	for _, p := range s.properties {
		if p.name == name {
			return p.schema
		}
	}
	return nil
}

// expected is Zod's name for what the schema wants: an enum's options or
// the type.
func (s *fieldSchema) expected() string {
	if len(s.enum) > 0 {
		return quotedOptions(s.enum)
	}
	return s.typ
}

func quotedOptions(options []string) string {
	q := make([]string, len(options))
	for i, o := range options {
		q[i] = "'" + o + "'"
	}
	return strings.Join(q, " | ")
}

// validate returns every problem of the decoded body at once, Zod's issues
// first in Zod's order, then the key rules in body order; none means valid.
func (v *requestValidator) validate(decoded any) []FieldError {
	out := v.body.check(decoded, nil, nil)
	if obj, ok := decoded.(*jsonparse.Object); ok {
		out = append(out, v.keyErrors(obj)...)
	}
	return out
}

// check is Zod v3's parse of value: an object's shape keys in definition
// order (a missing required one is "Required"), then, for a record or
// catch-all, the other keys in JavaScript's property order.
func (s *fieldSchema) check(value any, path []string, out []FieldError) []FieldError {
	if value == nil && s.nullable {
		return out
	}
	switch s.typ {
	case "object":
		obj, ok := value.(*jsonparse.Object)
		if !ok {
			return append(out, invalidType(path, s, value))
		}
		for _, p := range s.properties {
			child, present := obj.Get(p.name)
			switch {
			case present:
				out = p.schema.check(child, childPath(path, p.name), out)
			case slices.Contains(s.required, p.name):
				out = append(out, fieldError(childPath(path, p.name), "required", "Required"))
			}
		}
		if s.additional != nil {
			for _, m := range jsPropertyOrder(obj.Members) {
				if s.property(m.Key) == nil {
					out = s.additional.check(m.Value, childPath(path, m.Key), out)
				}
			}
		}
	case "string":
		str, ok := value.(string)
		if !ok {
			return append(out, invalidType(path, s, value))
		}
		if len(s.enum) > 0 && !slices.Contains(s.enum, str) {
			out = append(out, fieldError(path, "invalid_enum_value",
				fmt.Sprintf("Invalid enum value. Expected %s, received '%s'", quotedOptions(s.enum), str)))
		}
	}
	return out
}

func invalidType(path []string, s *fieldSchema, value any) FieldError {
	return fieldError(path, "invalid_type", fmt.Sprintf("Expected %s, received %s", s.expected(), zodType(value)))
}

// jsPropertyOrder is the order in which JavaScript enumerates an object's
// keys (for...in, which Zod's record uses): array indices ascending, then
// the other keys in insertion (body) order.
func jsPropertyOrder(members []jsonparse.Member) []jsonparse.Member {
	var indices []jsonparse.Member
	for _, m := range members {
		if _, ok := arrayIndex(m.Key); ok {
			indices = append(indices, m)
		}
	}
	if len(indices) == 0 {
		return members
	}
	slices.SortStableFunc(indices, func(a, b jsonparse.Member) int {
		x, _ := arrayIndex(a.Key)
		y, _ := arrayIndex(b.Key)
		return cmp.Compare(x, y)
	})
	out := append(make([]jsonparse.Member, 0, len(members)), indices...)
	for _, m := range members {
		if _, ok := arrayIndex(m.Key); !ok {
			out = append(out, m)
		}
	}
	return out
}

// arrayIndex reports whether key is an ECMAScript array index: the
// canonical decimal form of an integer from 0 to 2^32-2.
func arrayIndex(key string) (uint64, bool) {
	if key == "" || len(key) > 10 || key[0] == '0' && len(key) > 1 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(key); i++ {
		if key[i] < '0' || key[i] > '9' {
			return 0, false
		}
		n = n*10 + uint64(key[i]-'0')
	}
	return n, n <= 1<<32-2
}

// keyErrors applies the prose rules to the body's keys, in body order:
// the read-only Customer fields and any key the schema does not declare are
// rejected, one entry per key. Nested objects with declared properties are
// as strict as the body; metadata declares any key.
func (v *requestValidator) keyErrors(obj *jsonparse.Object) []FieldError {
	var out []FieldError
	for _, m := range obj.Members {
		prop := v.body.property(m.Key)
		switch {
		case prop != nil:
			out = append(out, unknownKeys(prop, m.Value, []string{m.Key})...)
		case v.readOnly[m.Key]:
			out = append(out, fieldError([]string{m.Key}, "read_only_field",
				fmt.Sprintf("'%s' is read-only and cannot be updated", m.Key)))
		default:
			out = append(out, unknownKeyError(nil, m.Key))
		}
	}
	return out
}

func unknownKeys(s *fieldSchema, value any, path []string) []FieldError {
	obj, ok := value.(*jsonparse.Object)
	if !ok || s.properties == nil {
		return nil
	}
	var out []FieldError
	for _, m := range obj.Members {
		if prop := s.property(m.Key); prop != nil {
			out = append(out, unknownKeys(prop, m.Value, childPath(path, m.Key))...)
		} else if s.additional == nil {
			out = append(out, unknownKeyError(path, m.Key))
		}
	}
	return out
}

func unknownKeyError(path []string, key string) FieldError {
	return fieldError(childPath(path, key), "unknown_field", fmt.Sprintf("Unrecognized key(s) in object: '%s'", key))
}

// fieldError is an error at path, the keys from the body's root, with the
// dotted path as its field. The empty path is the whole body and has no
// field; a key "" is a path of one empty segment, so its field is present
// (as "", or "metadata." inside metadata) and it never reads as a
// whole-body error.
func fieldError(path []string, code, message string) FieldError {
	fe := FieldError{Code: code, Message: message}
	if len(path) > 0 {
		field := strings.Join(path, ".")
		fe.Field = &field
	}
	return fe
}

// childPath extends path without sharing its backing array with siblings.
func childPath(path []string, key string) []string {
	return append(slices.Clip(path), key)
}

// zodType is Zod v3's name for the parsed type of a JSON value.
func zodType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case *jsonparse.Object:
		return "object"
	}
	return "unknown"
}
