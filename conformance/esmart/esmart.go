// Package esmart holds the conformance checks of the eSmart Systems
// customer API and the esmart section of the target file; Register adds
// them to the suite.
package esmart

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/gridtwin/gridtwin/conformance/suite"
	"github.com/gridtwin/gridtwin/specs"
)

// The esmart checks: docs/contract.md, esmart, PATCH api/customers/{customerId}
// of an ASP.NET Web API 2 service. The help page documents the request but
// not the answer ("IHttpActionResult", no sample), and the GET sibling is
// not documented at all, so a check accepts any 2xx as success and judges
// what was stored by reading the customer back; the client still holds every
// answer to the spec.

// Register adds the esmart checks and the esmart section of the target
// file to the suite.
func Register() {
	suite.RegisterAPI(suite.API{
		Name:    "esmart",
		Spec:    specs.Esmart,
		Title:   "eSmart Systems customer API, PATCH api/customers/{customerId}",
		Section: func() suite.Section { return &Target{} },
		Configure: func(s suite.Section, c *suite.Client) {
			t := s.(*Target)
			c.Header = http.Header{"Authorization": {esmartBasic(t.Username, t.Password)}}
			c.Secrets = t.Secrets()
		},
		Checks: esmartChecks,
	})
}

const (
	// esmartNoSuchCustomer is the largest Int32: an id no real customer has,
	// so a server that does implement DELETE deletes nothing for the 405
	// check.
	esmartNoSuchCustomer = 2147483647
	// esmartUnknownProperty is on no model.
	esmartUnknownProperty = "GridtwinConformanceUnknown"
	// esmartLetters breaks only the digits rule: it is 10 characters long.
	esmartLetters = "4791abc234"
)

// esmartContactFields are the only properties a PATCH may change.
var esmartContactFields = []string{"PhoneNumber", "MobileNumber", "Email"}

// esmartCustomer is a customer as the checks compare it: decoded JSON,
// PascalCase keys, holding only the properties the help page lists
// (esmartKnown). A live server may add its own, and change them on every
// write; they are neither compared nor restored.
type esmartCustomer map[string]any

// esmartProperties are the help page's CustomerResponse properties, and
// esmartAddressProperties those of its ElwAddress.
var (
	esmartProperties = []string{"Address", "BirthDate", "CustomerId", "CustomerType", "Email", "FirstName",
		"IsBroadbandCustomer", "IsDistrictHeatingCustomer", "IsNetCustomer", "IsPowerCustomer", "LastName",
		"MobileNumber", "OrganizationNo", "PhoneNumber", "Pin", "RequiresProfileConfirmation"}
	esmartAddressProperties = []string{"AddressText", "City", "CoAddress", "CountryCode", "Entrance", "Floor",
		"HouseLetter", "HouseNo", "IsEditable", "POBox", "ZipCode"}
)

// esmartKnown keeps the listed properties of a decoded customer, with
// BirthDate spelled one way when it is an instant: Json.NET may write the
// same one with another offset or precision.
func esmartKnown(c map[string]any) esmartCustomer {
	if c == nil {
		return nil
	}
	out := esmartCustomer{}
	for _, k := range esmartProperties {
		v, ok := c[k]
		if !ok {
			continue
		}
		switch inner := v.(type) {
		case map[string]any:
			if k == "Address" {
				address := map[string]any{}
				for _, ak := range esmartAddressProperties {
					if av, present := inner[ak]; present {
						address[ak] = av
					}
				}
				v = address
			}
		case string:
			if k == "BirthDate" {
				v = suite.CanonicalInstant(inner)
			}
		}
		out[k] = v
	}
	return out
}

type esmartReader int

const (
	esmartReaderUnknown esmartReader = iota
	esmartReaderGET
	esmartReaderPatch
)

