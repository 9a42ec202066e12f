package esmart

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"
)

// updatable are the only properties a PATCH changes (seed 003), in the
// model's declaration order, which is the order ASP.NET validates them in.
var updatable = []string{"Email", "MobileNumber", "PhoneNumber"}

// ruleMessages word a broken rule; the help page states the rules but not
// their messages (CONTRACT.md [C]).
var ruleMessages = map[string]string{
	"Email":        "Email must be a valid e-mail address of at most 100 characters.",
	"MobileNumber": "MobileNumber can contain digits only, at most 14.",
	"PhoneNumber":  "PhoneNumber can contain digits only, at most 14.",
}

// rules checks the updatable properties against the pattern and maxLength
// that specs/esmart.yaml gives them, through libopenapi-validator, and words
// its findings as the model validator would.
type rules struct {
	validator schema_validation.SchemaValidator
	schema    *base.Schema
}

func newRules(schema *base.Schema) *rules {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The validator caches the compiled schema by hash, so only the first
	// call compiles it.
	return &rules{validator: schema_validation.NewSchemaValidatorWithLogger(logger), schema: schema}
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
	broken := r.brokenProperties(changes)
	for _, name := range updatable {
		if broken[name] {
			ms.add(prefix+"."+name, ruleMessages[name])
		}
	}
}

// brokenProperties validates doc against the schema and returns the
// top-level properties the findings point at.
func (r *rules) brokenProperties(doc map[string]any) map[string]bool {
	ok, errs := r.validator.ValidateSchemaObjectWithVersion(r.schema, doc, 3.0)
	if ok {
		return nil
	}
	broken := map[string]bool{}
	for _, e := range errs {
		for _, f := range e.SchemaValidationErrors {
			name, _, _ := strings.Cut(strings.TrimPrefix(f.FieldPath, "$."), ".")
			broken[name] = true
		}
	}
	return broken
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
	ok, errs := r.validator.ValidateSchemaObjectWithVersion(r.schema, doc, 3.0)
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
