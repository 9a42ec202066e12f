package podero

import (
	"net/http"
	"testing"

	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel/high/base"

	"github.com/gridtwin/gridtwin/specs"
)

// A valid body skips the compiled schema only where it could find nothing
// coerce missed.
func TestSchemaRunsAfterCoerceOnlyWhereItCanAddFindings(t *testing.T) {
	doc, err := libopenapi.NewDocument([]byte(`openapi: 3.1.0
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Plain:
      type: object
      required: [a]
      properties:
        a: {type: string}
        list: {type: array, items: {$ref: "#/components/schemas/Self"}}
    Self:
      type: object
      properties:
        again: {$ref: "#/components/schemas/Self"}
    Undeclared:
      type: object
      required: [a, b]
      properties:
        a: {type: string}
    NestedUndeclared:
      type: object
      properties:
        items: {type: array, items: {$ref: "#/components/schemas/Undeclared"}}
    Composed:
      type: object
      properties:
        a: {allOf: [{type: object, required: [x]}]}
`))
	if err != nil {
		t.Fatal(err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	schema := func(name string) *base.Schema {
		return model.Model.Components.Schemas.GetOrZero(name).Schema()
	}
	for name, want := range map[string]bool{"Plain": false, "Self": false, "Undeclared": true, "NestedUndeclared": true, "Composed": true} {
		if got := schemaCanAdd(schema(name), map[*base.Schema]bool{}); got != want {
			t.Errorf("schemaCanAdd(%s) = %v, want %v", name, got, want)
		}
	}

	podero, err := specs.Load(specs.Podero)
	if err != nil {
		t.Fatal(err)
	}
	m, err := podero.Doc.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	for _, tmpl := range []string{contractPath, contractsPath} {
		method := map[string]string{contractPath: http.MethodPut, contractsPath: http.MethodPost}[tmpl]
		op, err := newOperation(&m.Model, method, tmpl)
		if err != nil {
			t.Fatal(err)
		}
		if op.schemaAfterCoerce {
			t.Errorf("%s %s: the spec's body schema can add findings after coerce; the benchmark's figures assume not", method, tmpl)
		}
	}
}