// esmart wraps the Env with the esmart vocabulary the checks are written in.
type esmart struct {
	e *suite.Env
	// reader remembers how the customer can be read on this server: GET is
	// preferred (it cannot change anything), PATCH {} is the fallback for a
	// server without the GET sibling. Both are [C], so neither is a check.
	reader esmartReader
}

func (s *esmart) cfg() *Target { return Config(s.e.Target) }

func esmartBasic(username, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(username+":"+password))
}

// esmartWrongPassword is the Authorization value of the configured user
// with a password that cannot be right.
func esmartWrongPassword(t *Target) string {
	return esmartBasic(t.Username, t.Password+"-wrong")
}

func esmartPath(id int) string { return "/api/customers/" + strconv.Itoa(id) }

// patch sends PATCH api/customers/{id} with the configured credentials
// unless header overrides them (an empty value removes them). A 401 to the
// configured credentials means the target file's username or password is
// wrong: no rule can be exercised then, so the check could not run.
func (s *esmart) patch(id int, body any, header ...http.Header) *suite.Exchange {
	GinkgoHelper()
	r := suite.Request{Method: http.MethodPatch, Path: esmartPath(id), Body: body}
	if len(header) > 0 {
		r.Header = header[0]
	}
	x := s.e.Client.Do(r)
	if _, overridden := r.Header["Authorization"]; !overridden && x.Status() == http.StatusUnauthorized {
		suite.CouldNotRun(x.Explanation("the server refused the target file's credentials; check esmart.username and esmart.password"))
	}
	return x
}

// unvalidated sends r without holding the answer to the spec, for the two
// requests the spec cannot judge as sent: the GET probe (an answer to an
// undocumented request is not a violation) and DELETE (OpenAPI has no
// place for the responses of undeclared methods; see validateAs).
func (s *esmart) unvalidated(r suite.Request) *suite.Exchange {
	GinkgoHelper()
	c := *s.e.Client
	c.Spec = nil
	return c.Do(r)
}

// validateAs holds x's answer to the spec as if it answered method, which
// is how the spec documents 405: on the path's declared operations.
func (s *esmart) validateAs(x *suite.Exchange, method string) {
	GinkgoHelper()
	shadow := *x
	shadow.Request = x.Request.Clone(x.Request.Context())
	shadow.Request.Method = method
	s.e.Client.Validate(&shadow)
}

// esmartCustomerIn returns the customer in a 200 answer, if it holds one.
func esmartCustomerIn(x *suite.Exchange) (esmartCustomer, bool) {
	if x.Status() != http.StatusOK {
		return nil, false
	}
	var c map[string]any
	if json.Unmarshal(x.Body, &c) != nil || c == nil {
		return nil, false
	}
	return esmartKnown(c), true
}

// read returns the customer as the server has it. A customer that cannot be
// read is a precondition the target file promised (the id exists, the
// credentials work), so the check could not run.
func (s *esmart) read() esmartCustomer {
	GinkgoHelper()
	id := s.cfg().CustomerID
	if s.reader != esmartReaderPatch {
		x := s.unvalidated(suite.Request{Method: http.MethodGet, Path: esmartPath(id)})
		if c, ok := esmartCustomerIn(x); ok {
			s.reader = esmartReaderGET
			s.e.Client.Validate(x)
			return c
		}
		if s.reader == esmartReaderGET {
			suite.CouldNotRun(x.Explanation(fmt.Sprintf("reading customer %d with GET answered before but not now; check the target file's customer_id, username and password", id)))
		}
		s.reader = esmartReaderPatch
	}
	x := s.patch(id, "{}")
	c, ok := esmartCustomerIn(x)
	if !ok {
		suite.CouldNotRun(x.Explanation(fmt.Sprintf("reading customer %d: neither GET nor PATCH {} answered 200 with the customer; check the target file's customer_id, username and password", id)))
	}
	return c
}

