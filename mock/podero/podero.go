// Package podero mocks the Podero API. PLACEHOLDER: replaced by the real implementation.
package podero

import (
	"io/fs"

	"github.com/gorilla/mux"
)

// API is the mocked Podero API.
type API struct{}

// New loads the fixtures from fsys (podero.yaml).
func New(fsys fs.FS, opts Options) (*API, error) { return &API{}, nil }

// Options tune the mock.
type Options struct{}

func (a *API) Name() string           { return "podero" }
func (a *API) Register(r *mux.Router) {}
func (a *API) Reset()                 {}
func (a *API) State() any             { return map[string]any{} }
func (a *API) Credentials() []string  { return nil }
