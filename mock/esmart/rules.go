package esmart

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/pb33f/jsonschema/v6"
	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"
)

// updatable are the only properties a PATCH changes (seed 003), in the
// model's declaration order, which is the order ASP.NET validates them in.
var updatable = []string{"Email", "MobileNumber", "PhoneNumber"}

// ruleMessages word a broken rule; the help page states the rules but not
// their messages (docs/contract.md, esmart/messages [C]).
var ruleMessages = map[string]string{
	"Email":        "Email must be a valid e-mail address of at most 100 characters.",
	"MobileNumber": "MobileNumber can contain digits only, at most 14.",
	"PhoneNumber":  "PhoneNumber can contain digits only, at most 14.",
}

// rules checks the updatable properties against the pattern and maxLength
// that specs/esmart.yaml gives them. The schema is compiled once by
// libopenapi-validator; a request walks the compiled schema's findings
// directly, because the validator's own error rendering costs ten times the
// rest of a request, and only the offending property names are needed.
type rules struct {
	compiled *jsonschema.Schema
	// full keeps libopenapi-validator's readable findings for fixtures,
	// checked once at start.
	full   schema_validation.SchemaValidator
	schema *base.Schema
}

func newRules(schema *base.Schema) (*rules, error) {
	opts := config.NewValidationOptions()
	c, err := schema_validation.CompileSchemaForValidation(schema, schema_validation.SchemaValidationPurposeRequestBody, opts, 3.0)
	if err != nil {
		return nil, fmt.Errorf("compile CustomerResponse: %w", err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	return &rules{
		compiled: c.CompiledSchema,
		full:     schema_validation.NewSchemaValidatorWithLogger(logger),
		schema:   schema,
	}, nil
}

// check adds a ModelState error for each updatable property whose new value
// breaks its rule. Empty values are not checked: they change nothing.
func (r *rules) check(values map[string]string, prefix string, ms *modelState) {
	changes := map[string]any{}
	for _, name := range updatable {
		if v := values[name]; v != "" {
			changes[name] = v
		}
	}
	if len(changes) == 0 {
		return
	}
	err := r.compiled.Validate(changes)
	if err == nil {
		return
	}
	broken := map[string]bool{}
	var verr *jsonschema.ValidationError
	if errors.As(err, &verr) {
		collectProperties(verr, broken)
	}
	for _, name := range updatable {
		if broken[name] {
			ms.add(prefix+"."+name, ruleMessages[name])
		}
	}
}

// collectProperties records the top-level property each leaf finding is at.
func collectProperties(e *jsonschema.ValidationError, into map[string]bool) {
	if len(e.Causes) == 0 && len(e.InstanceLocation) > 0 {
		into[e.InstanceLocation[0]] = true
	}
	for _, c := range e.Causes {
		collectProperties(c, into)
	}
}

// validateFixture checks a fixture customer against the whole schema, so a
// fixture the API could never have produced is refused at start.
func (r *rules) validateFixture(c Customer) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return err
	}
	ok, errs := r.full.ValidateSchemaObjectWithVersion(r.schema, doc, 3.0)
	if ok {
		return nil
	}
	var reasons []string
	for _, e := range errs {
		for _, f := range e.SchemaValidationErrors {
			reasons = append(reasons, f.FieldPath+": "+f.Reason)
		}
		if len(e.SchemaValidationErrors) == 0 {
			reasons = append(reasons, e.Reason)
		}
	}
	return fmt.Errorf("customer %d does not match CustomerResponse: %s", c.CustomerID, strings.Join(reasons, "; "))
}
