package otark

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/pb33f/jsonschema/v6"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/helpers"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/gridtwin/gridtwin/specs"
)

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
	passed   *passedValues
}

// passedValues remembers the values a parameter's schema passed: a client
// asks for the same page size and status over and over, and running the
// compiled schema on one number cost more than the rest of the query.
// Bounded, it starts over once it holds passedLimit values, and keeps no
// string longer than passedMaxLen: a page size or a status is short, and
// a thousand long search strings would be megabytes.
type passedValues struct {
	mu     sync.Mutex
	values map[any]bool
}

const (
	passedLimit  = 1024
	passedMaxLen = 64
)

func (c *passedValues) has(v any) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.values[v]
}

func (c *passedValues) add(v any) {
	if s, ok := v.(string); ok && len(s) > passedMaxLen {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.values == nil || len(c.values) >= passedLimit {
		c.values = map[any]bool{}
	}
	c.values[v] = true
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
		qp := queryParam{name: p.Name, schema: newFieldSchema(s, 0), minimum: s.Minimum, maximum: s.Maximum,
			compiled: compiled.CompiledSchema, passed: &passedValues{}}
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
	// Parameters are checked in the spec's order, which is Zod's.
	return values, out
}

// check runs the compiled schema on one coerced value.
func (p queryParam) check(value any) []FieldError {
	if p.passed.has(value) {
		return nil
	}
	var verr *jsonschema.ValidationError
	if err := p.compiled.Validate(value); !errors.As(err, &verr) {
		p.passed.add(value)
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
