package otark

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/pb33f/libopenapi-validator/config"

	"github.com/gridtwin/gridtwin/conformance/suite"
	"github.com/gridtwin/gridtwin/specs"
)

// The otark read checks: Otark's public reference documents GET
// /v1/customers/{customer_id} and GET /v1/customers beside the seed's PATCH.
// They are beyond the seed, so a server without them skips these checks.

const noReads = "the server does not serve otark's read endpoints"

// otarkList is the answer of GET /v1/customers.
type otarkList struct {
	Customers  []otarkCustomer `json:"customers"`
	Pagination struct {
		Limit   *int  `json:"limit"`
		HasMore *bool `json:"has_more"`
	} `json:"pagination"`
}

// readClients holds, per Env, a copy of the otark client that validates
// against specs.OtarkReads: the seed's document stays verbatim and knows
// no GET, so the reads are judged by the document that describes them.
var readClients = struct {
	sync.Mutex
	m map[*suite.Env]*suite.Client
}{m: map[*suite.Env]*suite.Client{}}

func (o otark) readClient() *suite.Client {
	GinkgoHelper()
	readClients.Lock()
	defer readClients.Unlock()
	if c, ok := readClients.m[o.e]; ok {
		return c
	}
	doc, err := specs.Load(specs.OtarkReads, config.WithFormatAssertions())
	if err != nil {
		suite.CouldNotRun(fmt.Sprintf("loading the %s OpenAPI document: %v", specs.OtarkReads, err))
	}
	reconstructed, err := specs.Reconstructed(specs.OtarkReads)
	if err != nil {
		suite.CouldNotRun(err.Error())
	}
	// The copy shares health and schema findings: the server is one server.
	c := *o.e.Client
	c.Spec, c.Reconstructed = doc, reconstructed
	readClients.m[o.e] = &c
	return &c
}

// get sends a GET with the configured key unless header overrides it.
func (o otark) get(path string, header ...http.Header) *suite.Exchange {
	GinkgoHelper()
	r := suite.Request{Method: http.MethodGet, Path: path}
	if len(header) > 0 {
		r.Header = header[0]
	}
	return o.readClient().Do(r)
}

// requireReads skips the check when the server has no GET on the
// customer path. The probe is sent unvalidated: a 405 is no answer either
// document describes, and a server beyond the seed only is not at fault.
func (o otark) requireReads() {
	GinkgoHelper()
	probe := *o.e.Client
	probe.Spec = nil
	x := probe.Do(suite.Request{Method: http.MethodGet, Path: customerPath(o.cfg().CustomerID)})
	switch x.Status() {
	case http.StatusMethodNotAllowed, http.StatusNotImplemented:
		Skip(noReads)
	case http.StatusNotFound:
		var p struct {
			Type string `json:"type"`
		}
		if x.MediaType() != "application/problem+json" || json.Unmarshal(x.Body, &p) != nil || p.Type != otarkErrorBase+"customer_not_found" {
			Skip(noReads)
		}
	}
}

// listPage sends GET /v1/customers with the given query.
func (o otark) listPage(q url.Values, header ...http.Header) (otarkList, *suite.Exchange) {
	GinkgoHelper()
	path := "/v1/customers"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	x := o.get(path, header...)
	Expect(x.Status()).To(Equal(http.StatusOK), x.Explain("expected 200 with a page of customers"))
	var l otarkList
	x.DecodeJSON(&l)
	Expect(l.Pagination.Limit).NotTo(BeNil(), x.Explain("the page carries pagination.limit"))
	Expect(l.Pagination.HasMore).NotTo(BeNil(), x.Explain("the page carries pagination.has_more"))
	return l, x
}

// maxPages bounds the walk: a server whose has_more never turns false
// must not keep the suite forever.
const maxPages = 1000

