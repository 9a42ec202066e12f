// Package otark mocks the Otark API. PLACEHOLDER: replaced by the real implementation.
package otark

import (
	"io/fs"

	"github.com/gorilla/mux"
)

// API is the mocked Otark API.
type API struct{}

// New loads the fixtures from fsys (otark.yaml).
func New(fsys fs.FS, opts Options) (*API, error) { return &API{}, nil }

// Options tune the mock.
type Options struct {
	// RateLimit is the number of requests per key per 60 s window; 0 means the contract default, 300.
	RateLimit int
}

func (a *API) Name() string           { return "otark" }
func (a *API) Register(r *mux.Router) {}
func (a *API) Reset()                 {}
func (a *API) State() any             { return map[string]any{} }
func (a *API) Credentials() []string  { return nil }
