// Package esmart mocks the Esmart API. PLACEHOLDER: replaced by the real implementation.
package esmart

import (
	"io/fs"

	"github.com/gorilla/mux"
)

// API is the mocked Esmart API.
type API struct{}

// New loads the fixtures from fsys (esmart.yaml).
func New(fsys fs.FS, opts Options) (*API, error) { return &API{}, nil }

// Options tune the mock.
type Options struct{}

func (a *API) Name() string           { return "esmart" }
func (a *API) Register(r *mux.Router) {}
func (a *API) Reset()                 {}
func (a *API) State() any             { return map[string]any{} }
func (a *API) Credentials() []string  { return nil }