// preserve reads the customer and registers a cleanup that puts back every
// property the check changes. fields are the ones the check sends: esmart
// keeps a field unchanged for null and "", so one that is empty now could
// never be emptied again, and the check is skipped instead.
func (s *esmart) preserve(fields ...string) esmartCustomer {
	GinkgoHelper()
	id := s.cfg().CustomerID
	before := s.read()
	for _, f := range fields {
		if v, _ := before[f].(string); v == "" {
			Skip(fmt.Sprintf("customer %d has no %s, and a PATCH cannot empty a field again (null and \"\" leave it unchanged), so the check would leave it changed", id, f))
		}
	}
	s.e.Client.Preserve(fmt.Sprintf("restoring customer %d", id), func() { s.restore(before) })
	return before
}

// restore PATCHes back every property that differs from before. On a
// conforming server only contact fields ever differ; the others are tried
// too, because a server that wrongly applied FirstName also takes it back.
func (s *esmart) restore(before esmartCustomer) {
	GinkgoHelper()
	id := s.cfg().CustomerID
	now := s.read()
	changes := map[string]any{}
	var lost []string
	for k, v := range before {
		if reflect.DeepEqual(now[k], v) {
			continue
		}
		if v == nil || v == "" {
			lost = append(lost, k)
			continue
		}
		changes[k] = v
	}
	if len(changes) > 0 {
		x := s.patch(id, changes)
		Expect(x.Status()).To(esmartBe2xx(), x.Explain("restoring customer %d", id))
		after := s.read()
		for _, k := range slices.Sorted(maps.Keys(changes)) {
			Expect(after[k]).To(Equal(changes[k]), x.Explain("restoring %s of customer %d; the customer read back afterwards has %s", k, id, suite.MustJSON(after[k])))
		}
	}
	if len(lost) > 0 {
		slices.Sort(lost)
		Fail(fmt.Sprintf("cannot restore %s of customer %d: the value was empty, and a PATCH leaves a field unchanged for null or \"\"", strings.Join(lost, ", "), id))
	}
}

// esmartBe2xx matches a success status.
func esmartBe2xx() OmegaMatcher {
	return And(BeNumerically(">=", 200), BeNumerically("<", 300))
}

// esmartExpectAccepted asserts a success and returns the answer when it is
// a JSON object. The answer's status and body are [C] (the help page has no
// sample), so any 2xx counts.
func esmartExpectAccepted(x *suite.Exchange, what string, args ...any) esmartCustomer {
	GinkgoHelper()
	Expect(x.Status()).To(esmartBe2xx(), x.Explain(what, args...))
	var answer map[string]any
	_ = json.Unmarshal(x.Body, &answer)
	return esmartKnown(answer)
}

// esmartExpectRefused asserts the 400 of ASP.NET's model validation, the
// only status the spec allows for a body the server rejects.
func esmartExpectRefused(x *suite.Exchange, what string, args ...any) {
	GinkgoHelper()
	Expect(x.Status()).To(Equal(http.StatusBadRequest), x.Explain(what, args...))
}

// esmartExpectMessage asserts ASP.NET's HttpError envelope: a JSON object
// with a non-empty Message. The wording is the framework's, not checked.
func esmartExpectMessage(x *suite.Exchange, status int) map[string]any {
	GinkgoHelper()
	Expect(x.Status()).To(Equal(status), x.Explain("expected HTTP status %d", status))
	Expect(x.MediaType()).To(BeElementOf("application/json", "text/json"), x.Explain("ASP.NET Web API answers errors as JSON"))
	var body map[string]any
	Expect(json.Unmarshal(x.Body, &body)).To(Succeed(), x.Explain("the error body must be a JSON object"))
	Expect(body).To(HaveKeyWithValue("Message", And(BeAssignableToTypeOf(""), Not(BeEmpty()))),
		x.Explain(`the error body must carry ASP.NET's "Message" string`))
	return body
}

