// Package server composes the vendor APIs into one HTTP handler with the
// admin API and CORS around them. Each vendor lives in its own package under
// mock/ and knows nothing of the others; this package only routes.
package server

import (
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"
	"github.com/rs/cors"

	"github.com/gridtwin/gridtwin/mock/journal"
	"github.com/gridtwin/gridtwin/mock/store"
)

// API is one mocked vendor API. Its mutable state lives in the store, per
// session: a handler finds the request's session with store.FromContext.
type API interface {
	// Name is the vendor's short name (otark, podero, esmart); it keys the
	// admin state document.
	Name() string
	// Register adds the vendor's routes. Paths of different vendors never
	// collide, so registration order does not matter.
	Register(r *mux.Router)
	// State returns a JSON-encodable snapshot of the session's state.
	State(ctx context.Context, s store.Session) (any, error)
	// WriteError answers status with message in the vendor's error dialect
	// (an empty message: the vendor's usual wording for the status): the
	// server's answer to a fault, a bad session name, an unavailable store.
	WriteError(w http.ResponseWriter, r *http.Request, status int, message string)
	// Credentials are human-readable lines (keys, ids) printed at start so a
	// developer can make a first request without reading the fixtures.
	Credentials() []string
}

// Handler serves every API, the admin API under /__admin/, and answers CORS
// preflights for the vendor APIs.
type Handler struct {
	opts    Options
	journal *journal.Journal
	chaos   *chaos
	specs   *specBook
	started time.Time
	// store holds every API's state, per session; a reset is the store's.
	store store.Store
	// current is what Replace swaps: the APIs and the router built for
	// them. Journal, chaos, store and admin token outlive a swap.
	current atomic.Pointer[routing]
}

// routing is one set of APIs and the router that serves them.
type routing struct {
	apis    []API
	handler http.Handler
}

// New builds the handler with default options.
func New(apis ...API) *Handler { return NewWith(Options{}, apis...) }

// NewWith builds the handler. Routes are matched case-sensitively unless a
// vendor registers its own matcher (esmart's ASP.NET routing is not).
func NewWith(opts Options, apis ...API) *Handler {
	j := opts.Journal
	if j == nil {
		j = journal.New(journal.Options{})
	}
	st := opts.Store
	if st == nil {
		st = store.NewMemory(store.Options{})
	}
	h := &Handler{opts: opts, journal: j, chaos: newChaos(opts.Chaos), specs: &specBook{}, started: time.Now(), store: st}
	h.Replace(apis...)
	return h
}

// Replace serves apis from now on (fixtures reloaded); requests in flight
// finish on the APIs they started on.
func (h *Handler) Replace(apis ...API) {
	h.current.Store(h.route(apis))
}

func (h *Handler) route(apis []API) *routing {
	rt := &routing{apis: apis}
	// The admin API has its own router: mux tries routes in order, a
	// regexp each, and every vendor request would first miss all of its.
	adminRouter := mux.NewRouter()
	h.registerAdmin(adminRouter)
	r := mux.NewRouter()
	for _, api := range apis {
		before := map[*mux.Route]bool{}
		_ = r.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error { before[route] = true; return nil })
		api.Register(r)
		// Each of the API's routes gets the vendor layers around its
		// handler here, once: a mux middleware would be built anew for
		// every request, and would have to look the API up by route.
		_ = r.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
			if next := route.GetHandler(); !before[route] && next != nil {
				route.Handler(h.vendorLayers(api, next))
			}
			return nil
		})
	}
	vendor := h.journal.Handler(corsPolicy().Handler(r), h.opts.Log)
	admin := h.adminGuard(adminRouter)
	rt.handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if isAdminPath(req.URL.Path) {
			admin.ServeHTTP(w, req)
			return
		}
		vendor.ServeHTTP(w, req)
	})
	return rt
}

// APIs returns the served APIs in registration order.
func (h *Handler) APIs() []API { return h.current.Load().apis }

// Journal is the request journal of every session.
func (h *Handler) Journal() *journal.Journal { return h.journal }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.current.Load().handler.ServeHTTP(w, r)
}

// Store is the store the APIs keep their state in.
func (h *Handler) Store() store.Store { return h.store }

// Reset puts every API of the session back to its fixtures, at once, and
// forgets its rate-limit windows and issued tokens.
func (h *Handler) Reset(ctx context.Context, session string) error {
	sess, err := h.store.Open(ctx, session)
	if err != nil {
		return err
	}
	return sess.Reset(ctx)
}

// State returns every API's snapshot of the session, keyed by vendor name.
func (h *Handler) State(ctx context.Context, session string) (map[string]any, error) {
	sess, err := h.store.Open(ctx, session)
	if err != nil {
		return nil, err
	}
	apis := h.APIs()
	out := make(map[string]any, len(apis))
	for _, api := range apis {
		if out[api.Name()], err = api.State(ctx, sess); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (h *Handler) reset(w http.ResponseWriter, r *http.Request) {
	if err := h.Reset(r.Context(), r.Header.Get(store.Header)); err != nil {
		status, msg := store.Answer(err)
		adminError(w, status, msg)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) state(w http.ResponseWriter, r *http.Request) {
	st, err := h.State(r.Context(), r.Header.Get(store.Header))
	if err != nil {
		status, msg := store.Answer(err)
		adminError(w, status, msg)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// methodNotAllowed answers the admin API's other methods as RFC 9110 asks:
// 405 with the Allow header. mux's own 405 carries neither Allow nor a body.
func methodNotAllowed(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusMethodNotAllowed)
		_ = json.NewEncoder(w).Encode(map[string]string{
			"error": "method " + r.Method + " is not allowed on " + r.URL.Path + "; use " + allow,
		})
	}
}

// corsPolicy lets a page on any origin call the vendor APIs (never the
// admin API, see adminGuard): frontends under
// development run on their own dev-server origin. Credentials travel in
// explicit headers, never cookies, so no credentialed CORS is needed.
func corsPolicy() *cors.Cors {
	return cors.New(cors.Options{
		AllowedOrigins: []string{"*"},
		AllowedMethods: []string{
			http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		},
		// Any requested header is allowed: rs/cors matches a listed set only
		// against the lower-case, sorted spelling browsers send, and a mock
		// should not refuse a hand-written preflight that spells it otherwise.
		AllowedHeaders: []string{"*"},
		ExposedHeaders: []string{
			"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
			"Retry-After", "WWW-Authenticate", "Allow", store.Header,
		},
		MaxAge: 600,
	})
}
