package otark

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/gorilla/mux"
)

// The reads of Otark's public reference, beside the seed's PATCH; their
// OpenAPI document is specs/otark-reads.yaml.
const (
	scopeRead     = "customers:read"
	customersPath = "/v1/customers"
)

// getCustomer answers GET /v1/customers/{customer_id}: the customer as the
// last PATCH left it; another BRP's customer is as invisible as one that
// does not exist.
func (a *API) getCustomer(w http.ResponseWriter, r *http.Request) {
	key, sess, ok := a.admit(w, r, scopeRead)
	if !ok {
		return
	}
	rec, found, err := a.customers.Get(r.Context(), sess, mux.Vars(r)["customer_id"])
	if err != nil {
		a.writeStoreError(w, r, err)
		return
	}
	if !found || rec.BRP != key.brp.id {
		answerProblem(w, r, errCustomerNotFound.problem(r, ""))
		return
	}
	writeCustomer(w, rec.Customer)
}

// listQuery is a validated GET /v1/customers query.
type listQuery struct {
	status, search, after string
	limit                 int
}

// customerList is the list's answer.
type customerList struct {
	Customers  []Customer `json:"customers"`
	Pagination pagination `json:"pagination"`
}

type pagination struct {
	Limit   int  `json:"limit"`
	HasMore bool `json:"has_more"`
}

// listCustomers answers GET /v1/customers: a page of the key's BRP's
// customers in id order, after the cursor, filtered by status and search.
func (a *API) listCustomers(w http.ResponseWriter, r *http.Request) {
	key, sess, ok := a.admit(w, r, scopeRead)
	if !ok {
		return
	}
	values, fieldErrs := a.listValidator.validate(r.URL.Query())
	if len(fieldErrs) > 0 {
		p := errValidation.problem(r, "")
		p.Errors = fieldErrs
		answerProblem(w, r, p)
		return
	}
	q := listQuery{limit: int(values["limit"].(float64))}
	q.status, _ = values["status"].(string)
	q.search, _ = values["search"].(string)
	q.after, _ = values["after"].(string)
	all, err := a.customers.All(r.Context(), sess)
	if err != nil {
		a.writeStoreError(w, r, err)
		return
	}
	page, more := selectPage(all, key.brp.id, q)
	body, err := json.Marshal(customerList{Customers: page, Pagination: pagination{Limit: q.limit, HasMore: more}})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

// selectPage picks the page of brpID's customers that q asks for, and
// whether more match after it. A cursor that is no customer of the BRP
// answers an empty page rather than starting over.
func selectPage(all map[string]customerRecord, brpID string, q listQuery) ([]Customer, bool) {
	var own []Customer
	cursorKnown := q.after == ""
	for _, rec := range all {
		if rec.BRP != brpID {
			continue
		}
		cursorKnown = cursorKnown || rec.Customer.ID == q.after
		if rec.Customer.ID > q.after && q.matches(rec.Customer) {
			own = append(own, rec.Customer)
		}
	}
	page := []Customer{}
	if !cursorKnown {
		return page, false
	}
	slices.SortFunc(own, func(x, y Customer) int { return cmp.Compare(x.ID, y.ID) })
	for _, c := range own[:min(q.limit, len(own))] {
		page = append(page, c.clone())
	}
	return page, len(own) > q.limit
}

// matches applies the status filter and the search: a case-insensitive
// substring of the name or of any metadata value.
func (q listQuery) matches(c Customer) bool {
	if q.status != "" && c.Status != q.status {
		return false
	}
	if q.search == "" {
		return true
	}
	needle := strings.ToLower(q.search)
	if strings.Contains(strings.ToLower(c.Name), needle) {
		return true
	}
	for _, v := range c.Metadata {
		if strings.Contains(strings.ToLower(v), needle) {
			return true
		}
	}
	return false
}

// writeCustomer answers 200 with one customer.
func writeCustomer(w http.ResponseWriter, c Customer) {
	// Called directly: json.Marshal would re-scan and compact what
	// MarshalJSON returns, a seventh of the whole request in the profile.
	body, err := c.MarshalJSON()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}
