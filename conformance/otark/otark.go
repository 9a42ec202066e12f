// Package otark holds the conformance checks of the Otark BRP API and the
// otark section of the target file; Register adds them to the suite.
package otark

import (
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/gridtwin/gridtwin/conformance/suite"
	"github.com/gridtwin/gridtwin/specs"
)

// The otark checks: docs/contract.md, otark, PATCH /v1/customers/{customer_id}.
// The seed has no GET (the reads, beyond it, are in otark_reads.go and
// may be absent), so state is read with PATCH {} (documented to change
// nothing and to return the whole customer).

// Register adds the otark checks and the otark section of the target file
// to the suite.
func Register() {
	suite.RegisterAPI(suite.API{
		Name:        "otark",
		Spec:        specs.Otark,
		Title:       "Otark BRP API, PATCH /v1/customers/{customer_id}",
		Section:     func() suite.Section { return &Target{} },
		Destructive: "activating pending_customer_id",
		Configure: func(s suite.Section, c *suite.Client) {
			t := s.(*Target)
			c.Header = http.Header{"X-Api-Key": {t.APIKey}}
			c.Secrets = t.Secrets()
		},
		Checks: func(e *suite.Env) {
			otarkChecks(e)
			otarkReadChecks(e)
		},
	})
}

const (
	otarkErrorBase = "https://brp.otark.team/errors/"
	// Probe keys are the suite's own metadata keys; the cleanup removes them.
	probeA = "gridtwin_conformance_a"
	probeB = "gridtwin_conformance_b"
	// unknownKey and unknownCustomer can exist on no server.
	unknownKey      = "gridtwin-conformance-unknown-key"
	unknownCustomer = "cust_gridtwin_conformance_unknown"
	unknownField    = "gridtwin_unknown_field"
)

// otarkCustomer is the spec's Customer, as the checks compare it.
type otarkCustomer struct {
	ID           string            `json:"id"`
	Name         string            `json:"name"`
	Status       string            `json:"status"`
	BalanceGroup *BalanceGroup     `json:"balance_group"`
	Metadata     map[string]string `json:"metadata"`
	AssignedAt   string            `json:"assigned_at"`
	CreatedAt    string            `json:"created_at"`
	ActivatedAt  *string           `json:"activated_at"`
}

// otark wraps the Env with the otark vocabulary the checks are written in.
type otark struct{ e *suite.Env }

func (o otark) cfg() *Target { return Config(o.e.Target) }

func customerPath(id string) string { return "/v1/customers/" + url.PathEscape(id) }

// patch sends PATCH /v1/customers/{id} with the configured key unless
// header overrides it (an empty value removes it).
func (o otark) patch(id string, body any, header ...http.Header) *suite.Exchange {
	GinkgoHelper()
	r := suite.Request{Method: http.MethodPatch, Path: customerPath(id), Body: body}
	if len(header) > 0 {
		r.Header = header[0]
	}
	return o.e.Client.Do(r)
}

// customer decodes a 200 answer.
func customerOf(x *suite.Exchange) otarkCustomer {
	GinkgoHelper()
	var c otarkCustomer
	x.DecodeJSON(&c)
	// Instants are compared as instants: a server may spell the same one
	// differently from one answer to the next.
	c.AssignedAt, c.CreatedAt = suite.CanonicalInstant(c.AssignedAt), suite.CanonicalInstant(c.CreatedAt)
	if c.ActivatedAt != nil {
		at := suite.CanonicalInstant(*c.ActivatedAt)
		c.ActivatedAt = &at
	}
	return c
}

// expectCustomer asserts a 200 with a customer and decodes it.
func expectCustomer(x *suite.Exchange) otarkCustomer {
	GinkgoHelper()
	Expect(x.Status()).To(Equal(http.StatusOK), x.Explain("expected 200 with the updated customer"))
	return customerOf(x)
}

