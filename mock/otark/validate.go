package otark

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/pb33f/jsonschema/v6"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/helpers"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/gridtwin/gridtwin/specs"
)

// requestValidator checks a PATCH body against the spec's CustomerUpdate
// and speaks the findings in Zod v3's words, which is what Otark's server
// answers. It also enforces the two prose rules the schema cannot express:
// read-only and unknown keys.
//
// The schema is compiled once by libopenapi-validator, and a request runs
// the compiled schema on the body the handler already decoded, reading the
// raw findings. The validator's own request path would decode the body a
// second time and render every finding (locating it in the schema's YAML),
// which makes a rejected request cost about four times an accepted one;
// only the keyword and the instance path are needed here.
type requestValidator struct {
	compiled *jsonschema.Schema
	printer  *message.Printer
	body     *fieldSchema
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
	compiled, err := schema_validation.CompileSchemaForValidation(update.Schema.Schema(),
		schema_validation.SchemaValidationPurposeRequestBody, config.NewValidationOptions(), helpers.VersionToFloat(model.Model.Version))
	if err != nil {
		return nil, fmt.Errorf("otark spec: compile CustomerUpdate: %w", err)
	}
	body := newFieldSchema(update.Schema.Schema(), 0)
	customer := newFieldSchema(ok200.Content.GetOrZero("application/json").Schema.Schema(), 0)
	readOnly := map[string]bool{}
	for name := range customer.properties {
		if body.properties[name] == nil {
			readOnly[name] = true
		}
	}
	return &requestValidator{
		compiled: compiled.CompiledSchema,
		printer:  message.NewPrinter(language.English),
		body:     body,
		readOnly: readOnly,
	}, nil
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

// validate returns every problem of the decoded body at once; none means
// valid.
func (v *requestValidator) validate(decoded any) []FieldError {
	var out []FieldError
	var verr *jsonschema.ValidationError
	if err := v.compiled.Validate(decoded); errors.As(err, &verr) {
		out = v.translateTree(verr, decoded, out)
	}
	if obj, ok := decoded.(map[string]any); ok {
		out = append(out, v.keyErrors(obj)...)
	}
	return sortFieldErrors(out)
}

// translateTree words the leaves of the schema's findings; the inner nodes
// only group them ("validation failed").
func (v *requestValidator) translateTree(e *jsonschema.ValidationError, decoded any, out []FieldError) []FieldError {
	if len(e.Causes) == 0 {
		keywordPath := e.ErrorKind.KeywordPath()
		keyword := ""
		if len(keywordPath) > 0 {
			keyword = keywordPath[len(keywordPath)-1]
		}
		return append(out, v.translate(keyword, e.InstanceLocation, e.ErrorKind.LocalizedString(v.printer), decoded)...)
	}
	for _, c := range e.Causes {
		out = v.translateTree(c, decoded, out)
	}
	return out
}

// translate words one schema failure as Zod would.
func (v *requestValidator) translate(keyword string, path []string, reason string, decoded any) []FieldError {
	schema := v.body.at(path)
	value, found := valueAt(decoded, path)
	if schema == nil || !found {
		return []FieldError{fieldError(path, "validation_failed", reason)}
	}
	switch keyword {
	case "type":
		return []FieldError{fieldError(path, "invalid_type",
			fmt.Sprintf("Expected %s, received %s", schema.expected(), zodType(value)))}
	case "enum":
		return []FieldError{fieldError(path, "invalid_enum_value",
			fmt.Sprintf("Invalid enum value. Expected %s, received '%v'", quotedOptions(schema.enum), value))}
	case "required":
		obj, _ := value.(map[string]any)
		var out []FieldError
		for _, name := range schema.required {
			if _, present := obj[name]; !present {
				out = append(out, fieldError(childPath(path, name), "required", "Required"))
			}
		}
		return out
	}
	return []FieldError{fieldError(path, "validation_failed", reason)}
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
			out = append(out, unknownKeys(prop, value, []string{key})...)
		case v.readOnly[key]:
			out = append(out, fieldError([]string{key}, "read_only_field",
				fmt.Sprintf("'%s' is read-only and cannot be updated", key)))
		default:
			out = append(out, unknownKeyError(nil, key))
		}
	}
	return out
}

