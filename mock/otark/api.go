// Package otark is the twin of Otark's BRP API: PATCH /v1/customers/{id}
// and the reads beside it (GET of one customer and of the list) with
// Otark's tenancy, scopes, rate limit, problem+json dialect and the prose
// rules of its docs. Request schemas come from specs/otark.yaml and
// specs/otark-reads.yaml.
//
// Every vendor package has the same five files: api.go (the API type, its
// constructor and routes), fixtures.go (fixture loading), handlers.go (the
// HTTP handlers), rules.go (the contract's rules and the journal's rule
// names) and errors.go (the vendor's error dialect, here problem+json).
// Beside them, only what is otark's own: validate.go (the body's checks, in
// Zod's words), query.go (the list's query parameters), reads.go (the list's
// filter and pages) and ratelimit.go (the per-key rate limit).
package otark

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
	"github.com/gridtwin/gridtwin/mock/internal/pathtemplate"
	"github.com/gridtwin/gridtwin/mock/store"
	"github.com/gridtwin/gridtwin/specs"
)

const (
	scopeWrite       = "customers:write"
	defaultRateLimit = 300
	customerPath     = "/v1/customers/{customer_id}"
	customerPrefix   = "/v1/customers/"
	customerMethods  = "GET, PATCH"
)

// Options tune the mock.
type Options struct {
	// RateLimit is the number of requests per key per 60 s window; 0 means the contract default, 300.
	RateLimit int
	// Now is the clock; nil means time.Now. Tests pin it to control
	// activated_at and rate-limit windows.
	Now func() time.Time
}

// BalanceGroup is a balance group assignment.
type BalanceGroup struct {
	EIC string `json:"eic" yaml:"eic"`
	TSO string `json:"tso" yaml:"tso"`
}

// Customer is a customer assigned to a BRP.
type Customer struct {
	ID           string
	Name         string
	Status       string
	BalanceGroup *BalanceGroup
	Metadata     Metadata
	AssignedAt   time.Time
	CreatedAt    time.Time
	ActivatedAt  *time.Time
}

// Metadata is a customer's metadata, its pairs sorted by key, each key
// once. A map of three pairs is some 300 bytes and a slice of them 96: with
// 100,000 customers, and a copy of each one written, that was half the heap.
// Sorted, it is also already in the order the answer lists it.
type Metadata []MetadataPair

// MetadataPair is one metadata key and its value.
type MetadataPair struct{ Key, Value string }

// MetadataOf sorts m's pairs into a Metadata.
func MetadataOf(m map[string]string) Metadata {
	out := make(Metadata, 0, len(m))
	for k, v := range m {
		out = append(out, MetadataPair{k, v})
	}
	slices.SortFunc(out, func(x, y MetadataPair) int { return strings.Compare(x.Key, y.Key) })
	return out
}

// Get returns the value at key.
func (m Metadata) Get(key string) (string, bool) {
	i, found := slices.BinarySearchFunc(m, key, func(p MetadataPair, k string) int { return strings.Compare(p.Key, k) })
	if !found {
		return "", false
	}
	return m[i].Value, true
}

// Map returns the pairs as a map.
func (m Metadata) Map() map[string]string {
	out := make(map[string]string, len(m))
	for _, p := range m {
		out[p.Key] = p.Value
	}
	return out
}

// MarshalJSON writes the spec's Customer with the contract's timestamps
// (RFC 3339, UTC, whole seconds) and an explicit null for a missing
// balance group or activation.
func (c Customer) MarshalJSON() ([]byte, error) {
	return c.appendJSON(make([]byte, 0, 384)), nil
}

