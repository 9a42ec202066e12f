// Package esmart mocks the eSmart Systems customer API, an ASP.NET Web API 2
// service: PATCH and GET api/customers/{customerId} behind HTTP Basic auth
// (docs/contract.md, esmart). The model is bound as Json.NET binds it
// (binding.go), the phone and e-mail rules come from specs/esmart.yaml
// (rules.go), and errors are ASP.NET's HttpError (modelstate.go).
package esmart

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/gridtwin/gridtwin/mock/store"
	"github.com/gridtwin/gridtwin/specs"
)

// Options tune the mock. There is nothing to tune yet; the type keeps the
// constructor's signature the same as the other vendors'.
type Options struct{}

// API is the mocked eSmart API. Its state (the customers) lives in the
// store, per session.
type API struct {
	users     map[string]*user // by username; fixed after New
	model     *model
	rules     *rules
	customers *store.Table[Customer]
	// solo is the session of a handler called outside the server (a
	// benchmark on the bare router): the server always opens one.
	solo store.Session
}

// New loads esmart.yaml from fsys and builds the binding table and rule
// validator from specs/esmart.yaml, once.
func New(fsys fs.FS, _ Options) (*API, error) {
	doc, err := specs.Load(specs.Esmart)
	if err != nil {
		return nil, err
	}
	v3, err := doc.Doc.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("build model: %w", err)
	}
	proxy := v3.Model.Components.Schemas.GetOrZero("CustomerResponse")
	if proxy == nil || proxy.Schema() == nil {
		return nil, fmt.Errorf("specs/esmart.yaml has no CustomerResponse schema")
	}
	schema := proxy.Schema()
	m, err := modelFromSchema("CustomerResponse", schema)
	if err != nil {
		return nil, err
	}
	users, err := loadFixtures(fsys)
	if err != nil {
		return nil, err
	}
	rs, err := newRules(schema)
	if err != nil {
		return nil, err
	}
	a := &API{users: map[string]*user{}, model: m, rules: rs}
	initial := map[string]Customer{}
	for i := range users {
		u := &users[i]
		if err := a.rules.validateFixture(u.Customer); err != nil {
			return nil, fmt.Errorf("esmart.yaml: %w", err)
		}
		a.users[u.Username] = u
		initial[customerKey(u.Customer.CustomerID)] = u.Customer.clone()
	}
	a.customers = store.NewTable("esmart.customers", initial)
	a.solo, _ = store.NewMemory(store.Options{}).Open(context.Background(), store.DefaultSession)
	return a, nil
}

func (a *API) Name() string { return "esmart" }

func (a *API) Register(r *mux.Router) {
	r.MatcherFunc(matchCustomerRoute).Handler(http.HandlerFunc(a.serveCustomer))
	// After the customer route, so that it only catches what that misses.
	r.MatcherFunc(matchUnderCustomers).HandlerFunc(noResource)
}

// State is every customer of the session with its owner's username, by
// customer id.
func (a *API) State(ctx context.Context, sess store.Session) (any, error) {
	owners := map[int32]string{}
	for name, u := range a.users {
		owners[u.customerID] = name
	}
	type entry struct {
		Username string   `json:"username"`
		Customer Customer `json:"customer"`
	}
	customers, err := a.customers.All(ctx, sess)
	if err != nil {
		return nil, err
	}
	out := make([]entry, 0, len(customers))
	for _, c := range customers {
		out = append(out, entry{Username: owners[c.CustomerID], Customer: c.clone()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Customer.CustomerID < out[j].Customer.CustomerID })
	return map[string]any{"customers": out}, nil
}

// WriteError answers a failure of the mock itself (a fault, a bad session
// name, an unavailable store) as Web API answers an error: an HttpError
// {"Message": message}. Without a message (Prefer: code=NNN) it is Web
// API's own answer for that status, headers and empty bodies included.
func (a *API) WriteError(w http.ResponseWriter, r *http.Request, status int, message string) {
	if message != "" {
		writeError(w, r, status, message)
		return
	}
	switch status {
	case http.StatusBadRequest:
		writeError(w, r, status, msgInvalidRequest)
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Basic realm="`+realm+`"`)
		writeError(w, r, status, msgDenied)
	case http.StatusNotFound, http.StatusRequestEntityTooLarge:
		w.WriteHeader(status) // Web API answers both without a body
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", "GET, PATCH")
		writeError(w, r, status, fmt.Sprintf("The requested resource does not support http method '%s'.", r.Method))
	case http.StatusUnsupportedMediaType:
		writeError(w, r, status, "The request entity's media type 'text/plain' is not supported for this resource.")
	default:
		writeError(w, r, status, http.StatusText(status))
	}
}

// Specs names the OpenAPI document of the twin's operations.
func (a *API) Specs() []string { return []string{specs.Esmart} }

// session is the request's session; a handler called outside the server
// has none and uses the API's own.
func (a *API) session(r *http.Request) store.Session {
	if s := store.FromContext(r.Context()); s != nil {
		return s
	}
	return a.solo
}

func (a *API) Credentials() []string {
	names := make([]string, 0, len(a.users))
	for name := range a.users {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return a.users[names[i]].customerID < a.users[names[j]].customerID })
	lines := []string{"HTTP Basic auth; each user may read and PATCH only their own customer:"}
	for _, name := range names {
		u := a.users[name]
		lines = append(lines, fmt.Sprintf("username %s  password %s  customer %d  (PATCH /api/customers/%d)",
			name, u.Password, u.customerID, u.customerID))
	}
	return lines
}

// customerKey keys a customer in the store.
func customerKey(id int32) string { return strconv.FormatInt(int64(id), 10) }

// update applies the non-empty changes (nil: none, a read) to customer id
// if owner owns it, in one atomic step, and returns the result. A user owns
// only their own customer, so any other id is answered as if it did not
// exist.
func (a *API) update(ctx context.Context, sess store.Session, owner, id int32, changes map[string]string) (Customer, bool, error) {
	if id != owner {
		return Customer{}, false, nil
	}
	if changes == nil {
		c, ok, err := a.customers.Get(ctx, sess, customerKey(id))
		return c.clone(), ok, err
	}
	c, err := a.customers.Update(ctx, sess, customerKey(id), func(c Customer) (Customer, error) {
		c = c.clone()
		setIfGiven(&c.Email, changes["Email"])
		setIfGiven(&c.MobileNumber, changes["MobileNumber"])
		setIfGiven(&c.PhoneNumber, changes["PhoneNumber"])
		return c, nil
	})
	if errors.Is(err, store.ErrNotFound) {
		return Customer{}, false, nil
	}
	return c, err == nil, err
}

// setIfGiven applies one change; "" (also what a null or absent property
// leaves) keeps the stored value.
func setIfGiven(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}