// mustRead returns the customer as the server has it, via PATCH {}. A read
// that does not answer 200 is a precondition the target file promised (the
// customer exists, the key works), so the check could not run.
func (o otark) mustRead(id string) otarkCustomer {
	GinkgoHelper()
	c, _ := o.mustReadX(id)
	return c
}

// mustReadX is mustRead that also returns the exchange, for assertions about what
// was read back.
func (o otark) mustReadX(id string) (otarkCustomer, *suite.Exchange) {
	GinkgoHelper()
	x := o.patch(id, "{}")
	if x.Status() != http.StatusOK {
		suite.CouldNotRun(x.Explanation("reading customer " + id + " with PATCH {} did not answer 200; check the target file's ids and api_key"))
	}
	return customerOf(x), x
}

// mustPreserve reads the customer and registers a cleanup that puts its
// metadata and balance group back, whatever the check does to them.
func (o otark) mustPreserve(id string) otarkCustomer {
	GinkgoHelper()
	before := o.mustRead(id)
	o.e.Client.Preserve("restoring metadata and balance group of "+id, func() { o.restore(id, before) })
	return before
}

func (o otark) restore(id string, before otarkCustomer) {
	GinkgoHelper()
	now := o.mustRead(id)
	body := map[string]any{}
	md := map[string]any{}
	for k := range now.Metadata {
		if _, kept := before.Metadata[k]; !kept {
			md[k] = nil
		}
	}
	for k, v := range before.Metadata {
		if got, ok := now.Metadata[k]; !ok || got != v {
			md[k] = v
		}
	}
	if len(md) > 0 {
		body["metadata"] = md
	}
	if !sameBalanceGroup(before.BalanceGroup, now.BalanceGroup) {
		if before.BalanceGroup == nil {
			Fail("cannot restore customer " + id + ": its balance group was null and otark has no way to unset one")
		}
		body["balance_group"] = before.BalanceGroup
	}
	if len(body) == 0 {
		return
	}
	x := o.patch(id, body)
	after := expectCustomer(x)
	Expect(after.Metadata).To(Equal(before.Metadata), x.Explain("restoring the metadata of customer %s", id))
	Expect(after.BalanceGroup).To(Equal(before.BalanceGroup), x.Explain("restoring the balance group of customer %s", id))
}

func sameBalanceGroup(a, b *BalanceGroup) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// eic is a balance group code the key's BRP uses, so that a check about
// the tso is not answered with an error about the eic.
func (o otark) eic(c otarkCustomer) string {
	switch {
	case c.BalanceGroup != nil:
		return c.BalanceGroup.EIC
	case o.cfg().BalanceGroup != nil:
		return o.cfg().BalanceGroup.EIC
	}
	return "11YSOLARDACH--A"
}

// expectProblem asserts an RFC 9457 problem of the documented class.
func expectProblem(x *suite.Exchange, status int, slug, title string) map[string]any {
	GinkgoHelper()
	Expect(x.Status()).To(Equal(status), x.Explain("expected HTTP status %d (%s)", status, slug))
	Expect(x.MediaType()).To(Equal("application/problem+json"), x.Explain("every otark error is application/problem+json (RFC 9457)"))
	p := x.JSON()
	Expect(p).To(HaveKeyWithValue("type", otarkErrorBase+slug), x.Explain("expected problem type %s%s", otarkErrorBase, slug))
	Expect(p).To(HaveKeyWithValue("title", title), x.Explain("expected problem title %q", title))
	Expect(p).To(HaveKeyWithValue("status", BeNumerically("==", status)), x.Explain("the problem's status member must equal the HTTP status"))
	return p
}

// expectInstance asserts instance = the request path. Behind a prefix a
// server may know only its own path, so both are accepted.
func expectInstance(x *suite.Exchange, p map[string]any, id string) {
	GinkgoHelper()
	Expect(p).To(HaveKeyWithValue("instance", BeElementOf(x.Path(), customerPath(id))),
		x.Explain("instance must be the request path %s", x.Path()))
}

