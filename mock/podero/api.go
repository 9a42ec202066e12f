// Package podero mocks Podero's partner API (django-ninja on pydantic v2,
// OAuth2 by django-oauth-toolkit): the client-credentials token endpoint and
// a user's energy contracts (list, create, replace). Requests are checked
// against specs/podero.yaml; findings are answered in pydantic's dialect.
//
// Every vendor package has the same five files: api.go (the API type, its
// constructor and routes), fixtures.go (fixture loading), handlers.go (the
// HTTP handlers), rules.go (the contract's rules and the journal's rule
// names) and errors.go (the vendor's error dialect, here FastAPI-style
// detail and pydantic's error list).
// Beside them, only what is podero's own: token.go (the OAuth2 token
// endpoint), validate.go (the spec's checks, in pydantic's order),
// pydantic.go (pydantic's lax coercions), notfound.go (Django's 404 page)
// and store.go (the state and its snapshot).
package podero

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"time"

	"github.com/gorilla/mux"
	"github.com/pb33f/libopenapi-validator/config"

	"github.com/gridtwin/gridtwin/mock/internal/pathtemplate"
	"github.com/gridtwin/gridtwin/mock/store"
	"github.com/gridtwin/gridtwin/specs"
)

// Options tune the mock.
type Options struct {
	// Now is the clock for token lifetimes; nil means time.Now.
	Now func() time.Time
}

// API is the mocked Podero API. Its state (contracts, issued tokens)
// lives in the store, per session.
type API struct {
	fixtures  *fixtureFile
	dir       *directory
	contracts *store.Table[[]Contract] // by contractsKey, in creation order
	doc       *specs.Document
	now       func() time.Time
	// solo is the session of a handler called outside the server (a
	// benchmark on the bare router): the server always opens one.
	solo store.Session

	list, create, update *operation
}

const (
	contractsPath = "/api/partners/v2.0/org/{org_id}/users/{user_id}/energy-contracts"
	contractPath  = contractsPath + "/{energy_contract_id}"
	tokenPath     = "/oauth2/token/"
)

// New loads podero.yaml from fsys and builds the validator once.
func New(fsys fs.FS, opts Options) (*API, error) {
	f, err := loadFixtures(fsys)
	if err != nil {
		return nil, err
	}
	// Security is checked by the handlers first (401 comes before anything
	// else), so the validator need not look at it.
	validation := []config.Option{config.WithFormatAssertions(), config.WithoutSecurityValidation()}
	doc, err := specs.Load(specs.Podero, validation...)
	if err != nil {
		return nil, err
	}
	model, err := doc.Doc.BuildV3Model()
	if err != nil {
		return nil, err
	}
	dir, contracts := load(f)
	a := &API{fixtures: f, dir: dir, contracts: store.NewTable("podero.contracts", contracts), doc: doc, now: opts.Now}
	a.solo, _ = store.NewMemory(store.Options{}).Open(context.Background(), store.DefaultSession)
	if a.now == nil {
		a.now = time.Now
	}
	for _, o := range []struct {
		dst              **operation
		method, template string
	}{
		{&a.list, http.MethodGet, contractsPath},
		{&a.create, http.MethodPost, contractsPath},
		{&a.update, http.MethodPut, contractPath},
	} {
		if *o.dst, err = newOperation(&model.Model, o.method, o.template); err != nil {
			return nil, err
		}
		if (*o.dst).body != nil {
			if (*o.dst).schema, err = doc.RequestBodySchema(o.method, o.template, "application/json", validation...); err != nil {
				return nil, err
			}
		}
	}
	return a, nil
}

func (a *API) Name() string { return "podero" }

// Register adds the routes. Another method on a known path gets what
// django answers: 405 with Allow, before authentication; an unknown path
// under the API's prefixes gets Django's 404 page (or its slash redirect).
func (a *API) Register(r *mux.Router) {
	// The contract PUT is the API's main operation, and mux tries routes in
	// order: first, it skips five of them.
	contract := pathtemplate.MustCompile(contractPath).MatchRoute
	contracts := pathtemplate.MustCompile(contractsPath).MatchRoute
	r.MatcherFunc(contract).HandlerFunc(a.updateContract).Methods(http.MethodPut)
	r.MatcherFunc(contract).Handler(methodNotAllowed("PUT", "Method not allowed"))
	token := pathtemplate.MustCompile(tokenPath).MatchRoute
	r.MatcherFunc(token).HandlerFunc(a.token).Methods(http.MethodPost)
	r.MatcherFunc(token).Handler(methodNotAllowed("POST, OPTIONS", ""))
	r.MatcherFunc(contracts).HandlerFunc(a.listContracts).Methods(http.MethodGet)
	r.MatcherFunc(contracts).HandlerFunc(a.createContract).Methods(http.MethodPost)
	r.MatcherFunc(contracts).Handler(methodNotAllowed("GET, POST", "Method not allowed"))
	// Last, so that they only catch what the routes above miss.
	notFound := notFound(knownPaths())
	for _, prefix := range djangoPrefixes {
		r.MatcherFunc(pathtemplate.Prefix(prefix)).Handler(notFound)
	}
}

// methodNotAllowed is Django's HttpResponseNotAllowed; django-ninja gives
// it the text body "Method not allowed", a plain Django view none.
func methodNotAllowed(allow, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Allow", allow)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusMethodNotAllowed)
		_, _ = w.Write([]byte(body))
	})
}

// State is the session's organizations, users and contracts.
func (a *API) State(ctx context.Context, sess store.Session) (any, error) {
	return a.snapshot(ctx, sess)
}

// session is the request's session; a handler called outside the server
// has none and uses the API's own.
func (a *API) session(r *http.Request) store.Session {
	if s := store.FromContext(r.Context()); s != nil {
		return s
	}
	return a.solo
}

// Credentials print enough to make a first request with curl.
func (a *API) Credentials() []string {
	var lines []string
	for _, o := range a.fixtures.Organizations {
		lines = append(lines, fmt.Sprintf("organization %s (%s)", o.ID, o.Name))
		lines = append(lines, fmt.Sprintf("  client_id=%s client_secret=%s  (POST %s)", o.ClientID, o.ClientSecret, tokenPath))
		if o.StaticToken != "" {
			lines = append(lines, fmt.Sprintf("  static token: Authorization: Bearer %s", o.StaticToken))
		}
		for _, u := range o.Users {
			line := "  user " + u.ID
			if len(u.EnergyContracts) > 0 {
				line += " energy contract " + u.EnergyContracts[0].ID
			}
			if len(u.Buildings) > 0 {
				line += " building " + u.Buildings[0]
			}
			lines = append(lines, line)
		}
	}
	return lines
}