// esmartExpectModelState asserts ASP.NET's invalid-model answer: 400 with
// Message and a ModelState object mapping keys to non-empty arrays of
// messages.
func esmartExpectModelState(x *suite.Exchange) {
	GinkgoHelper()
	body := esmartExpectMessage(x, http.StatusBadRequest)
	Expect(body).To(HaveKeyWithValue("ModelState", And(BeAssignableToTypeOf(map[string]any{}), Not(BeEmpty()))),
		x.Explain(`a model error must carry a non-empty "ModelState" object`))
	for key, messages := range body["ModelState"].(map[string]any) {
		Expect(messages).To(And(BeAssignableToTypeOf([]any{}), HaveEach(And(BeAssignableToTypeOf(""), Not(BeEmpty())))),
			x.Explain("ModelState[%q] must be a non-empty array of message strings", key))
	}
}

// expectStored asserts the customer read back has want at field.
func (s *esmart) expectStored(x *suite.Exchange, field string, want any) {
	GinkgoHelper()
	got := s.read()[field]
	Expect(got).To(Equal(want), x.Explain("after this exchange the customer read back must have %s %s; it has %s", field, suite.MustJSON(want), suite.MustJSON(got)))
}

// esmartExpectBasicChallenge asserts a WWW-Authenticate challenge with the
// Basic scheme; RFC 9110 requires a challenge in every 401.
func esmartExpectBasicChallenge(x *suite.Exchange) {
	GinkgoHelper()
	var schemes []string
	for _, v := range x.Response.Header.Values("WWW-Authenticate") {
		for _, part := range strings.Split(v, ",") {
			if scheme, _, _ := strings.Cut(strings.TrimSpace(part), " "); scheme != "" && !strings.Contains(scheme, "=") {
				schemes = append(schemes, strings.ToLower(scheme))
			}
		}
	}
	Expect(schemes).To(ContainElement("basic"), x.Explain("a 401 must challenge with WWW-Authenticate: Basic"))
}

// esmartNumber returns n digits that differ from every value in avoid.
func esmartNumber(n int, avoid ...string) string {
	for d := byte('0'); ; d++ {
		v := "47" + strings.Repeat(string(d), n-2)
		if !slices.Contains(avoid, v) {
			return v
		}
	}
}

// esmartEmail returns an address of exactly n characters (n >= 78) that is
// valid by every reading: RFC 5321's 64-character local part, short labels.
// Only its length can break the rule.
func esmartEmail(n int, avoid ...string) string {
	const domain = ".example.org"
	for c := byte('a'); ; c++ {
		local := ("gridtwin.conformance." + strings.Repeat(string(c), 64))[:64]
		v := local + "@" + strings.Repeat(string(c), n-len(local)-1-len(domain)) + domain
		if !slices.Contains(avoid, v) {
			return v
		}
	}
}

func esmartString(c esmartCustomer, field string) string {
	v, _ := c[field].(string)
	return v
}

// esmartChangedValue returns a value of the same JSON type as v that
// differs from it, or false when there is none to choose (null: its type is
// unknown).
func esmartChangedValue(key string, v any) (any, bool) {
	switch v := v.(type) {
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
			if t, err := time.Parse(layout, v); err == nil {
				return t.AddDate(0, 0, -1).Format(layout), true
			}
		}
		return v + "-gridtwin", true
	case bool:
		return !v, true
	case float64:
		if key == "CustomerId" {
			// Another real id could make a server that honours it touch
			// someone else's customer.
			return float64(esmartNoSuchCustomer), v != esmartNoSuchCustomer
		}
		return v + 1, true
	case map[string]any:
		out := map[string]any{}
		for k, inner := range v {
			if changed, ok := esmartChangedValue(k, inner); ok {
				out[k] = changed
			}
		}
		return out, len(out) > 0
	}
	return nil, false
}

// own is the configured customer's id.
func (s *esmart) own() int { return s.cfg().CustomerID }

// withoutAuth removes the configured credentials from a request.
func withoutAuth() http.Header { return http.Header{"Authorization": nil} }