func unknownKeys(s *fieldSchema, value any, path []string) []FieldError {
	obj, ok := value.(map[string]any)
	if !ok || s.properties == nil {
		return nil
	}
	var out []FieldError
	for key, child := range obj {
		if prop := s.properties[key]; prop != nil {
			out = append(out, unknownKeys(prop, child, childPath(path, key))...)
		} else if s.additional == nil {
			out = append(out, unknownKeyError(path, key))
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

// sortFieldErrors orders by field (whole-body errors first) so the same
// body always gets the same answer; map order and the validator's order
// are not stable.
func sortFieldErrors(errs []FieldError) []FieldError {
	slices.SortFunc(errs, compareFieldErrors)
	return slices.CompactFunc(errs, func(a, b FieldError) bool { return compareFieldErrors(a, b) == 0 })
}

func compareFieldErrors(a, b FieldError) int {
	return cmp.Or(compareFields(a.Field, b.Field), strings.Compare(a.Code, b.Code), strings.Compare(a.Message, b.Message))
}

// compareFields puts the whole body (nil) first, then fields in order.
func compareFields(a, b *string) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return strings.Compare(*a, *b)
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

// queryValidator checks the query of a read against the parameters the
// spec declares for it, the way requestValidator checks a body: the
// parameter's schema compiled once, its findings in Zod's words. Otark's
// server coerces a query string with z.coerce, so a number parameter is the
// string read as a JavaScript Number before the schema applies.
type queryValidator struct {
	params []queryParam
}

// queryPrinter words a finding no Zod message covers; it is safe for
// concurrent use.
var queryPrinter = message.NewPrinter(language.English)

// queryParam is one declared query parameter.
type queryParam struct {
	name     string
	schema   *fieldSchema
	minimum  *float64
	maximum  *float64
	def      *float64 // a number parameter's default
	compiled *jsonschema.Schema
}

func newQueryValidator(doc *specs.Document, path string) (*queryValidator, error) {
	model, err := doc.Doc.BuildV3Model()
	if err != nil {
		return nil, err
	}
	item := model.Model.Paths.PathItems.GetOrZero(path)
	if item == nil || item.Get == nil {
		return nil, fmt.Errorf("%s spec: no GET %s", doc.Name, path)
	}
	v := &queryValidator{}
	for _, p := range item.Get.Parameters {
		if p.In != "query" || p.Schema == nil {
			continue
		}
		s := p.Schema.Schema()
		compiled, err := schema_validation.CompileSchemaForValidation(s, schema_validation.SchemaValidationPurposeGeneric,
			config.NewValidationOptions(), helpers.VersionToFloat(model.Model.Version))
		if err != nil {
			return nil, fmt.Errorf("%s spec: compile query parameter %s: %w", doc.Name, p.Name, err)
		}
		qp := queryParam{name: p.Name, schema: newFieldSchema(s, 0), minimum: s.Minimum, maximum: s.Maximum, compiled: compiled.CompiledSchema}
		if s.Default != nil && qp.isNumber() {
			d, err := strconv.ParseFloat(s.Default.Value, 64)
			if err != nil {
				return nil, fmt.Errorf("%s spec: default of %s: %w", doc.Name, p.Name, err)
			}
			qp.def = &d
		}
		v.params = append(v.params, qp)
	}
	return v, nil
}

func (p queryParam) isNumber() bool { return p.schema.typ == "integer" || p.schema.typ == "number" }

// validate returns the declared parameters that are present or have a
// default, numbers as float64 and the rest as strings, and every finding.
// Of a repeated parameter the first value counts; undeclared ones are
// ignored.
func (v *queryValidator) validate(query url.Values) (map[string]any, []FieldError) {
	values := map[string]any{}
	var out []FieldError
	for _, p := range v.params {
		raw, present := query[p.name]
		if !present || len(raw) == 0 {
			if p.def != nil {
				values[p.name] = *p.def
			}
			continue
		}
		var value any = raw[0]
		if p.isNumber() {
			n, ok := jsNumber(raw[0])
			if !ok {
				out = append(out, fieldError([]string{p.name}, "invalid_type", "Expected number, received nan"))
				continue
			}
			value = n
		}
		if errs := p.check(value); len(errs) > 0 {
			out = append(out, errs...)
			continue
		}
		values[p.name] = value
	}
	return values, sortFieldErrors(out)
}

// check runs the compiled schema on one coerced value.
func (p queryParam) check(value any) []FieldError {
	var verr *jsonschema.ValidationError
	if err := p.compiled.Validate(value); !errors.As(err, &verr) {
		return nil
	}
	var out []FieldError
	for _, leaf := range leaves(verr, nil) {
		keywordPath := leaf.ErrorKind.KeywordPath()
		keyword := ""
		if len(keywordPath) > 0 {
			keyword = keywordPath[len(keywordPath)-1]
		}
		out = append(out, p.word(keyword, value, leaf.ErrorKind.LocalizedString(queryPrinter)))
	}
	return out
}

func leaves(e *jsonschema.ValidationError, out []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return append(out, e)
	}
	for _, c := range e.Causes {
		out = leaves(c, out)
	}
	return out
}

// word is Zod's wording of a query finding: z.coerce.number().int().min().max()
// and z.enum().
func (p queryParam) word(keyword string, value any, reason string) FieldError {
	path := []string{p.name}
	switch keyword {
	case "type":
		return fieldError(path, "invalid_type", fmt.Sprintf("Expected %s, received float", p.schema.typ))
	case "enum":
		return fieldError(path, "invalid_enum_value",
			fmt.Sprintf("Invalid enum value. Expected %s, received '%v'", quotedOptions(p.schema.enum), value))
	case "minimum":
		return fieldError(path, "value_too_small", fmt.Sprintf("Number must be greater than or equal to %v", *p.minimum))
	case "maximum":
		return fieldError(path, "value_too_large", fmt.Sprintf("Number must be less than or equal to %v", *p.maximum))
	}
	return fieldError(path, "validation_failed", reason)
}

// jsNumber reads s as JavaScript's Number(s) does for the forms a client
// sends: surrounding space is trimmed, an empty string is 0, and anything
// that is not a finite decimal number is NaN (not ok).
func jsNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	if strings.ContainsAny(s, "xXnN_") {
		return 0, false // hex, Infinity, NaN and Go's digit separators
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
		return 0, false
	}
	return n, true
}