// expectFieldError asserts a 400 validation problem with an errors[] entry
// for field with code, and a message (its wording is Zod's, not checked).
func expectFieldError(x *suite.Exchange, id, field, code string) {
	GinkgoHelper()
	p := expectProblem(x, http.StatusBadRequest, "validation", "Validation Failed")
	expectInstance(x, p, id)
	Expect(p).To(HaveKeyWithValue("errors", ContainElement(And(
		HaveKeyWithValue("field", field),
		HaveKeyWithValue("code", code),
		HaveKeyWithValue("message", And(BeAssignableToTypeOf(""), Not(BeEmpty()))),
	))), x.Explain("errors[] must hold {field: %q, code: %q, message}", field, code))
}

func withMetadata(base map[string]string, changes map[string]any) map[string]string {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]string{}
	}
	for k, v := range changes {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v.(string)
		}
	}
	return out
}

func otarkChecks(e *suite.Env) {
	o := otark{e}

	o.authenticationChecks()
	o.tenancyChecks()
	o.problemDetailsChecks()
	o.partialUpdateChecks()
	o.metadataChecks()
	o.readOnlyFieldsChecks()
	o.validationChecks()
	o.businessRulesChecks()
	o.atomicityChecks()
}

func (o otark) authenticationChecks() {
	Describe("authentication", func() {
		It("should answer 401 invalid_api_key when the X-Api-Key header is missing", suite.Rule("auth-missing-key"), suite.Documented, func() {
			x := o.patch(o.cfg().CustomerID, "{}", http.Header{"X-Api-Key": nil})
			expectProblem(x, http.StatusUnauthorized, "invalid_api_key", "Invalid API Key")
		})

		It("should answer 401 invalid_api_key when the X-Api-Key is unknown", suite.Rule("auth-unknown-key"), suite.Documented, func() {
			x := o.patch(o.cfg().CustomerID, "{}", http.Header{"X-Api-Key": {unknownKey}})
			expectProblem(x, http.StatusUnauthorized, "invalid_api_key", "Invalid API Key")
		})

		It("should answer 403 insufficient_scopes when the key lacks customers:write", suite.Rule("scope"), suite.Documented, func() {
			suite.Need(o.cfg().APIKeyWithoutWrite, "otark.api_key_without_write")
			x := o.patch(o.cfg().CustomerID, "{}", http.Header{"X-Api-Key": {o.cfg().APIKeyWithoutWrite}})
			p := expectProblem(x, http.StatusForbidden, "insufficient_scopes", "Insufficient API Key Scopes")
			Expect(p).To(HaveKeyWithValue("detail", "Missing scope: customers:write. Please create a new API key with the required scopes."),
				x.Explain("the documented detail of insufficient_scopes"))
		})
	})
}

func (o otark) tenancyChecks() {
	Describe("tenancy", func() {
		It("should answer 404 customer_not_found with instance for an unknown customer id", suite.Rule("customer-not-found"), suite.Documented, func() {
			x := o.patch(unknownCustomer, "{}")
			p := expectProblem(x, http.StatusNotFound, "customer_not_found", "Customer Not Found")
			expectInstance(x, p, unknownCustomer)
		})

		It("should answer 404 customer_not_found with instance for another BRP's customer", suite.Rule("tenancy"), suite.Documented, func() {
			id := o.cfg().ForeignCustomerID
			suite.Need(id, "otark.foreign_customer_id")
			x := o.patch(id, "{}")
			p := expectProblem(x, http.StatusNotFound, "customer_not_found", "Customer Not Found")
			expectInstance(x, p, id)
		})
	})
}

