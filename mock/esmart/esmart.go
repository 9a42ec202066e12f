// Package esmart mocks the eSmart Systems customer API, an ASP.NET Web API 2
// service: PATCH and GET api/customers/{customerId} behind HTTP Basic auth
// (CONTRACT.md section 3). The model is bound as Json.NET binds it
// (binding.go), the phone and e-mail rules come from specs/esmart.yaml
// (rules.go), and errors are ASP.NET's HttpError (modelstate.go).
package esmart

import (
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"sync"

	"github.com/gorilla/mux"
	"github.com/gridtwin/gridtwin/specs"
)

// Options tune the mock. There is nothing to tune yet; the type keeps the
// constructor's signature the same as the other vendors'.
type Options struct{}

// API is the mocked eSmart API.
type API struct {
	users map[string]*user // by username; fixed after New
	model *model
	rules *rules
	store *store
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
	var initial []Customer
	for i := range users {
		u := &users[i]
		if err := a.rules.validateFixture(u.Customer); err != nil {
			return nil, fmt.Errorf("esmart.yaml: %w", err)
		}
		a.users[u.Username] = u
		initial = append(initial, u.Customer)
	}
	a.store = newStore(initial)
	return a, nil
}

func (a *API) Name() string { return "esmart" }

func (a *API) Register(r *mux.Router) {
	r.MatcherFunc(matchCustomerRoute).Handler(http.HandlerFunc(a.serveCustomer))
	// After the customer route, so that it only catches what that misses.
	r.MatcherFunc(matchUnderCustomers).HandlerFunc(noResource)
}

func (a *API) Reset() { a.store.reset() }

// State is every customer with its owner's username, by customer id.
func (a *API) State() any {
	owners := map[int32]string{}
	for name, u := range a.users {
		owners[u.customerID] = name
	}
	type entry struct {
		Username string   `json:"username"`
		Customer Customer `json:"customer"`
	}
	customers := a.store.snapshot()
	out := make([]entry, 0, len(customers))
	for _, c := range customers {
		out = append(out, entry{Username: owners[c.CustomerID], Customer: c})
	}
	return map[string]any{"customers": out}
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

// store holds the customers; one mutex, as each request touches one
// customer briefly.
type store struct {
	mu        sync.Mutex
	initial   []Customer
	customers map[int32]*Customer
}

func newStore(initial []Customer) *store {
	s := &store{initial: initial}
	s.reset()
	return s
}

func (s *store) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.customers = make(map[int32]*Customer, len(s.initial))
	for _, c := range s.initial {
		c := c.clone()
		s.customers[c.CustomerID] = &c
	}
}

// update applies the non-empty changes to customer id if owner owns it, and
// returns a copy of the result. A user owns only their own customer, so any
// other id is answered as if it did not exist.
func (s *store) update(owner, id int32, changes map[string]string) (Customer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.customers[id]
	if !ok || id != owner {
		return Customer{}, false
	}
	setIfGiven(&c.Email, changes["Email"])
	setIfGiven(&c.MobileNumber, changes["MobileNumber"])
	setIfGiven(&c.PhoneNumber, changes["PhoneNumber"])
	return c.clone(), true
}

func (s *store) snapshot() []Customer {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Customer, 0, len(s.customers))
	for _, c := range s.customers {
		out = append(out, c.clone())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CustomerID < out[j].CustomerID })
	return out
}

// setIfGiven applies one change; "" (also what a null or absent property
// leaves) keeps the stored value.
func setIfGiven(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}