// appendJSON writes the customer by hand: through encoding/json's
// reflection it was a quarter of a PATCH's handler. The bytes are
// encoding/json's (metadata keys sorted), but for a lone surrogate kept
// from a request body, written back as JSON.stringify writes it.
func (c Customer) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = jsonparse.AppendJSString(b, c.ID)
	b = append(b, `,"name":`...)
	b = jsonparse.AppendJSString(b, c.Name)
	b = append(b, `,"status":`...)
	b = jsonparse.AppendJSString(b, c.Status)
	b = append(b, `,"balance_group":`...)
	if c.BalanceGroup == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"eic":`...)
		b = jsonparse.AppendJSString(b, c.BalanceGroup.EIC)
		b = append(b, `,"tso":`...)
		b = jsonparse.AppendJSString(b, c.BalanceGroup.TSO)
		b = append(b, '}')
	}
	b = append(b, `,"metadata":{`...)
	for i, p := range c.Metadata {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonparse.AppendJSString(b, p.Key)
		b = append(b, ':')
		b = jsonparse.AppendJSString(b, p.Value)
	}
	b = append(b, `},"assigned_at":`...)
	b = appendTimestamp(b, c.AssignedAt)
	b = append(b, `,"created_at":`...)
	b = appendTimestamp(b, c.CreatedAt)
	b = append(b, `,"activated_at":`...)
	if c.ActivatedAt == nil {
		b = append(b, "null"...)
	} else {
		b = appendTimestamp(b, *c.ActivatedAt)
	}
	return append(b, '}')
}

func appendTimestamp(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().Truncate(time.Second).AppendFormat(b, time.RFC3339)
	return append(b, '"')
}

// UnmarshalJSON reads what MarshalJSON writes, so that a store keeping
// JSON gives the customer back.
func (c *Customer) UnmarshalJSON(b []byte) error {
	var in struct {
		ID           string            `json:"id"`
		Name         string            `json:"name"`
		Status       string            `json:"status"`
		BalanceGroup *BalanceGroup     `json:"balance_group"`
		Metadata     map[string]string `json:"metadata"`
		AssignedAt   time.Time         `json:"assigned_at"`
		CreatedAt    time.Time         `json:"created_at"`
		ActivatedAt  *time.Time        `json:"activated_at"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*c = Customer{in.ID, in.Name, in.Status, in.BalanceGroup, MetadataOf(in.Metadata), in.AssignedAt, in.CreatedAt, in.ActivatedAt}
	return nil
}