func (o otark) problemDetailsChecks() {
	Describe("problem details", func() {
		It("should answer every error as application/problem+json with type, title and status", suite.Rule("problem-details"), suite.Documented, func() {
			id := o.cfg().CustomerID
			o.mustPreserve(id)
			errorsToProvoke := []struct {
				what   string
				id     string
				body   string
				header http.Header
			}{
				{"a missing API key", id, "{}", http.Header{"X-Api-Key": nil}},
				{"an unknown customer", unknownCustomer, "{}", nil},
				{"an unknown body field", id, `{"` + unknownField + `": "x"}`, nil},
			}
			for _, tc := range errorsToProvoke {
				By("provoking an error with " + tc.what)
				var x *suite.Exchange
				if tc.header != nil {
					x = o.patch(tc.id, tc.body, tc.header)
				} else {
					x = o.patch(tc.id, tc.body)
				}
				Expect(x.Status()).To(BeNumerically(">=", 400), x.Explain("%s must be answered with an error", tc.what))
				Expect(x.MediaType()).To(Equal("application/problem+json"), x.Explain("every otark error is application/problem+json (RFC 9457)"))
				p := x.JSON()
				Expect(p).To(HaveKeyWithValue("type", HavePrefix(otarkErrorBase)), x.Explain("type is https://brp.otark.team/errors/<slug>"))
				Expect(p).To(HaveKeyWithValue("title", And(BeAssignableToTypeOf(""), Not(BeEmpty()))), x.Explain("a problem has a title"))
				Expect(p).To(HaveKeyWithValue("status", BeNumerically("==", x.Status())), x.Explain("the problem's status member equals the HTTP status"))
			}
		})
	})
}

func (o otark) partialUpdateChecks() {
	Describe("partial update", func() {
		It("should change nothing for an empty body {}", suite.Rule("empty-body-no-change"), suite.Documented, func() {
			id := o.cfg().CustomerID
			before := o.mustPreserve(id)
			By("adding a metadata key, so there is something {} could lose")
			cx := o.patch(id, map[string]any{"metadata": map[string]any{probeA: "kept"}})
			changed := expectCustomer(cx)
			Expect(changed.Metadata).To(Equal(withMetadata(before.Metadata, map[string]any{probeA: "kept"})), cx.Explain("the metadata after adding %s", probeA))
			By("sending {}")
			x := o.patch(id, "{}")
			Expect(expectCustomer(x)).To(Equal(changed), x.Explain("{} must return the customer exactly as the previous PATCH left it"))
		})

		It("should return the whole updated customer with 200", suite.Rule("success-returns-customer"), suite.Documented, func() {
			id := o.cfg().CustomerID
			before := o.mustPreserve(id)
			x := o.patch(id, map[string]any{"metadata": map[string]any{probeA: "whole"}})
			c := expectCustomer(x)
			Expect(x.MediaType()).To(Equal("application/json"), x.Explain("a customer is application/json"))
			Expect(c.ID).To(Equal(id), x.Explain("the customer's id"))
			Expect(c.Name).To(Equal(before.Name), x.Explain("the customer's name is unchanged"))
			Expect(c.Status).To(Equal(before.Status), x.Explain("the customer's status is unchanged"))
			Expect(c.CreatedAt).To(Equal(before.CreatedAt), x.Explain("created_at is unchanged"))
			Expect(c.AssignedAt).To(Equal(before.AssignedAt), x.Explain("assigned_at is unchanged"))
			Expect(c.Metadata).To(HaveKeyWithValue(probeA, "whole"), x.Explain("the update is in the answer"))
		})

		It("should send X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset on success", suite.Rule("rate-limit-headers"), suite.Documented, func() {
			x := o.patch(o.cfg().CustomerID, "{}")
			expectCustomer(x)
			values := map[string]int{}
			for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
				raw := x.Response.Header.Get(h)
				Expect(raw).NotTo(BeEmpty(), x.Explain("a 200 carries the %s header", h))
				n, err := strconv.Atoi(strings.TrimSpace(raw))
				Expect(err).NotTo(HaveOccurred(), x.Explain("%s is an integer", h))
				Expect(n).To(BeNumerically(">=", 0), x.Explain("%s is not negative", h))
				values[h] = n
			}
			Expect(values["X-RateLimit-Remaining"]).To(BeNumerically("<=", values["X-RateLimit-Limit"]),
				x.Explain("X-RateLimit-Remaining cannot exceed X-RateLimit-Limit"))
		})
	})
}

