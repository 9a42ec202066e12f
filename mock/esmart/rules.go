package esmart

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gridtwin/gridtwin/mock/store"
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
// that specs/esmart.yaml gives them. libopenapi-validator compiles each
// property's schema once; a request checks each new value against its own
// property's schema, because validating an object of the changes against
// the whole CustomerResponse cost twice as much, and the validator's own
// error rendering ten times the rest of a request: only the offending
// property names are needed.
type rules struct {
	property map[string]*jsonschema.Schema // by updatable property
	// full keeps libopenapi-validator's readable findings for fixtures,
	// checked once at start.
	full   schema_validation.SchemaValidator
	schema *base.Schema
}

func newRules(schema *base.Schema) (*rules, error) {
	opts := config.NewValidationOptions()
	r := &rules{property: map[string]*jsonschema.Schema{}, schema: schema}
	for _, name := range updatable {
		proxy := schema.Properties.GetOrZero(name)
		if proxy == nil || proxy.Schema() == nil {
			return nil, fmt.Errorf("CustomerResponse has no property %s", name)
		}
		c, err := schema_validation.CompileSchemaForValidation(proxy.Schema(), schema_validation.SchemaValidationPurposeRequestBody, opts, 3.0)
		if err != nil {
			return nil, fmt.Errorf("compile CustomerResponse.%s: %w", name, err)
		}
		r.property[name] = c.CompiledSchema
	}
	r.full = schema_validation.NewSchemaValidatorWithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	return r, nil
}

// check adds a ModelState error for each updatable property whose new value
// breaks its rule. Empty values are not checked: they change nothing.
func (r *rules) check(values map[string]string, prefix string, ms *modelState) {
	for _, name := range updatable {
		if v := values[name]; v != "" && r.property[name].Validate(v) != nil {
			ms.add(prefix+"."+name, ruleMessages[name])
		}
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

// ruleOfStatus names the rule of docs/contract.md behind an answer, for
// the request journal.
func ruleOfStatus(status int, v any) string {
	switch status {
	case http.StatusOK:
		return "esmart/success"
	case http.StatusUnauthorized:
		return "esmart/auth-missing"
	case http.StatusUnsupportedMediaType:
		return "esmart/unsupported-media-type"
	case http.StatusMethodNotAllowed:
		return "esmart/method-not-allowed"
	case http.StatusBadRequest:
		if e, ok := v.(httpError); ok && len(e.ModelState.entries) > 0 {
			return "esmart/modelstate-shape"
		}
		return "esmart/not-found"
	}
	return ""
}

// update applies the non-empty changes (nil: none, a read) to customer id
// if owner owns it, in one atomic step, and returns the result. A user owns
// only their own customer, so any other id is answered as if it did not
// exist.
func (a *API) update(ctx context.Context, sess store.Session, owner, id int32, changes map[string]string) (Customer, bool, error) {
	if id != owner {
		return Customer{}, false, nil
	}
	if changes == nil {
		c, ok, err := a.customers.Get(ctx, sess, customerKey(id))
		return c.clone(), ok, err
	}
	c, err := a.customers.Update(ctx, sess, customerKey(id), func(c Customer) (Customer, error) {
		c = c.clone()
		setIfGiven(&c.Email, changes["Email"])
		setIfGiven(&c.MobileNumber, changes["MobileNumber"])
		setIfGiven(&c.PhoneNumber, changes["PhoneNumber"])
		return c, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return Customer{}, false, nil
	}
	return c, err == nil, err
}

// setIfGiven applies one change; "" (also what a null or absent property
// leaves) keeps the stored value.
func setIfGiven(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}
