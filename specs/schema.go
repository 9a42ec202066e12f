package specs

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pb33f/jsonschema/v6"
	"github.com/pb33f/libopenapi-validator/config"
	liberrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/helpers"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Schema is one schema of a document compiled once, for checking decoded JSON
// values on a server's hot path.
//
// It exists for speed. libopenapi-validator's request validation (about 35 µs
// for a valid otark PATCH, 110 µs for an invalid one) spends most of its time
// on work a mock answers without: parameter and security checks the vendor
// layer does itself, and, for an invalid body, locating every failure in the
// rendered schema's YAML for diagnostics. The same compiled JSON Schema
// checks the decoded value in 1.5 to 3 µs, and its failures carry everything
// a vendor dialect is built from.
type Schema struct {
	compiled *jsonschema.Schema
}

// RequestBodySchema compiles the request body schema of the operation at
// method and path for mediaType, the way libopenapi-validator compiles it for
// request validation with the same options (readOnly and writeOnly handled
// for the request direction, nullable per the document's OpenAPI version).
func (d *Document) RequestBodySchema(method, path, mediaType string, opts ...config.Option) (*Schema, error) {
	model, err := d.Doc.BuildV3Model()
	if err != nil {
		return nil, err
	}
	item, ok := model.Model.Paths.PathItems.Get(path)
	if !ok {
		return nil, fmt.Errorf("specs: %s has no path %s", d.Name, path)
	}
	op := item.GetOperations().GetOrZero(strings.ToLower(method))
	if op == nil || op.RequestBody == nil {
		return nil, fmt.Errorf("specs: %s %s %s has no request body", d.Name, method, path)
	}
	media, ok := op.RequestBody.Content.Get(mediaType)
	if !ok || media.Schema == nil {
		return nil, fmt.Errorf("specs: %s %s %s has no %s schema", d.Name, method, path, mediaType)
	}
	return compile(media.Schema.Schema(), schema_validation.SchemaValidationPurposeRequestBody,
		helpers.VersionToFloat(model.Model.Version), opts)
}

// ComponentSchema compiles #/components/schemas/<name> for checking a value
// in no particular direction, as the validator's schema validator does.
func (d *Document) ComponentSchema(name string, opts ...config.Option) (*Schema, error) {
	model, err := d.Doc.BuildV3Model()
	if err != nil {
		return nil, err
	}
	if model.Model.Components == nil {
		return nil, fmt.Errorf("specs: %s has no components", d.Name)
	}
	proxy, ok := model.Model.Components.Schemas.Get(name)
	if !ok {
		return nil, fmt.Errorf("specs: %s has no schema %s", d.Name, name)
	}
	return compile(proxy.Schema(), schema_validation.SchemaValidationPurposeGeneric,
		helpers.VersionToFloat(model.Model.Version), opts)
}

func compile(s *base.Schema, purpose schema_validation.SchemaValidationPurpose, version float32, opts []config.Option) (*Schema, error) {
	if s == nil {
		return nil, errors.New("specs: schema cannot be built")
	}
	c, err := schema_validation.CompileSchemaForValidation(s, purpose, config.NewValidationOptions(opts...), version)
	if err != nil {
		return nil, err
	}
	return &Schema{compiled: c.CompiledSchema}, nil
}

// printer renders failure reasons in the validator's (English) wording; it
// is safe for concurrent use and costly to build per call.
var printer = message.NewPrinter(language.Tag{})

// Validate checks a decoded JSON value (as from encoding/json into an any)
// and returns nil when it is valid. The failures are those
// libopenapi-validator reports in ValidationError.SchemaValidationErrors,
// with the same Reason, FieldName, FieldPath, InstancePath, KeywordLocation
// and OriginalJsonSchemaError, but without the diagnostics about the schema
// (Line, Column, ReferenceSchema, ReferenceObject). Like the validator's,
// their order follows the JSON Schema library's and is not stable: sort them
// where order matters.
func (s *Schema) Validate(value any) []*liberrors.SchemaValidationFailure {
	err := s.compiled.Validate(value)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return []*liberrors.SchemaValidationFailure{{Reason: err.Error()}}
	}
	var failures []*liberrors.SchemaValidationFailure
	for _, unit := range helpers.FlattenSchemaOutputErrors(verr.DetailedOutput()) {
		reason := unit.Error.Kind.LocalizedString(printer)
		// The validator drops the same summary units ("allOf failed", ...):
		// their causes are reported one by one.
		if unit.KeywordLocation == "" || helpers.IgnoreRegex.MatchString(reason) {
			continue
		}
		failures = append(failures, &liberrors.SchemaValidationFailure{
			Reason:                  reason,
			FieldName:               helpers.ExtractFieldNameFromStringLocation(unit.InstanceLocation),
			FieldPath:               helpers.ExtractJSONPathFromStringLocation(unit.InstanceLocation),
			InstancePath:            helpers.ConvertStringLocationToPathSegments(unit.InstanceLocation),
			KeywordLocation:         unit.KeywordLocation,
			OriginalJsonSchemaError: verr,
		})
	}
	return failures
}