func (o otark) metadataChecks() {
	Describe("metadata", func() {
		It("should add and overwrite the given keys and keep the absent ones", suite.Rule("metadata-merge"), suite.Documented, func() {
			id := o.cfg().CustomerID
			before := o.mustPreserve(id)
			want := before.Metadata
			for _, step := range []map[string]any{
				{probeA: "one"},
				{probeB: "two"},
				{probeA: "three"},
			} {
				By("sending metadata " + suite.MustJSON(step))
				want = withMetadata(want, step)
				x := o.patch(id, map[string]any{"metadata": step})
				Expect(expectCustomer(x).Metadata).To(Equal(want), x.Explain("the given keys are added or overwritten, absent keys are kept"))
			}
			By("reading the customer back")
			c, x := o.mustReadX(id)
			Expect(c.Metadata).To(Equal(want), x.Explain("the merged metadata must be stored, not only answered"))
		})

		It("should remove a key set to null and keep the others", suite.Rule("metadata-null-removes"), suite.Documented, func() {
			id := o.cfg().CustomerID
			before := o.mustPreserve(id)
			By("adding two keys")
			added := map[string]any{probeA: "gone soon", probeB: "stays"}
			x := o.patch(id, map[string]any{"metadata": added})
			want := withMetadata(before.Metadata, added)
			Expect(expectCustomer(x).Metadata).To(Equal(want), x.Explain("both keys are added"))
			By("setting " + probeA + " to null")
			x = o.patch(id, map[string]any{"metadata": map[string]any{probeA: nil}})
			want = withMetadata(want, map[string]any{probeA: nil})
			Expect(expectCustomer(x).Metadata).To(Equal(want), x.Explain("a key set to null is removed, the others are kept"))
			By("reading the customer back")
			c, x := o.mustReadX(id)
			Expect(c.Metadata).To(Equal(want), x.Explain("the removal must be stored"))
		})

		It(`should keep every key for "metadata": {}`, suite.Rule("metadata-empty-object"), suite.Documented, func() {
			id := o.cfg().CustomerID
			before := o.mustPreserve(id)
			added := map[string]any{probeA: "kept"}
			want := withMetadata(before.Metadata, added)
			ax := o.patch(id, map[string]any{"metadata": added})
			Expect(expectCustomer(ax).Metadata).To(Equal(want), ax.Explain("the key is added"))
			x := o.patch(id, `{"metadata": {}}`)
			Expect(expectCustomer(x).Metadata).To(Equal(want), x.Explain(`"metadata": {} keeps every key`))
		})
	})
}

func (o otark) readOnlyFieldsChecks() {
	Describe("read-only fields", func() {
		DescribeTable("should answer 400 read_only_field with field = the key",
			suite.Rule("read-only-field"), suite.Documented,
			func(field string) {
				id := o.cfg().CustomerID
				before := o.mustPreserve(id)
				// The current value: a server must refuse the key itself,
				// not only a change of its value.
				values := map[string]any{
					"id": before.ID, "name": before.Name, "assigned_at": before.AssignedAt,
					"created_at": before.CreatedAt, "activated_at": before.ActivatedAt,
				}
				x := o.patch(id, map[string]any{field: values[field]})
				expectFieldError(x, id, field, "read_only_field")
			},
			Entry("for id", "id"),
			Entry("for name", "name"),
			Entry("for assigned_at", "assigned_at"),
			Entry("for activated_at", "activated_at"),
			Entry("for created_at", "created_at"),
		)
	})
}