func timestamp(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// brp is a tenant: what its keys may see and assign. It never changes at
// run time, so it is read without the lock.
type brp struct {
	id            string
	name          string
	balanceGroups map[string][]string // EIC -> enabled TSOs
}

type apiKey struct {
	brp    *brp
	scopes []string
}

// customerRecord is what the store keeps per customer: the customer and
// the BRP it is assigned to. It is replaced, never modified in place.
type customerRecord struct {
	BRP      string   `json:"brp"`
	Customer Customer `json:"customer"`
}

// API is the mocked Otark API. Its state (customers, rate-limit windows)
// lives in the store, per session.
type API struct {
	now       func() time.Time
	fixtures  *fixtureFile
	brps      []*brp
	keys      map[string]apiKey
	validator *requestValidator
	// listValidator checks GET /v1/customers queries (specs/otark-reads.yaml).
	listValidator *queryValidator
	rateLimit     int
	customers     *store.Table[record]
	// seed and order are the fixture's customers (the table's seed, not a
	// copy) and their ids in file order, for the banner.
	seed  map[string]record
	order []string
	// solo is the session of a handler called outside the server (a
	// benchmark on the bare router): the server always opens one.
	solo store.Session
}

// New loads the fixtures from fsys (otark.yaml) and builds the request
// validator from specs/otark.yaml once.
func New(fsys fs.FS, opts Options) (*API, error) {
	f, err := loadFixtures(fsys)
	if err != nil {
		return nil, err
	}
	v, err := newRequestValidator()
	if err != nil {
		return nil, err
	}
	reads, err := specs.Load(specs.OtarkReads)
	if err != nil {
		return nil, err
	}
	lv, err := newQueryValidator(reads, customersPath)
	if err != nil {
		return nil, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	limit := opts.RateLimit
	if limit <= 0 {
		limit = defaultRateLimit
	}
	a := &API{
		now:           now,
		fixtures:      f,
		keys:          map[string]apiKey{},
		validator:     v,
		listValidator: lv,
		rateLimit:     limit,
	}
	for _, fb := range f.BRPs {
		b := &brp{id: fb.ID, name: fb.Name, balanceGroups: map[string][]string{}}
		for _, g := range fb.BalanceGroups {
			b.balanceGroups[g.EIC] = slices.Clone(g.TSOs)
		}
		a.brps = append(a.brps, b)
		for _, k := range fb.APIKeys {
			a.keys[k.Key] = apiKey{brp: b, scopes: slices.Clone(k.Scopes)}
		}
	}
	a.seed = a.fixtureCustomers()
	a.customers = store.NewTable("otark.customers", a.seed)
	a.solo, _ = store.NewMemory(store.Options{}).Open(context.Background(), store.DefaultSession)
	return a, nil
}

// fixtureCustomers moves the fixture's customers into records, in fixture
// order, and lets go of the decoded list: with 100,000 customers it is
// 14 MB the records already hold.
func (a *API) fixtureCustomers() map[string]record {
	out := map[string]record{}
	for i := range a.fixtures.BRPs {
		b := &a.fixtures.BRPs[i]
		for _, c := range b.Customers {
			a.order = append(a.order, c.ID)
			cust := Customer{
				ID: c.ID, Name: c.Name, Status: c.Status, BalanceGroup: c.BalanceGroup,
				Metadata: MetadataOf(c.Metadata), AssignedAt: c.AssignedAt, CreatedAt: c.CreatedAt, ActivatedAt: c.ActivatedAt,
			}
			rec := pack(customerRecord{BRP: b.ID, Customer: cust})
			// The key shares the record's copy of the id.
			out[rec.id()] = rec
		}
		b.Customers = nil
	}
	return out
}

// Name is the vendor's short name.
func (a *API) Name() string { return "otark" }

// Register adds PATCH and GET /v1/customers/{customer_id}, GET
// /v1/customers, and a 405 for every other method on those paths. Any other path under the prefix (a trailing slash, a
// sub-path, an id with an encoded slash) is handled the same way: Otark's
// Node server answers every error as problem+json, never a router's plain
// text, so such a path passes auth, rate limit and body checks and then is
// a customer that does not exist (the catch-all has no customer_id, and the
// fixtures refuse an empty id). These routes come after the real ones so
// they only catch what those miss.
func (a *API) Register(r *mux.Router) {
	customers := pathtemplate.MustCompile(customersPath).MatchRoute
	customer := pathtemplate.MustCompile(customerPath).MatchRoute
	r.MatcherFunc(customers).HandlerFunc(a.listCustomers).Methods(http.MethodGet)
	r.MatcherFunc(customers).Handler(methodNotAllowed(http.MethodGet))
	r.MatcherFunc(customer).HandlerFunc(a.patchCustomer).Methods(http.MethodPatch)
	r.MatcherFunc(customer).HandlerFunc(a.getCustomer).Methods(http.MethodGet)
	r.MatcherFunc(customer).Handler(methodNotAllowed(customerMethods))
	underCustomers := pathtemplate.Prefix(customerPrefix)
	r.MatcherFunc(underCustomers).HandlerFunc(a.patchCustomer).Methods(http.MethodPatch)
	r.MatcherFunc(underCustomers).HandlerFunc(a.getCustomer).Methods(http.MethodGet)
	r.MatcherFunc(underCustomers).Handler(methodNotAllowed(customerMethods))
}

// State is the customers of every BRP, BRPs in fixture order and customers
// sorted by id, so that it encodes the same way every time.
type State struct {
	BRPs []BRPState `json:"brps"`
}

// BRPState is one BRP's customers.
type BRPState struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Customers []Customer `json:"customers"`
}

// State returns a deep copy of every customer of the session.
func (a *API) State(ctx context.Context, sess store.Session) (any, error) {
	customers, err := a.customers.All(ctx, sess)
	if err != nil {
		return nil, err
	}
	st := State{BRPs: make([]BRPState, 0, len(a.brps))}
	for _, b := range a.brps {
		bs := BRPState{ID: b.id, Name: b.name, Customers: []Customer{}}
		for _, p := range customers {
			if p.brp() == b.id {
				bs.Customers = append(bs.Customers, p.unpack().Customer)
			}
		}
		slices.SortFunc(bs.Customers, func(x, y Customer) int { return strings.Compare(x.ID, y.ID) })
		st.BRPs = append(st.BRPs, bs)
	}
	return st, nil
}

// Credentials lists the demo keys and customers of the fixtures.
func (a *API) Credentials() []string {
	lines := []string{"GET /v1/customers and GET /v1/customers/{id} need customers:read; PATCH /v1/customers/{id} customers:write"}
	for _, b := range a.fixtures.BRPs {
		for _, k := range b.APIKeys {
			lines = append(lines, fmt.Sprintf("X-Api-Key: %s  brp=%s  scopes=%s", k.Key, b.ID, strings.Join(k.Scopes, ",")))
		}
	}
	for _, id := range a.order {
		rec := a.seed[id].unpack()
		c := rec.Customer
		bg := "no balance group"
		if c.BalanceGroup != nil {
			bg = c.BalanceGroup.EIC + "/" + c.BalanceGroup.TSO
		}
		lines = append(lines, fmt.Sprintf("customer %s  %-11s  brp=%s  %s  (%s)", c.ID, c.Status, rec.BRP, bg, c.Name))
	}
	return lines
}