func otarkReadChecks(e *suite.Env) {
	o := otark{e}
	Describe("read endpoints", func() {
		BeforeEach(o.requireReads)

		It("should answer GET with the customer the last PATCH returned", suite.Rule("read-after-patch"), suite.Documented, func() {
			id := o.cfg().CustomerID
			before := o.mustPreserve(id)
			px := o.patch(id, map[string]any{"metadata": map[string]any{probeA: "read back"}})
			patched := expectCustomer(px)
			Expect(patched.Metadata).To(Equal(withMetadata(before.Metadata, map[string]any{probeA: "read back"})), px.Explain("the metadata after the PATCH"))
			x := o.get(customerPath(id))
			Expect(x.Status()).To(Equal(http.StatusOK), x.Explain("expected 200 with the customer"))
			Expect(customerOf(x)).To(Equal(patched), x.Explain("GET must answer the customer exactly as the last PATCH returned it"))
		})

		It("should let a key with customers:read only read and list", suite.Rule("read-scope"), suite.Documented, func() {
			key := o.cfg().APIKeyReadOnly
			suite.Need(key, "otark.api_key_read_only")
			h := http.Header{"X-Api-Key": {key}}
			id := o.cfg().CustomerID
			x := o.get(customerPath(id), h)
			Expect(x.Status()).To(Equal(http.StatusOK), x.Explain("customers:read suffices for GET /v1/customers/{customer_id}"))
			Expect(customerOf(x).ID).To(Equal(id), x.Explain("the customer's id"))
			o.listPage(url.Values{"limit": {"1"}}, h)
		})

		It("should answer 404 customer_not_found on GET for another BRP's customer", suite.Rule("read-tenancy"), suite.Documented, func() {
			id := o.cfg().ForeignCustomerID
			suite.Need(id, "otark.foreign_customer_id")
			x := o.get(customerPath(id))
			expectProblem(x, http.StatusNotFound, "customer_not_found", "Customer Not Found")
		})

		It("should visit each of the key's customers once when paging with limit and after", suite.Rule("list-paging"), suite.Documented, func() {
			o.checkPaging()
		})

		DescribeTable("should answer at most limit customers and echo the limit", suite.Rule("list-limit"), suite.Documented,
			func(limit int) {
				l, x := o.listPage(url.Values{"limit": {strconv.Itoa(limit)}})
				Expect(len(l.Customers)).To(BeNumerically("<=", limit), x.Explain("at most %d customers", limit))
				Expect(*l.Pagination.Limit).To(Equal(limit), x.Explain("pagination.limit echoes the limit asked for"))
			},
			Entry("limit 1", 1),
			Entry("limit 2", 2),
			Entry("limit 100", 100),
		)
	})
}

// checkPaging walks the list with pages of one customer, so that even a
// BRP with two customers needs the cursor.
func (o otark) checkPaging() {
	GinkgoHelper()
	seen := map[string]bool{}
	q := url.Values{"limit": {"1"}}
	for page := 0; ; page++ {
		if page == maxPages {
			Fail(fmt.Sprintf("%s: has_more was still true after %d pages of one customer", suite.CurrentRule(), maxPages))
		}
		l, x := o.listPage(q)
		Expect(len(l.Customers)).To(BeNumerically("<=", 1), x.Explain("at most limit=1 customers"))
		for _, c := range l.Customers {
			Expect(seen).NotTo(HaveKey(c.ID), x.Explain("customer %s was already on an earlier page", c.ID))
			seen[c.ID] = true
			if f := o.cfg().ForeignCustomerID; f != "" {
				Expect(c.ID).NotTo(Equal(f), x.Explain("another BRP's customer %s must never be listed", f))
			}
		}
		if !*l.Pagination.HasMore {
			for _, id := range []string{o.cfg().CustomerID, o.cfg().ActiveCustomerID, o.cfg().PendingCustomerID} {
				if id != "" {
					Expect(seen).To(HaveKey(id), x.Explain("the walk ended without customer %s, one of the key's", id))
				}
			}
			return
		}
		Expect(l.Customers).NotTo(BeEmpty(), x.Explain("a page with has_more true must carry a customer to continue after"))
		q.Set("after", l.Customers[len(l.Customers)-1].ID)
	}
}