func (o otark) validationChecks() {
	Describe("validation", func() {
		It("should answer 400 unknown_field with field = the key for an undocumented body field", suite.Rule("unknown-field"), suite.Documented, func() {
			id := o.cfg().CustomerID
			o.mustPreserve(id)
			x := o.patch(id, `{"`+unknownField+`": "x"}`)
			expectFieldError(x, id, unknownField, "unknown_field")
		})

		DescribeTable("should answer 400 invalid_enum_value at the field's dotted path",
			suite.Rule("enum-value"), suite.Documented,
			o.fieldErrorEntry("invalid_enum_value"),
			Entry("for balance_group.tso", "balance_group.tso", func(c otarkCustomer) map[string]any {
				return map[string]any{"balance_group": map[string]any{"eic": o.eic(c), "tso": "INVALID"}}
			}),
			Entry("for status", "status", func(otarkCustomer) map[string]any {
				return map[string]any{"status": "bogus"}
			}),
		)

		DescribeTable("should answer 400 invalid_type at the field's dotted path",
			suite.Rule("invalid-type"), suite.Documented,
			o.fieldErrorEntry("invalid_type"),
			Entry("for a number as status", "status", func(otarkCustomer) map[string]any {
				return map[string]any{"status": 42}
			}),
			Entry("for a number as a metadata value", "metadata.region", func(otarkCustomer) map[string]any {
				return map[string]any{"metadata": map[string]any{"region": 42}}
			}),
			Entry("for a number as balance_group.eic", "balance_group.eic", func(otarkCustomer) map[string]any {
				return map[string]any{"balance_group": map[string]any{"eic": 42, "tso": "DE_AMPRION"}}
			}),
		)

		It("should answer 400 invalid_type at metadata for an array where an object is expected", suite.Rule("invalid-type-object"), suite.Framework, func() {
			id := o.cfg().CustomerID
			o.mustPreserve(id)
			x := o.patch(id, `{"metadata": []}`)
			expectFieldError(x, id, "metadata", "invalid_type")
		})

		DescribeTable("should answer 400 required for a balance_group without one of its keys",
			suite.Rule("balance-group-required"), suite.Documented,
			o.fieldErrorEntry("required"),
			Entry("at balance_group.tso", "balance_group.tso", func(c otarkCustomer) map[string]any {
				return map[string]any{"balance_group": map[string]any{"eic": o.eic(c)}}
			}),
			Entry("at balance_group.eic", "balance_group.eic", func(otarkCustomer) map[string]any {
				return map[string]any{"balance_group": map[string]any{"tso": "DE_AMPRION"}}
			}),
		)
	})
}

func (o otark) businessRulesChecks() {
	Describe("business rules", func() {
		It("should answer 409 already_active when activating an active customer", suite.Rule("already-active"), suite.Documented, func() {
			id := o.cfg().ActiveCustomerID
			suite.Need(id, "otark.active_customer_id")
			o.mustPreserve(id)
			x := o.patch(id, `{"status": "active"}`)
			expectProblem(x, http.StatusConflict, "already_active", "Customer Already Active")
		})

		It("should answer 400 balance_group_tso_not_enabled for a TSO the balance group has not enabled", suite.Rule("tso-not-enabled"), suite.Documented, func() {
			suite.Need(o.cfg().TSONotEnabled, "otark.tso_not_enabled")
			id := o.cfg().CustomerID
			o.mustPreserve(id)
			x := o.patch(id, map[string]any{"balance_group": o.cfg().TSONotEnabled})
			expectProblem(x, http.StatusBadRequest, "balance_group_tso_not_enabled", "Balance Group TSO Not Enabled")
		})

		It("should assign a balance group the BRP may use", suite.Rule("balance-group-update"), suite.Documented, func() {
			suite.Need(o.cfg().BalanceGroup, "otark.balance_group")
			id := o.cfg().CustomerID
			o.mustPreserve(id)
			x := o.patch(id, map[string]any{"balance_group": o.cfg().BalanceGroup})
			Expect(expectCustomer(x).BalanceGroup).To(Equal(o.cfg().BalanceGroup), x.Explain("the answer carries the new balance group"))
			By("reading the customer back")
			c, x := o.mustReadX(id)
			Expect(c.BalanceGroup).To(Equal(o.cfg().BalanceGroup), x.Explain("the new balance group must be stored"))
		})

		It("should activate a pending customer and set activated_at", suite.Rule("activation"), suite.Documented, suite.Destructive, func() {
			o.e.RequireDestructive()
			id := o.cfg().PendingCustomerID
			suite.Need(id, "otark.pending_customer_id")
			before := o.mustPreserve(id)
			if before.Status != "pending" {
				suite.CouldNotRun("pending_customer_id " + id + " is " + before.Status + ", not pending (was it activated by an earlier destructive run?)")
			}
			x := o.patch(id, `{"status": "active"}`)
			c := expectCustomer(x)
			Expect(c.Status).To(Equal("active"), x.Explain("the customer is active"))
			Expect(c.ActivatedAt).NotTo(BeNil(), x.Explain("activation sets activated_at"))
			_, err := time.Parse(time.RFC3339, *c.ActivatedAt)
			Expect(err).NotTo(HaveOccurred(), x.Explain("activated_at is an RFC 3339 date-time"))
			By("reading the customer back")
			stored, rx := o.mustReadX(id)
			Expect(stored).To(Equal(c), rx.Explain("the activation must be stored"))
		})
	})
}

