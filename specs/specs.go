// Package specs holds the OpenAPI documents gridtwin serves and checks.
// They are data: the mock and the conformance suite both read them from here,
// and neither keeps a hand-written copy of any schema.
package specs

import (
	"embed"
	"fmt"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
)

//go:embed *.yaml
var files embed.FS

// Names of the embedded documents: one per vendor, and OtarkReads for the
// operations of Otark's public reference that its seed document lacks (the
// seed stays verbatim, so they cannot be added to it).
const (
	Otark      = "otark"
	OtarkReads = "otark-reads"
	Podero     = "podero"
	Esmart     = "esmart"
)

// Names lists every embedded document.
var Names = []string{Otark, OtarkReads, Podero, Esmart}

// Bytes returns the raw OpenAPI document of one vendor.
func Bytes(name string) ([]byte, error) {
	b, err := files.ReadFile(name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("specs: no embedded document %q: %w", name, err)
	}
	return b, nil
}

// Document is a parsed spec and a validator built from it once. Building the
// validator compiles every schema, so callers keep one per process.
type Document struct {
	Name      string
	Doc       libopenapi.Document
	Validator validator.Validator
}

// Load parses the named embedded document and builds its validator. It
// skips Parse's check against the OpenAPI schema: the embedded documents are
// fixed at build time and checked by this package's tests, and the check is
// a third of a cold start (35-50 ms for the three documents).
func Load(name string, opts ...config.Option) (*Document, error) {
	b, err := Bytes(name)
	if err != nil {
		return nil, err
	}
	return parse(name, b, false, opts)
}

// Parse builds a Document from raw OpenAPI bytes and checks that they are a
// valid OpenAPI document.
func Parse(name string, data []byte, opts ...config.Option) (*Document, error) {
	return parse(name, data, true, opts)
}

func parse(name string, data []byte, checkDocument bool, opts []config.Option) (*Document, error) {
	doc, err := libopenapi.NewDocument(data)
	if err != nil {
		return nil, fmt.Errorf("specs: parse %s: %w", name, err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("specs: build model of %s: %w", name, err)
	}
	v := validator.NewValidatorFromV3Model(&model.Model, opts...)
	// ValidateDocument needs the document; the model-only constructor does not keep it.
	v.SetDocument(doc)
	if !checkDocument {
		return &Document{Name: name, Doc: doc, Validator: v}, nil
	}
	if ok, errs := v.ValidateDocument(); !ok && len(errs) > 0 {
		return nil, fmt.Errorf("specs: %s is not a valid OpenAPI document: %v", name, errs[0].Message)
	}
	return &Document{Name: name, Doc: doc, Validator: v}, nil
}
