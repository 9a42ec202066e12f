package otark

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// The reads of Otark's public reference, beside the seed's PATCH; their
// OpenAPI document is specs/otark-reads.yaml.
const (
	scopeRead     = "customers:read"
	customersPath = "/v1/customers"
)

// listQuery is a validated GET /v1/customers query.
type listQuery struct {
	status, search, after string
	limit                 int
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

// listBody is the list's answer: one page and whether more follow.
func listBody(page []Customer, limit int, more bool) []byte {
	b := make([]byte, 0, 64+384*len(page))
	b = append(b, `{"customers":[`...)
	for i, c := range page {
		if i > 0 {
			b = append(b, ',')
		}
		b = c.appendJSON(b)
	}
	b = append(b, `],"pagination":{"limit":`...)
	b = strconv.AppendInt(b, int64(limit), 10)
	b = append(b, `,"has_more":`...)
	b = strconv.AppendBool(b, more)
	return append(b, "}}"...)
}