// wrongPassword sends the configured user with a wrong password.
func (s *esmart) wrongPassword() http.Header {
	return http.Header{"Authorization": {esmartWrongPassword(s.cfg())}}
}

func esmartChecks(e *suite.Env) {
	s := &esmart{e: e}

	s.authenticationChecks()
	s.phoneNumbersChecks()
	s.emailChecks()
	s.propertiesThatCannotBeUpdatedChecks()
	s.requestFormatsChecks()
	s.modelBindingChecks()
}

func (s *esmart) authenticationChecks() {
	Describe("authentication", func() {
		It("should answer 401 with a Basic challenge when credentials are missing", suite.Rule("auth-missing"), suite.Documented, func() {
			x := s.patch(s.own(), "{}", withoutAuth())
			Expect(x.Status()).To(Equal(http.StatusUnauthorized), x.Explain("HTTP Basic authentication is required"))
			esmartExpectBasicChallenge(x)
		})

		It("should answer 401 with a Basic challenge for a wrong password", suite.Rule("auth-wrong-password"), suite.Documented, func() {
			x := s.patch(s.own(), "{}", s.wrongPassword())
			Expect(x.Status()).To(Equal(http.StatusUnauthorized), x.Explain("a wrong password must be refused"))
			esmartExpectBasicChallenge(x)
		})

		It("should answer a denied request with ASP.NET's JSON Message", suite.Rule("auth-denied-message"), suite.Framework, func() {
			for _, tc := range []struct {
				what   string
				header http.Header
			}{{"missing credentials", withoutAuth()}, {"a wrong password", s.wrongPassword()}} {
				By("sending " + tc.what)
				esmartExpectMessage(s.patch(s.own(), "{}", tc.header), http.StatusUnauthorized)
			}
		})

		It("should deny access to another user's customer", suite.Rule("own-customer-only"), suite.Documented, func() {
			id := s.cfg().ForeignCustomerID
			suite.Need(id, "esmart.foreign_customer_id")
			By("reading customer " + strconv.Itoa(s.own()) + ", which shows the credentials work")
			s.read()
			// {} changes nothing even on a server that wrongly lets it
			// through. The status and body of the denial are [C]: an
			// ownership check in an AuthorizeAttribute answers 401, so the
			// credentials are sent explicitly, and a 401 counts as denied.
			owner := http.Header{"Authorization": {esmartBasic(s.cfg().Username, s.cfg().Password)}}
			x := s.patch(id, "{}", owner)
			Expect(x.Status()).To(And(BeNumerically(">=", 400), BeNumerically("<", 500)),
				x.Explain("customer %d belongs to another user: the request must be denied with a 4xx", id))
		})
	})
}

func (s *esmart) phoneNumbersChecks() {
	Describe("phone numbers", func() {
		DescribeTable("should refuse a number with letters and keep the old one",
			suite.Rule("phone-digits-only"), suite.Documented,
			func(field string) {
				before := s.preserve(field)
				x := s.patch(s.own(), map[string]any{field: esmartLetters})
				esmartExpectRefused(x, "%s may contain digits only", field)
				s.expectStored(x, field, before[field])
			},
			Entry("for PhoneNumber", "PhoneNumber"),
			Entry("for MobileNumber", "MobileNumber"),
		)

		DescribeTable("should refuse 15 digits and keep the old number",
			suite.Rule("phone-max-length"), suite.Documented,
			func(field string) {
				before := s.preserve(field)
				x := s.patch(s.own(), map[string]any{field: esmartNumber(15)})
				esmartExpectRefused(x, "%s may have at most 14 digits", field)
				s.expectStored(x, field, before[field])
			},
			Entry("for PhoneNumber", "PhoneNumber"),
			Entry("for MobileNumber", "MobileNumber"),
		)

		DescribeTable("should accept and store 14 digits",
			suite.Rule("phone-max-length"), suite.Documented,
			func(field string) {
				before := s.preserve(field)
				number := esmartNumber(14, esmartString(before, field))
				x := s.patch(s.own(), map[string]any{field: number})
				answer := esmartExpectAccepted(x, "14 digits are a valid %s", field)
				if v, answered := answer[field]; answered {
					Expect(v).To(Equal(number), x.Explain("the answer shows the new %s", field))
				}
				s.expectStored(x, field, number)
			},
			Entry("for PhoneNumber", "PhoneNumber"),
			Entry("for MobileNumber", "MobileNumber"),
		)
	})
}

