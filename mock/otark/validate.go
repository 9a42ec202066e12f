package otark

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	"github.com/gridtwin/gridtwin/specs"
)

// requestValidator checks a PATCH body against specs/otark.yaml with
// libopenapi-validator and speaks the findings in Zod v3's words, which is
// what Otark's server answers. It also enforces the two prose rules the
// schema cannot express: read-only and unknown keys.
type requestValidator struct {
	validator validator.Validator
	pathItem  *v3.PathItem
	body      *fieldSchema
	// readOnly are the Customer properties a CustomerUpdate does not
	// declare: exactly the spec's list (id, name, assigned_at,
	// activated_at, created_at), derived so it cannot drift from the spec.
	readOnly map[string]bool
}

// fieldSchema is the part of a JSON schema needed to word an error: Zod
// names the expected type or the enum's options, and lists missing keys.
type fieldSchema struct {
	typ        string
	enum       []string
	required   []string
	properties map[string]*fieldSchema
	additional *fieldSchema
}

func newRequestValidator() (*requestValidator, error) {
	// Auth is checked before the body, in Otark's own dialect, so the
	// validator's security check would only repeat it.
	doc, err := specs.Load(specs.Otark, config.WithoutSecurityValidation())
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
	for name := range customer.properties {
		if body.properties[name] == nil {
			readOnly[name] = true
		}
	}
	return &requestValidator{validator: doc.Validator, pathItem: pathItem, body: body, readOnly: readOnly}, nil
}

func newFieldSchema(s *base.Schema, depth int) *fieldSchema {
	fs := &fieldSchema{}
	if s == nil || depth > 8 {
		return fs
	}
	if len(s.Type) == 0 && len(s.AllOf) == 1 {
		return newFieldSchema(s.AllOf[0].Schema(), depth+1)
	}
	if len(s.Type) > 0 {
		fs.typ = s.Type[0]
	}
	for _, n := range s.Enum {
		fs.enum = append(fs.enum, n.Value)
	}
	fs.required = slices.Clone(s.Required)
	if s.Properties != nil {
		fs.properties = map[string]*fieldSchema{}
		for name, p := range s.Properties.FromOldest() {
			fs.properties[name] = newFieldSchema(p.Schema(), depth+1)
		}
	}
	if ap := s.AdditionalProperties; ap != nil && ap.IsA() && ap.A != nil {
		fs.additional = newFieldSchema(ap.A.Schema(), depth+1)
	}
	return fs
}

// at is the schema of the value at path, nil when the schema says nothing.
func (s *fieldSchema) at(path []string) *fieldSchema {
	for _, seg := range path {
		if s == nil {
			return nil
		}
		if p := s.properties[seg]; p != nil {
			s = p
		} else {
			s = s.additional
		}
	}
	return s
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

// validate returns every problem of the body at once; none means valid.
// raw is the body as read, decoded the same body as parsed by the handler.
func (v *requestValidator) validate(r *http.Request, raw []byte, decoded any) []FieldError {
	r.Body = io.NopCloser(bytes.NewReader(raw))
	// The handler accepted the media type case-insensitively and with
	// parameters; the validator matches the spec's key literally.
	r.Header.Set("Content-Type", "application/json")
	var out []FieldError
	if ok, findings := v.validator.ValidateHttpRequestSyncWithPathItem(r, v.pathItem, customerPath); !ok {
		for _, f := range findings {
			if len(f.SchemaValidationErrors) == 0 {
				out = append(out, FieldError{Code: "validation_failed", Message: f.Message})
				continue
			}
			for _, sf := range f.SchemaValidationErrors {
				out = append(out, v.translate(sf.KeywordLocation, sf.InstancePath, sf.Reason, decoded)...)
			}
		}
	}
	if obj, ok := decoded.(map[string]any); ok {
		out = append(out, v.keyErrors(obj)...)
	}
	return sortFieldErrors(out)
}

// translate words one schema failure as Zod would.
func (v *requestValidator) translate(keywordLocation string, path []string, reason string, decoded any) []FieldError {
	field := strings.Join(path, ".")
	schema := v.body.at(path)
	value, found := valueAt(decoded, path)
	keyword := keywordLocation[strings.LastIndexByte(keywordLocation, '/')+1:]
	if schema == nil || !found {
		return []FieldError{{Field: field, Code: "validation_failed", Message: reason}}
	}
	switch keyword {
	case "type":
		return []FieldError{{Field: field, Code: "invalid_type",
			Message: fmt.Sprintf("Expected %s, received %s", schema.expected(), zodType(value))}}
	case "enum":
		return []FieldError{{Field: field, Code: "invalid_enum_value",
			Message: fmt.Sprintf("Invalid enum value. Expected %s, received '%v'", quotedOptions(schema.enum), value)}}
	case "required":
		obj, _ := value.(map[string]any)
		var out []FieldError
		for _, name := range schema.required {
			if _, present := obj[name]; !present {
				out = append(out, FieldError{Field: joinField(field, name), Code: "required", Message: "Required"})
			}
		}
		return out
	}
	return []FieldError{{Field: field, Code: "validation_failed", Message: reason}}
}

// keyErrors applies the prose rules to the body's keys: the read-only
// Customer fields and any key the schema does not declare are rejected,
// one entry per key. Nested objects with declared properties are as
// strict as the body (Zod .strict()); metadata declares any key.
func (v *requestValidator) keyErrors(obj map[string]any) []FieldError {
	var out []FieldError
	for key, value := range obj {
		prop := v.body.properties[key]
		switch {
		case prop != nil:
			out = append(out, unknownKeys(prop, value, key)...)
		case v.readOnly[key]:
			out = append(out, FieldError{Field: key, Code: "read_only_field",
				Message: fmt.Sprintf("'%s' is read-only and cannot be updated", key)})
		default:
			out = append(out, unknownKeyError(key, ""))
		}
	}
	return out
}

func unknownKeys(s *fieldSchema, value any, prefix string) []FieldError {
	obj, ok := value.(map[string]any)
	if !ok || s.properties == nil {
		return nil
	}
	var out []FieldError
	for key, child := range obj {
		if prop := s.properties[key]; prop != nil {
			out = append(out, unknownKeys(prop, child, joinField(prefix, key))...)
		} else if s.additional == nil {
			out = append(out, unknownKeyError(key, prefix))
		}
	}
	return out
}

func unknownKeyError(key, prefix string) FieldError {
	return FieldError{Field: joinField(prefix, key), Code: "unknown_field",
		Message: fmt.Sprintf("Unrecognized key(s) in object: '%s'", key)}
}

func joinField(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// sortFieldErrors orders by field (whole-body errors first) so the same
// body always gets the same answer; map order and the validator's order
// are not stable.
func sortFieldErrors(errs []FieldError) []FieldError {
	slices.SortFunc(errs, func(a, b FieldError) int {
		return cmp.Or(strings.Compare(a.Field, b.Field), strings.Compare(a.Code, b.Code), strings.Compare(a.Message, b.Message))
	})
	return slices.Compact(errs)
}

func valueAt(v any, path []string) (any, bool) {
	for _, seg := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[seg]; !ok {
			return nil, false
		}
	}
	return v, true
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
	case map[string]any:
		return "object"
	}
	return "unknown"
}
