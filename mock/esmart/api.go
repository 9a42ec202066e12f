// Package esmart mocks the eSmart Systems customer API, an ASP.NET Web API 2
// service: PATCH and GET api/customers/{customerId} behind HTTP Basic auth
// (docs/contract.md, esmart). The model is bound as Json.NET binds it,
// the phone and e-mail rules come from specs/esmart.yaml, and errors are
// ASP.NET's HttpError.
//
// Every vendor package has the same five files: api.go (the API type, its
// constructor and routes), fixtures.go (fixture loading), handlers.go (the
// HTTP handlers), rules.go (the contract's rules and the journal's rule
// names) and errors.go (the vendor's error dialect, here Web API 2's HttpError with Message and ModelState).
// Beside them, only what is esmart's own: binding.go (Json.NET's model
// binding).
package esmart

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
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

// Customer is the CustomerResponse model. Fields are in the help page's order,
// which is the order ASP.NET serialises them in.
type Customer struct {
	Address                     *Address `json:"Address" yaml:"Address"`
	BirthDate                   string   `json:"BirthDate" yaml:"BirthDate"`
	CustomerID                  int32    `json:"CustomerId" yaml:"CustomerId"`
	CustomerType                string   `json:"CustomerType" yaml:"CustomerType"`
	Email                       string   `json:"Email" yaml:"Email"`
	FirstName                   string   `json:"FirstName" yaml:"FirstName"`
	IsBroadbandCustomer         bool     `json:"IsBroadbandCustomer" yaml:"IsBroadbandCustomer"`
	IsDistrictHeatingCustomer   bool     `json:"IsDistrictHeatingCustomer" yaml:"IsDistrictHeatingCustomer"`
	IsNetCustomer               bool     `json:"IsNetCustomer" yaml:"IsNetCustomer"`
	IsPowerCustomer             bool     `json:"IsPowerCustomer" yaml:"IsPowerCustomer"`
	LastName                    string   `json:"LastName" yaml:"LastName"`
	MobileNumber                string   `json:"MobileNumber" yaml:"MobileNumber"`
	OrganizationNo              string   `json:"OrganizationNo" yaml:"OrganizationNo"`
	PhoneNumber                 string   `json:"PhoneNumber" yaml:"PhoneNumber"`
	Pin                         string   `json:"Pin" yaml:"Pin"`
	RequiresProfileConfirmation bool     `json:"RequiresProfileConfirmation" yaml:"RequiresProfileConfirmation"`
}

// Address is the ElwAddress model.
type Address struct {
	AddressText string `json:"AddressText" yaml:"AddressText"`
	City        string `json:"City" yaml:"City"`
	CoAddress   string `json:"CoAddress" yaml:"CoAddress"`
	CountryCode string `json:"CountryCode" yaml:"CountryCode"`
	Entrance    string `json:"Entrance" yaml:"Entrance"`
	Floor       string `json:"Floor" yaml:"Floor"`
	HouseLetter string `json:"HouseLetter" yaml:"HouseLetter"`
	HouseNo     string `json:"HouseNo" yaml:"HouseNo"`
	IsEditable  bool   `json:"IsEditable" yaml:"IsEditable"`
	POBox       int32  `json:"POBox" yaml:"POBox"`
	ZipCode     string `json:"ZipCode" yaml:"ZipCode"`
}

// MarshalJSON writes the customer as appendJSON does, so that every path
// that encodes one (the admin state, a store keeping JSON) agrees with the
// answers.
func (c Customer) MarshalJSON() ([]byte, error) {
	return c.appendJSON(make([]byte, 0, 640)), nil
}

