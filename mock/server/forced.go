package server

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi-validator/config"
	"github.com/pb33f/libopenapi-validator/paths"
	"github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/renderer"

	"github.com/gridtwin/gridtwin/mock/journal"
	"github.com/gridtwin/gridtwin/specs"
)

// Specified is an API whose operations its embedded OpenAPI documents
// describe (names as in specs.Names). Prefer: code= and example= answer
// from them what each operation can answer; an API that is not Specified
// refuses both.
type Specified interface {
	Specs() []string
}

// specBook holds the documents' models, built on first use: they are
// needed only by requests that force an answer, and outlive Replace.
type specBook struct {
	mu     sync.Mutex
	models map[string]*v3.Document
}

func (b *specBook) model(name string) (*v3.Document, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if m := b.models[name]; m != nil {
		return m, nil
	}
	doc, err := specs.Load(name)
	if err != nil {
		return nil, err
	}
	model, err := doc.Doc.BuildV3Model()
	if err != nil {
		return nil, err
	}
	if b.models == nil {
		b.models = map[string]*v3.Document{}
	}
	b.models[name] = &model.Model
	return &model.Model, nil
}

// operation is the documented operation a request is for.
type operation struct {
	doc, method, path string
	op                *v3.Operation
}

func (o operation) String() string { return o.method + " " + o.path + " (specs/" + o.doc + ".yaml)" }

// codes are the statuses the operation documents, in numeric order.
func (o operation) codes() []string {
	var out []string
	if o.op.Responses != nil {
		for code := range o.op.Responses.Codes.KeysFromOldest() {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out
}

func (b *specBook) operation(api API, r *http.Request) (operation, error) {
	s, ok := api.(Specified)
	if !ok {
		return operation{}, fmt.Errorf("gridtwin has no OpenAPI document for %s", api.Name())
	}
	opts := config.NewValidationOptions()
	for _, name := range s.Specs() {
		model, err := b.model(name)
		if err != nil {
			return operation{}, err
		}
		item, _, template := paths.FindPath(r, model, opts)
		if item == nil {
			continue
		}
		if op := item.GetOperations().GetOrZero(strings.ToLower(r.Method)); op != nil {
			return operation{doc: name, method: r.Method, path: template, op: op}, nil
		}
	}
	return operation{}, fmt.Errorf("%s %s is no operation of %s's OpenAPI documents (%s)",
		r.Method, r.URL.Path, api.Name(), strings.Join(s.Specs(), ", "))
}

// force answers a request that asks for a status or an example without
// running the operation, so that nothing changes: not the state, not the
// rate-limit windows. It reports whether it answered.
func (h *Handler) force(w http.ResponseWriter, r *http.Request, api API, p preferences) bool {
	if p.code == 0 && p.example == "" {
		return false
	}
	asked := preferenceText(p)
	op, err := h.specs.operation(api, r)
	if err != nil {
		refusePreference(w, r, fmt.Errorf("Prefer: %s: %w", asked, err))
		return true
	}
	codes := op.codes()
	if p.code != 0 && !slices.Contains(codes, strconv.Itoa(p.code)) {
		refusePreference(w, r, fmt.Errorf("Prefer: %s: %s answers only %s (Prefer: fault=500|503 injects a server error)",
			asked, op, strings.Join(codes, ", ")))
		return true
	}
	if p.example != "" {
		if err := answerExample(w, op, p); err != nil {
			refusePreference(w, r, fmt.Errorf("Prefer: %s: %w", asked, err))
			return true
		}
		journal.Decide(r, "mock/prefer-example")
		return true
	}
	journal.Decide(r, "mock/prefer-code")
	if p.code >= 200 && p.code < 300 {
		answerDocumented(w, op, p.code)
		return true
	}
	// An error is the vendor's own: its dialect, its headers, its wording.
	api.WriteError(w, r, p.code, "")
	return true
}

func preferenceText(p preferences) string {
	var parts []string
	if p.code != 0 {
		parts = append(parts, "code="+strconv.Itoa(p.code))
	}
	if p.example != "" {
		parts = append(parts, "example="+p.example)
	}
	return strings.Join(parts, ", ")
}

// answerExample answers the named example of the asked status, or of any
// status when none is asked (the lowest first).
func answerExample(w http.ResponseWriter, op operation, p preferences) error {
	var named []string
	for _, code := range op.codes() {
		if p.code != 0 && code != strconv.Itoa(p.code) {
			continue
		}
		resp := op.op.Responses.Codes.GetOrZero(code)
		for mediaType, media := range resp.Content.FromOldest() {
			if media.Examples == nil {
				continue
			}
			if _, ok := media.Examples.Get(p.example); ok {
				status, _ := strconv.Atoi(code)
				return writeMock(w, status, mediaType, media, p.example)
			}
			for name := range media.Examples.KeysFromOldest() {
				named = append(named, name+" ("+code+")")
			}
		}
	}
	if len(named) == 0 {
		return fmt.Errorf("%s names no examples", op)
	}
	return fmt.Errorf("%s names the examples %s", op, strings.Join(slices.Compact(named), ", "))
}

// answerDocumented answers a 2xx as the document describes it: its
// example, else one rendered from its schema, else no body.
func answerDocumented(w http.ResponseWriter, op operation, status int) {
	resp := op.op.Responses.Codes.GetOrZero(strconv.Itoa(status))
	if resp == nil || resp.Content == nil || resp.Content.Len() == 0 {
		w.WriteHeader(status)
		return
	}
	mediaType, media := resp.Content.First().Key(), resp.Content.First().Value()
	if m, ok := resp.Content.Get("application/json"); ok {
		mediaType, media = "application/json", m
	}
	if err := writeMock(w, status, mediaType, media, ""); err != nil {
		http.Error(w, "gridtwin: cannot render the documented answer: "+err.Error(), http.StatusInternalServerError)
	}
}

func writeMock(w http.ResponseWriter, status int, mediaType string, media *v3.MediaType, example string) error {
	gen := renderer.NewMockGenerator(renderer.JSON)
	// A fixed seed: the same request renders the same answer every time.
	gen.SetSeed(1)
	body, err := gen.GenerateMock(media, example)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", mediaType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return nil
}