func (s *esmart) emailChecks() {
	Describe("e-mail", func() {
		DescribeTable("should refuse an invalid address and keep the old one",
			suite.Rule("email-valid"), suite.Documented,
			func(invalid string) {
				before := s.preserve("Email")
				x := s.patch(s.own(), map[string]any{"Email": invalid})
				esmartExpectRefused(x, "%q is not a valid e-mail address", invalid)
				s.expectStored(x, "Email", before["Email"])
			},
			Entry("without @", "gridtwin.conformance.example.org"),
			Entry("with nothing before @", "@example.org"),
			Entry("with nothing after @", "gridtwin.conformance@"),
		)

		It("should refuse an address of 101 characters and keep the old one", suite.Rule("email-max-length"), suite.Documented, func() {
			before := s.preserve("Email")
			x := s.patch(s.own(), map[string]any{"Email": esmartEmail(101)})
			esmartExpectRefused(x, "an e-mail address may have at most 100 characters")
			s.expectStored(x, "Email", before["Email"])
		})

		It("should accept and store an address of exactly 100 characters", suite.Rule("email-max-length"), suite.Documented, func() {
			before := s.preserve("Email")
			email := esmartEmail(100, esmartString(before, "Email"))
			x := s.patch(s.own(), map[string]any{"Email": email})
			answer := esmartExpectAccepted(x, "a valid address of 100 characters is allowed")
			if v, answered := answer["Email"]; answered {
				Expect(v).To(Equal(email), x.Explain("the answer shows the new Email"))
			}
			s.expectStored(x, "Email", email)
		})
	})
}

func (s *esmart) propertiesThatCannotBeUpdatedChecks() {
	Describe("properties that cannot be updated", func() {
		It("should keep every other property when a PATCH sends new values for them", suite.Rule("other-properties-unchanged"), suite.Documented, func() {
			before := s.preserve("PhoneNumber")
			body := map[string]any{}
			for k, v := range before {
				if slices.Contains(esmartContactFields, k) {
					continue
				}
				if changed, ok := esmartChangedValue(k, v); ok {
					body[k] = changed
				}
			}
			if len(body) == 0 {
				Skip(fmt.Sprintf("customer %d shows no property besides the contact fields", s.own()))
			}
			// A valid contact change in the same body shows the PATCH was
			// applied, not refused or ignored as a whole.
			phone := esmartNumber(14, esmartString(before, "PhoneNumber"))
			body["PhoneNumber"] = phone
			x := s.patch(s.own(), body)
			answer := esmartExpectAccepted(x, "a PATCH with properties that cannot be updated is still a valid PATCH")
			for _, k := range slices.Sorted(maps.Keys(body)) {
				want := before[k]
				if k == "PhoneNumber" {
					want = phone
				}
				if got, answered := answer[k]; answered {
					Expect(got).To(Equal(want), x.Explain("the answer must show %s %s, not the value sent", k, suite.MustJSON(want)))
				}
			}
			after := s.read()
			for _, k := range slices.Sorted(maps.Keys(body)) {
				want := before[k]
				if k == "PhoneNumber" {
					want = phone
				}
				Expect(after[k]).To(Equal(want), x.Explain("after this exchange the customer read back must have %s %s; it has %s", k, suite.MustJSON(want), suite.MustJSON(after[k])))
			}
		})
	})
}