func (o otark) atomicityChecks() {
	Describe("atomicity", func() {
		DescribeTable("should change nothing when a PATCH fails, as RFC 5789 requires",
			suite.Rule("atomic-failure"), suite.Documented,
			func(customer func() string, invalid func(c otarkCustomer) map[string]any) {
				id := customer()
				before := o.mustPreserve(id)
				body := invalid(before)
				body["metadata"] = map[string]any{probeA: "must not be stored"}
				By("sending a valid metadata change together with an invalid part")
				x := o.patch(id, body)
				Expect(x.Status()).To(And(BeNumerically(">=", 400), BeNumerically("<", 500)), x.Explain("the request must fail"))
				By("reading the customer back with PATCH {}")
				after, rx := o.mustReadX(id)
				Expect(after.Metadata).To(Equal(before.Metadata), x.Explain("a failed PATCH must not apply its valid metadata change; it answered %d and the customer read back afterwards has metadata %s", x.Status(), suite.MustJSON(after.Metadata)))
				Expect(after).To(Equal(before), rx.Explain("a failed PATCH changes nothing (this is the customer read back afterwards)"))
			},
			Entry("with an unknown field", func() string { return o.cfg().CustomerID }, func(otarkCustomer) map[string]any {
				return map[string]any{unknownField: "x"}
			}),
			Entry("with an invalid status", func() string { return o.cfg().CustomerID }, func(otarkCustomer) map[string]any {
				return map[string]any{"status": "bogus"}
			}),
			Entry("with a read-only field", func() string { return o.cfg().CustomerID }, func(c otarkCustomer) map[string]any {
				return map[string]any{"name": c.Name + " (renamed)"}
			}),
			Entry("with a TSO not enabled for the balance group", func() string {
				suite.Need(o.cfg().TSONotEnabled, "otark.tso_not_enabled")
				return o.cfg().CustomerID
			}, func(otarkCustomer) map[string]any {
				return map[string]any{"balance_group": o.cfg().TSONotEnabled}
			}),
			Entry("when activating an active customer", func() string {
				suite.Need(o.cfg().ActiveCustomerID, "otark.active_customer_id")
				return o.cfg().ActiveCustomerID
			}, func(otarkCustomer) map[string]any {
				return map[string]any{"status": "active"}
			}),
		)
	})
}

// fieldErrorEntry is the body of a table whose entries each send one
// invalid body and expect one code at one field's dotted path.
func (o otark) fieldErrorEntry(code string) func(field string, body func(c otarkCustomer) map[string]any) {
	return func(field string, body func(c otarkCustomer) map[string]any) {
		id := o.cfg().CustomerID
		before := o.mustPreserve(id)
		x := o.patch(id, body(before))
		expectFieldError(x, id, field, code)
	}
}