// appendJSON writes the customer by hand, in the order of its fields, as
// encoding/json does: through reflection it was a tenth of a PATCH's
// handler. Strings are written as encoding/json writes them, raw invalid
// UTF-8 from a body included.
func (c Customer) appendJSON(b []byte) []byte {
	b = append(b, `{"Address":`...)
	if c.Address == nil {
		b = append(b, "null"...)
	} else {
		b = c.Address.appendJSON(b)
	}
	b = appendMember(b, `,"BirthDate":`, c.BirthDate)
	b = strconv.AppendInt(append(b, `,"CustomerId":`...), int64(c.CustomerID), 10)
	b = appendMember(b, `,"CustomerType":`, c.CustomerType)
	b = appendMember(b, `,"Email":`, c.Email)
	b = appendMember(b, `,"FirstName":`, c.FirstName)
	b = strconv.AppendBool(append(b, `,"IsBroadbandCustomer":`...), c.IsBroadbandCustomer)
	b = strconv.AppendBool(append(b, `,"IsDistrictHeatingCustomer":`...), c.IsDistrictHeatingCustomer)
	b = strconv.AppendBool(append(b, `,"IsNetCustomer":`...), c.IsNetCustomer)
	b = strconv.AppendBool(append(b, `,"IsPowerCustomer":`...), c.IsPowerCustomer)
	b = appendMember(b, `,"LastName":`, c.LastName)
	b = appendMember(b, `,"MobileNumber":`, c.MobileNumber)
	b = appendMember(b, `,"OrganizationNo":`, c.OrganizationNo)
	b = appendMember(b, `,"PhoneNumber":`, c.PhoneNumber)
	b = appendMember(b, `,"Pin":`, c.Pin)
	b = strconv.AppendBool(append(b, `,"RequiresProfileConfirmation":`...), c.RequiresProfileConfirmation)
	return append(b, '}')
}

func (a Address) appendJSON(b []byte) []byte {
	b = appendMember(b, `{"AddressText":`, a.AddressText)
	b = appendMember(b, `,"City":`, a.City)
	b = appendMember(b, `,"CoAddress":`, a.CoAddress)
	b = appendMember(b, `,"CountryCode":`, a.CountryCode)
	b = appendMember(b, `,"Entrance":`, a.Entrance)
	b = appendMember(b, `,"Floor":`, a.Floor)
	b = appendMember(b, `,"HouseLetter":`, a.HouseLetter)
	b = appendMember(b, `,"HouseNo":`, a.HouseNo)
	b = strconv.AppendBool(append(b, `,"IsEditable":`...), a.IsEditable)
	b = strconv.AppendInt(append(b, `,"POBox":`...), int64(a.POBox), 10)
	b = appendMember(b, `,"ZipCode":`, a.ZipCode)
	return append(b, '}')
}

// appendMember appends a member's key (with its separator) and string value.
func appendMember(b []byte, key, value string) []byte {
	return jsonparse.AppendStdString(append(b, key...), value)
}

// clone returns a copy that shares no memory with c, so a snapshot handed out
// of the store cannot be changed by a later PATCH.
func (c Customer) clone() Customer {
	if c.Address != nil {
		a := *c.Address
		c.Address = &a
	}
	return c
}

// ASP.NET routing compares literal segments case-insensitively and ignores a
// trailing slash; gorilla/mux templates do neither, hence a matcher.

// customerIDSegment returns the {customerId} segment of a path matching
// api/customers/{customerId}.
func customerIDSegment(path string) (string, bool) {
	path = strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/")
	api, rest, ok := strings.Cut(path, "/")
	if !ok || !strings.EqualFold(api, "api") {
		return "", false
	}
	customers, id, ok := strings.Cut(rest, "/")
	if !ok || !strings.EqualFold(customers, "customers") || id == "" || strings.Contains(id, "/") {
		return "", false
	}
	return id, true
}

func matchCustomerRoute(r *http.Request, _ *mux.RouteMatch) bool {
	_, ok := customerIDSegment(r.URL.Path)
	return ok
}

// underCustomers reports whether path is api/customers or below it, in any
// case: the part of the URL space that is ASP.NET's, where a path no route
// matches is answered by Web API rather than by another vendor.
func underCustomers(path string) bool {
	api, rest, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	customers, _, _ := strings.Cut(rest, "/")
	return strings.EqualFold(api, "api") && strings.EqualFold(customers, "customers")
}

func matchUnderCustomers(r *http.Request, _ *mux.RouteMatch) bool {
	return underCustomers(r.URL.Path)
}

// noResource is Web API's answer when no route matches (HttpRoutingDispatcher),
// whatever the method and before authentication. Its MessageDetail ("No
// route data was found for this request.", or the action selector's "No
// action was found on the controller 'Customers' ...") goes only to local
// clients under the default error-detail policy, so a remote client, which
// is what a twin stands in for, sees the Message alone.
func noResource(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	writeError(w, r, http.StatusNotFound, fmt.Sprintf(
		"No HTTP resource was found that matches the request URI '%s://%s%s'.", scheme, r.Host, r.URL.RequestURI()))
}