func (s *esmart) requestFormatsChecks() {
	Describe("request formats", func() {
		It("should accept a body sent as text/json", suite.Rule("text-json"), suite.Documented, func() {
			before := s.preserve("PhoneNumber")
			phone := esmartNumber(14, esmartString(before, "PhoneNumber"))
			x := s.patch(s.own(), map[string]any{"PhoneNumber": phone}, http.Header{"Content-Type": {"text/json"}})
			esmartExpectAccepted(x, "text/json is a documented request format")
			s.expectStored(x, "PhoneNumber", phone)
		})

		It("should answer 415 with a Message for a body sent as text/plain", suite.Rule("unsupported-media-type"), suite.Framework, func() {
			x := s.patch(s.own(), "{}", http.Header{"Content-Type": {"text/plain"}})
			esmartExpectMessage(x, http.StatusUnsupportedMediaType)
		})

		It("should answer 405 with Allow and a Message for DELETE", suite.Rule("method-not-allowed"), suite.Framework, func() {
			x := s.unvalidated(suite.Request{Method: http.MethodDelete, Path: esmartPath(esmartNoSuchCustomer)})
			s.validateAs(x, http.MethodPatch)
			esmartExpectMessage(x, http.StatusMethodNotAllowed)
			var allowed []string
			for _, v := range x.Response.Header.Values("Allow") {
				for _, m := range strings.Split(v, ",") {
					allowed = append(allowed, strings.ToUpper(strings.TrimSpace(m)))
				}
			}
			Expect(allowed).To(ContainElement(http.MethodPatch), x.Explain("a 405 must list the allowed methods, PATCH among them, in Allow"))
		})
	})
}

func (s *esmart) modelBindingChecks() {
	Describe("model binding", func() {
		It("should answer every model error as 400 with Message and ModelState", suite.Rule("modelstate-shape"), suite.Framework, func() {
			before := s.preserve("PhoneNumber", "Email")
			for _, tc := range []struct {
				what string
				body map[string]any
			}{
				{"letters in PhoneNumber", map[string]any{"PhoneNumber": esmartLetters}},
				{"an e-mail address of 101 characters", map[string]any{"Email": esmartEmail(101, esmartString(before, "Email"))}},
				{"a string for a boolean", map[string]any{"IsPowerCustomer": "gridtwin-not-a-boolean"}},
			} {
				By("sending " + tc.what)
				esmartExpectModelState(s.patch(s.own(), tc.body))
			}
		})

		It("should answer 400 with ModelState for a value of the wrong JSON type", suite.Rule("binding-type-error"), suite.Framework, func() {
			before := s.preserve()
			x := s.patch(s.own(), map[string]any{"IsPowerCustomer": "gridtwin-not-a-boolean"})
			esmartExpectModelState(x)
			s.expectStored(x, "IsPowerCustomer", before["IsPowerCustomer"])
		})

		It("should bind property names whatever their case", suite.Rule("case-insensitive-binding"), suite.Framework, func() {
			before := s.preserve("PhoneNumber")
			phone := esmartNumber(14, esmartString(before, "PhoneNumber"))
			x := s.patch(s.own(), map[string]any{"phonenumber": phone})
			esmartExpectAccepted(x, "Json.NET binds phonenumber to PhoneNumber")
			s.expectStored(x, "PhoneNumber", phone)
		})

		It("should ignore unknown properties", suite.Rule("unknown-properties-ignored"), suite.Framework, func() {
			before := s.preserve("PhoneNumber")
			phone := esmartNumber(14, esmartString(before, "PhoneNumber"))
			x := s.patch(s.own(), map[string]any{esmartUnknownProperty: "x", "PhoneNumber": phone})
			esmartExpectAccepted(x, "Json.NET ignores %s, which is on no model", esmartUnknownProperty)
			s.expectStored(x, "PhoneNumber", phone)
		})
	})
}
