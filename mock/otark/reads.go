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

// page gathers, from every customer of the session, the page of brpID's
// customers that q asks for, and whether more match after it. A cursor
// that is no customer of the BRP answers an empty page rather than
// starting over.
type page struct {
	brpID       string
	q           listQuery
	matching    []record
	cursorKnown bool
}

func newPage(brpID string, q listQuery) *page {
	return &page{brpID: brpID, q: q, cursorKnown: q.after == ""}
}

func (p *page) consider(_ string, rec record) {
	if rec.brp() != p.brpID {
		return
	}
	id := rec.id()
	p.cursorKnown = p.cursorKnown || id == p.q.after
	if id > p.q.after && p.q.matches(rec) {
		p.matching = append(p.matching, rec)
	}
}

// result is the page, sorted by id, and whether more follow.
func (p *page) result() ([]record, bool) {
	if !p.cursorKnown {
		return nil, false
	}
	slices.SortFunc(p.matching, func(x, y record) int { return cmp.Compare(x.id(), y.id()) })
	return p.matching[:min(p.q.limit, len(p.matching))], len(p.matching) > p.q.limit
}

// matches applies the status filter and the search: a case-insensitive
// substring of the name or of any metadata value.
func (q listQuery) matches(rec record) bool {
	if q.status != "" && rec.status() != q.status {
		return false
	}
	if q.search == "" {
		return true
	}
	needle := strings.ToLower(q.search)
	if strings.Contains(strings.ToLower(rec.name()), needle) {
		return true
	}
	for i := range rec.pairs() {
		if strings.Contains(strings.ToLower(rec.pair(i).Value), needle) {
			return true
		}
	}
	return false
}

// listBody is the list's answer: one page and whether more follow.
func listBody(page []record, limit int, more bool) []byte {
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
