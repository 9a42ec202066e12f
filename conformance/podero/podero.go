// Package podero holds the conformance checks of the Podero partner API and
// the podero section of the target file; Register adds them to the suite.
package podero

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/gridtwin/gridtwin/conformance/suite"
	"github.com/gridtwin/gridtwin/specs"
)

// The podero checks: docs/contract.md, podero, PUT
// /api/partners/v2.0/org/{org_id}/users/{user_id}/energy-contracts/{energy_contract_id}.
// PUT replaces the whole contract, so every check that could change it first
// reads it from the documented list sibling (GET .../energy-contracts) and
// registers a cleanup that PUTs the original fields back.
//
// Only the shape of django-ninja's errors is checked (status, JSON,
// {"detail": ...}, detail[] entries of type/loc/msg), never pydantic's
// wording, and no [C] rule: the 403 of a foreign organization, the 404 of an
// unknown contract, the order of checks and what an omitted field becomes are
// the mock's choices, not Podero's documentation.

// Register adds the podero checks and the podero section of the target
// file to the suite.
func Register() {
	suite.RegisterAPI(suite.API{
		Name:    "podero",
		Spec:    specs.Podero,
		Title:   "Podero partner API, PUT /api/partners/v2.0/org/{org_id}/users/{user_id}/energy-contracts/{energy_contract_id}",
		Section: func() suite.Section { return &Target{} },
		Configure: func(s suite.Section, c *suite.Client) {
			t := s.(*Target)
			// Without a static token the checks obtain one from the token
			// endpoint before the first request (podero.authorize), where a
			// failure can be reported with the exchange.
			if t.Token != "" {
				c.Header = http.Header{"Authorization": {"Bearer " + t.Token}}
			}
			c.Secrets = t.Secrets()
		},
		Checks: poderoChecks,
	})
}

const (
	poderoTokenPath = "/oauth2/token/"
	// poderoUnknownToken and poderoUnknownField can exist on no server.
	poderoUnknownToken = "gridtwin-conformance-unknown-token"
	poderoUnknownField = "gridtwin_unknown_field"
	poderoNotAUUID     = "not-a-uuid"
	// poderoMeterID is 18 characters: valid, and unlike any real meter.
	poderoMeterID  = "GRIDTWIN-CONFORM-1"
	poderoSupplier = "gridtwin conformance"
)

// poderoInputFields are the request fields the contract's answer carries
// under the same name; building_id comes back as building.
var poderoInputFields = []string{
	"energy_contract_type", "energy_prices", "meter_id", "supplier",
	"currency_energy_price", "energy_price_includes_external_components",
}

// podero wraps the Env with the podero vocabulary the checks are written in.
type podero struct {
	e *suite.Env
	// tokenRefused is the token request that got no token from the
	// client credentials; every later check could not run for that reason.
	tokenRefused *suite.Exchange
}

func (p *podero) cfg() *Target { return Config(p.e.Target) }

func poderoContractsPath(orgID, userID string) string {
	return "/api/partners/v2.0/org/" + url.PathEscape(orgID) + "/users/" + url.PathEscape(userID) + "/energy-contracts"
}

func poderoContractPath(orgID, userID, contractID string) string {
	return poderoContractsPath(orgID, userID) + "/" + url.PathEscape(contractID)
}

func (p *podero) contractPath() string {
	return poderoContractPath(p.cfg().OrgID, p.cfg().UserID, p.cfg().EnergyContractID)
}

func (p *podero) do(method, path string, body any, header ...http.Header) *suite.Exchange {
	GinkgoHelper()
	r := suite.Request{Method: method, Path: path, Body: body}
	if len(header) > 0 {
		r.Header = header[0]
	}
	return p.e.Client.Do(r)
}

// put replaces the configured contract.
func (p *podero) put(body any, header ...http.Header) *suite.Exchange {
	GinkgoHelper()
	return p.do(http.MethodPut, p.contractPath(), body, header...)
}

func (p *podero) list(header ...http.Header) *suite.Exchange {
	GinkgoHelper()
	return p.do(http.MethodGet, poderoContractsPath(p.cfg().OrgID, p.cfg().UserID), nil, header...)
}

// requestToken asks the token endpoint for a client-credentials token in
// the standard OAuth 2.0 form (RFC 6749 section 4.4): HTTP Basic
// client_id:client_secret and a form-encoded grant_type, which every
// server takes; a JSON body is the mock's extra.
func (p *podero) requestToken() *suite.Exchange {
	GinkgoHelper()
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(p.cfg().ClientID) + ":" + url.QueryEscape(p.cfg().ClientSecret)))
	form := url.Values{"grant_type": {"client_credentials"}}.Encode()
	return p.do(http.MethodPost, poderoTokenPath, form, http.Header{
		"Authorization": {"Basic " + basic},
		"Content-Type":  {"application/x-www-form-urlencoded"},
	})
}

// refusedClient says whether the token endpoint refused the client as RFC
// 6749 section 5.2 spells it: 401, or 400 with error invalid_client.
func refusedClient(x *suite.Exchange) bool {
	var answer struct {
		Error string `json:"error"`
	}
	_ = json.Unmarshal(x.Body, &answer)
	return x.Status() == http.StatusUnauthorized || x.Status() == http.StatusBadRequest && answer.Error == "invalid_client"
}

// authorize runs before every contract check. When the target file gives
// only client credentials it obtains a token once and sends it from then on.
// A refusal is kept, so every later check reports the same exchange under
// its own rule instead of asking again.
func (p *podero) authorize() {
	GinkgoHelper()
	if p.e.Client.Header.Get("Authorization") != "" {
		return
	}
	if p.tokenRefused == nil {
		x := p.requestToken()
		var answer struct {
			AccessToken string `json:"access_token"`
		}
		if x.Status() == http.StatusOK {
			x.DecodeJSON(&answer)
		}
		if answer.AccessToken != "" {
			p.e.Client.Secrets = append(p.e.Client.Secrets, answer.AccessToken)
			p.e.Client.Header.Set("Authorization", "Bearer "+answer.AccessToken)
			return
		}
		p.tokenRefused = x
	}
	suite.CouldNotRun(p.tokenRefused.Explanation("obtaining a token from POST " + poderoTokenPath + " with podero.client_id and podero.client_secret did not answer 200 with an access_token; check the target file"))
}

// read returns the configured contract as the list sibling answers it. A
// read that fails is a precondition the target file promised (the user, the
// contract and the credentials exist), so the check could not run.
func (p *podero) read() map[string]any {
	GinkgoHelper()
	x := p.list()
	if x.Status() != http.StatusOK {
		suite.CouldNotRun(x.Explanation("reading the contracts of user " + p.cfg().UserID + " did not answer 200; check the target file's org_id, user_id and credentials"))
	}
	for _, c := range poderoContractsIn(x) {
		if id, _ := c["id"].(string); strings.EqualFold(id, p.cfg().EnergyContractID) {
			return poderoKnown(c)
		}
	}
	suite.CouldNotRun(x.Explanation("energy contract " + p.cfg().EnergyContractID + " is not in the user's list; check podero.energy_contract_id"))
	return nil
}

// poderoContractsIn decodes a list answer: a bare array (the mock) or
// django-ninja's paginated envelope {"items": [...], "count": N}.
func poderoContractsIn(x *suite.Exchange) []map[string]any {
	GinkgoHelper()
	var list []map[string]any
	if json.Unmarshal(x.Body, &list) == nil {
		return list
	}
	var page struct {
		Items []map[string]any `json:"items"`
	}
	x.DecodeJSON(&page)
	return page.Items
}

// poderoKnown is a contract as the checks compare it: only the members the
// spec names (a server may add its own, updated_at among them, and change
// them on every write), UUIDs in lower case and instants in one spelling,
// since RFC 9562 and RFC 3339 make the others the same values.
func poderoKnown(c map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range append([]string{"id", "building"}, poderoInputFields...) {
		v, ok := c[k]
		if !ok {
			continue
		}
		switch k {
		case "id", "building":
			if s, isString := v.(string); isString {
				v = strings.ToLower(s)
			}
		case "energy_prices":
			v = poderoKnownPrices(v)
		}
		out[k] = v
	}
	return out
}

func poderoKnownPrices(v any) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]any, len(list))
	for i, item := range list {
		price, isObject := item.(map[string]any)
		if !isObject {
			out[i] = item
			continue
		}
		known := map[string]any{}
		for _, k := range []string{"price", "timestamp"} {
			if inner, present := price[k]; present {
				known[k] = inner
			}
		}
		if ts, isString := known["timestamp"].(string); isString {
			known["timestamp"] = suite.CanonicalInstant(ts)
		}
		out[i] = known
	}
	return out
}

// preserve reads the contract and registers a cleanup that puts it back.
func (p *podero) preserve() map[string]any {
	GinkgoHelper()
	before := p.read()
	p.e.Client.Preserve("restoring energy contract "+p.cfg().EnergyContractID, func() { p.restore(before) })
	return before
}

func (p *podero) restore(before map[string]any) {
	GinkgoHelper()
	if reflect.DeepEqual(p.read(), before) {
		return
	}
	x := p.put(poderoInput(before))
	Expect(poderoExpectContract(x)).To(Equal(before), x.Explain("restoring energy contract %s to what it was before the check", p.cfg().EnergyContractID))
}

// poderoInput is the PUT body that stores contract c as it is.
func poderoInput(c map[string]any) map[string]any {
	in := make(map[string]any, len(poderoInputFields)+1)
	for _, k := range poderoInputFields {
		in[k] = c[k]
	}
	in["building_id"] = c["building"]
	return in
}

// poderoHourlyPrices are valid hourly prices, in a form every server
// answers back unchanged up to number and time formatting.
func poderoHourlyPrices() []any {
	return []any{
		map[string]any{"price": 0.29, "timestamp": "2026-11-24T00:00:00Z"},
		map[string]any{"price": 0.27, "timestamp": "2026-11-24T01:00:00Z"},
	}
}

// poderoValidInput is the contract as it is, made valid for the documented
// rules whatever the target's contract holds: hourly prices come with a
// currency.
func poderoValidInput(c map[string]any) map[string]any {
	in := poderoInput(c)
	if prices, _ := in["energy_prices"].([]any); in["energy_contract_type"] == "spot_hourly" && len(prices) > 0 && in["currency_energy_price"] == nil {
		in["currency_energy_price"] = "EUR"
	}
	return in
}

// poderoWith returns a copy of body with changes applied.
func poderoWith(body, changes map[string]any) map[string]any {
	out := make(map[string]any, len(body)+len(changes))
	maps.Copy(out, body)
	maps.Copy(out, changes)
	return out
}

// poderoEqual matches want, also when want is null (Equal refuses nil).
func poderoEqual(want any) OmegaMatcher {
	if want == nil {
		return BeNil()
	}
	return Equal(want)
}

// poderoExpectContract asserts a 200 with a contract and decodes its
// known members (poderoKnown).
func poderoExpectContract(x *suite.Exchange) map[string]any {
	GinkgoHelper()
	Expect(x.Status()).To(Equal(http.StatusOK), x.Explain("expected 200 with the energy contract"))
	Expect(x.MediaType()).To(Equal("application/json"), x.Explain("a contract is application/json"))
	return poderoKnown(x.JSON())
}

// poderoExpectDetail asserts django-ninja's {"detail": "..."} error of status.
func poderoExpectDetail(x *suite.Exchange, status int) {
	GinkgoHelper()
	Expect(x.Status()).To(Equal(status), x.Explain("expected HTTP status %d", status))
	Expect(x.MediaType()).To(Equal("application/json"), x.Explain(`django-ninja answers errors as application/json`))
	Expect(x.JSON()).To(HaveKeyWithValue("detail", And(BeAssignableToTypeOf(""), Not(BeEmpty()))),
		x.Explain(`the error is {"detail": "<message>"}`))
}

// poderoExpectValidation asserts a 422 with pydantic's error list, every
// entry of the shape {type, loc, msg}, and returns each entry's loc as JSON,
// e.g. ["body","payload","meter_id"].
func poderoExpectValidation(x *suite.Exchange) []string {
	GinkgoHelper()
	Expect(x.Status()).To(Equal(http.StatusUnprocessableEntity), x.Explain("expected 422 with the validation errors"))
	Expect(x.MediaType()).To(Equal("application/json"), x.Explain("django-ninja answers errors as application/json"))
	var answer struct {
		Detail []map[string]any `json:"detail"`
	}
	x.DecodeJSON(&answer)
	Expect(answer.Detail).NotTo(BeEmpty(), x.Explain(`a 422 is {"detail": [...]} with at least one error`))
	locs := make([]string, 0, len(answer.Detail))
	for _, entry := range answer.Detail {
		Expect(entry).To(And(
			HaveKeyWithValue("type", And(BeAssignableToTypeOf(""), Not(BeEmpty()))),
			HaveKeyWithValue("msg", And(BeAssignableToTypeOf(""), Not(BeEmpty()))),
			HaveKeyWithValue("loc", And(BeAssignableToTypeOf([]any{}), Not(BeEmpty()))),
		), x.Explain("every detail[] entry has a type, a loc and a msg (pydantic v2)"))
		loc, _ := json.Marshal(entry["loc"])
		locs = append(locs, string(loc))
	}
	return locs
}

// poderoExpectErrorAt asserts a 422 with an entry at loc.
func poderoExpectErrorAt(x *suite.Exchange, loc ...any) {
	GinkgoHelper()
	want, _ := json.Marshal(loc)
	Expect(poderoExpectValidation(x)).To(ContainElement(string(want)), x.Explain("detail[] must hold an error with loc %s", want))
}

func poderoBodyLoc(path ...any) []any { return append([]any{"body", "payload"}, path...) }

// poderoPricesOf reads energy_prices as comparable values: the number, and
// the instant in UTC, since a server may write the same time another way.
func poderoPricesOf(x *suite.Exchange, v any) []string {
	GinkgoHelper()
	list, ok := v.([]any)
	Expect(ok).To(BeTrue(), x.Explain("energy_prices must be a list, got %v", v))
	out := make([]string, 0, len(list))
	for _, item := range list {
		raw, _ := json.Marshal(item)
		var price struct {
			Price     float64   `json:"price"`
			Timestamp time.Time `json:"timestamp"`
		}
		Expect(json.Unmarshal(raw, &price)).To(Succeed(), x.Explain("a price is {price: number, timestamp: date-time}, got %s", raw))
		out = append(out, price.Timestamp.UTC().Format(time.RFC3339Nano)+" "+strconv.FormatFloat(price.Price, 'g', -1, 64))
	}
	return out
}

func poderoChecks(e *suite.Env) {
	p := &podero{e: e}

	p.tokenEndpointChecks()
	p.energyContractsChecks()
}

func (p *podero) tokenEndpointChecks() {
	Describe("token endpoint", func() {
		It("should issue a Bearer token for the configured client at POST /oauth2/token/", suite.Rule("token-endpoint"), suite.Documented, func() {
			suite.Need(p.cfg().ClientID, "podero.client_id")
			suite.Need(p.cfg().ClientSecret, "podero.client_secret")
			x := p.requestToken()
			if refusedClient(x) {
				// A server that refuses credentials it does not know is right
				// to: the target file's are wrong, which is no fault of it.
				suite.CouldNotRun(x.Explanation("the server refused podero.client_id and podero.client_secret (invalid_client); check the target file"))
			}
			Expect(x.Status()).To(Equal(http.StatusOK), x.Explain("client credentials in HTTP Basic and grant_type client_credentials must get a token"))
			Expect(x.MediaType()).To(Equal("application/json"), x.Explain("the token answer is application/json"))
			t := x.JSON()
			token, _ := t["access_token"].(string)
			Expect(token).NotTo(BeEmpty(), x.Explain("the answer carries an access_token"))
			p.e.Client.Secrets = append(p.e.Client.Secrets, token)
			Expect(t).To(HaveKeyWithValue("token_type", WithTransform(strings.ToLower, Equal("bearer"))),
				x.Explain("token_type is Bearer (compared case-insensitively, RFC 6749 7.1)"))
			Expect(t).To(HaveKeyWithValue("expires_in", And(BeNumerically(">", 0), Satisfy(func(n float64) bool { return n == math.Trunc(n) }))),
				x.Explain("expires_in is a positive whole number of seconds"))

			By("using the new token on the user's contract list")
			lx := p.list(http.Header{"Authorization": {"Bearer " + token}})
			Expect(lx.Status()).To(Equal(http.StatusOK), lx.Explain("the issued token acts for the client's organization"))
		})
	})
}

func (p *podero) energyContractsChecks() {
	Describe("energy contracts", func() {
		BeforeEach(p.authorize)

		p.authenticationChecks()
		p.tenancyChecks()
		p.pathParametersChecks()
		p.requestFieldsChecks()
		p.answerChecks()
		p.errorsChecks()
	})
}

func (p *podero) authenticationChecks() {
	Describe("authentication", func() {
		It(`should answer 401 {"detail": ...} when the Authorization header is missing`, suite.Rule("auth-missing-token"), suite.Documented, func() {
			before := p.preserve()
			x := p.put(poderoValidInput(before), http.Header{"Authorization": nil})
			poderoExpectDetail(x, http.StatusUnauthorized)
			By("reading the list without a token")
			lx := p.list(http.Header{"Authorization": nil})
			poderoExpectDetail(lx, http.StatusUnauthorized)
		})

		It(`should answer 401 {"detail": ...} when the bearer token is unknown`, suite.Rule("auth-invalid-token"), suite.Documented, func() {
			before := p.preserve()
			x := p.put(poderoValidInput(before), http.Header{"Authorization": {"Bearer " + poderoUnknownToken}})
			poderoExpectDetail(x, http.StatusUnauthorized)
		})
	})
}

func (p *podero) tenancyChecks() {
	Describe("tenancy", func() {
		// The contract documents that a token acts for one organization;
		// that the refusal is 403 (not 404) is the mock's choice.
		It("should refuse a token for another organization's path and change nothing", suite.Rule("foreign-organization"), suite.Documented, func() {
			foreign := p.cfg().ForeignOrgID
			suite.Need(foreign, "podero.foreign_org_id")
			before := p.preserve()
			x := p.do(http.MethodPut, poderoContractPath(foreign, p.cfg().UserID, p.cfg().EnergyContractID),
				poderoWith(poderoValidInput(before), map[string]any{"supplier": poderoSupplier + " (foreign)"}))
			Expect(x.Status()).To(And(BeNumerically(">=", 400), BeNumerically("<", 500)),
				x.Explain("a token acts for one organization: a request under organization %s must be refused", foreign))
			Expect(x.MediaType()).To(Equal("application/json"), x.Explain("django-ninja answers errors as application/json"))
			Expect(x.JSON()).To(HaveKey("detail"), x.Explain(`the error is {"detail": ...}`))
			By("reading the contract back")
			after := p.read()
			Expect(after).To(Equal(before), x.Explain("the refused request must not change the contract; read back: %v", after))
		})
	})
}

func (p *podero) pathParametersChecks() {
	Describe("path parameters", func() {
		DescribeTable("should answer 422 with loc (path, name) for a path parameter that is not a UUID",
			suite.Rule("path-uuid"), suite.Documented,
			func(name string) {
				before := p.preserve()
				ids := map[string]string{"org_id": p.cfg().OrgID, "user_id": p.cfg().UserID, "energy_contract_id": p.cfg().EnergyContractID}
				ids[name] = poderoNotAUUID
				x := p.do(http.MethodPut, poderoContractPath(ids["org_id"], ids["user_id"], ids["energy_contract_id"]), poderoValidInput(before))
				poderoExpectErrorAt(x, "path", name)
			},
			Entry("for org_id", "org_id"),
			Entry("for user_id", "user_id"),
			Entry("for energy_contract_id", "energy_contract_id"),
		)
	})
}

func (p *podero) requestFieldsChecks() {
	Describe("request fields", func() {
		p.fieldTypeChecks()
		p.fieldValueChecks()
	})
}

// fieldTypeChecks are the request fields' types, enums and lengths.
func (p *podero) fieldTypeChecks() {
	DescribeTable("should answer 422 at the field's loc for a value of the wrong type",
		suite.Rule("field-type"), suite.Documented,
		func(field string, value any) {
			before := p.preserve()
			x := p.put(poderoWith(poderoValidInput(before), map[string]any{field: value}))
			poderoExpectErrorAt(x, poderoBodyLoc(field)...)
		},
		Entry("for an object as energy_price_includes_external_components (boolean)", "energy_price_includes_external_components", map[string]any{"yes": true}),
		Entry("for an object as meter_id (string)", "meter_id", map[string]any{"id": "DE1"}),
		Entry("for an object as supplier (string)", "supplier", map[string]any{"name": "x"}),
		Entry("for an object as currency_energy_price (string)", "currency_energy_price", map[string]any{"code": "EUR"}),
		Entry("for a number as building_id (uuid)", "building_id", 42),
		Entry("for a string as energy_prices (array)", "energy_prices", "hourly"),
		Entry("for an object as energy_contract_type (enum)", "energy_contract_type", map[string]any{"type": "monthly"}),
	)

	DescribeTable("should answer 422 at the price's loc for an invalid Price",
		suite.Rule("price-fields"), suite.Documented,
		func(field string, price map[string]any) {
			before := p.preserve()
			x := p.put(poderoWith(poderoValidInput(before), map[string]any{
				"energy_contract_type": "spot_hourly", "currency_energy_price": "EUR",
				"energy_prices": []any{price},
			}))
			poderoExpectErrorAt(x, poderoBodyLoc("energy_prices", 0, field)...)
		},
		Entry("for an object as price (number)", "price", map[string]any{"price": map[string]any{"eur": 1}, "timestamp": "2026-11-24T00:00:00Z"}),
		Entry("for a timestamp that is not a date-time", "timestamp", map[string]any{"price": 0.29, "timestamp": "not a time"}),
		Entry("for a price without timestamp", "timestamp", map[string]any{"price": 0.29}),
		Entry("for a price without price", "price", map[string]any{"timestamp": "2026-11-24T00:00:00Z"}),
	)

	It("should answer 422 at energy_contract_type for a value outside spot_hourly, monthly, yearly", suite.Rule("enum"), suite.Documented, func() {
		before := p.preserve()
		x := p.put(poderoWith(poderoValidInput(before), map[string]any{"energy_contract_type": "hourly"}))
		poderoExpectErrorAt(x, poderoBodyLoc("energy_contract_type")...)
	})

	DescribeTable("should accept each documented energy_contract_type",
		suite.Rule("enum"), suite.Documented,
		func(value string) {
			before := p.preserve()
			body := poderoWith(poderoValidInput(before), map[string]any{"energy_contract_type": value})
			if value == "spot_hourly" && body["currency_energy_price"] == nil {
				body["currency_energy_price"] = "EUR"
			}
			x := p.put(body)
			Expect(poderoExpectContract(x)).To(HaveKeyWithValue("energy_contract_type", value), x.Explain("the answer carries energy_contract_type %q", value))
		},
		Entry("spot_hourly", "spot_hourly"),
		Entry("monthly", "monthly"),
		Entry("yearly", "yearly"),
	)

	DescribeTable("should enforce the documented maximum lengths:",
		func(field string, length int, accepted bool) {
			before := p.preserve()
			value := strings.Repeat("9", length)
			x := p.put(poderoWith(poderoValidInput(before), map[string]any{field: value}))
			if accepted {
				Expect(poderoExpectContract(x)).To(HaveKeyWithValue(field, value), x.Explain("%s of %d characters is allowed and answered as sent", field, length))
				return
			}
			poderoExpectErrorAt(x, poderoBodyLoc(field)...)
		},
		Entry("meter_id of 20 characters is refused with 422", suite.Rule("meter-id-max-length"), suite.Documented, "meter_id", 20, false),
		Entry("meter_id of 19 characters is accepted", suite.Rule("meter-id-max-length"), suite.Documented, "meter_id", 19, true),
		Entry("supplier of 101 characters is refused with 422", suite.Rule("supplier-max-length"), suite.Documented, "supplier", 101, false),
		Entry("supplier of 100 characters is accepted", suite.Rule("supplier-max-length"), suite.Documented, "supplier", 100, true),
	)

	It("should answer 422 at building_id for a building_id that is not a UUID", suite.Rule("building-id-uuid"), suite.Documented, func() {
		before := p.preserve()
		x := p.put(poderoWith(poderoValidInput(before), map[string]any{"building_id": poderoNotAUUID}))
		poderoExpectErrorAt(x, poderoBodyLoc("building_id")...)
	})
}

// fieldValueChecks are the request fields' combinations, nulls and extras.
func (p *podero) fieldValueChecks() {
	// Where the error is reported (loc, type) is not documented: a
	// model validator would put it at the body, a field validator at
	// the currency. Only the 422 and its shape are.
	DescribeTable("should answer 422 for hourly energy prices without currency_energy_price",
		suite.Rule("currency-required"), suite.Documented,
		func(currency map[string]any) {
			before := p.preserve()
			body := poderoWith(poderoValidInput(before), map[string]any{"energy_contract_type": "spot_hourly", "energy_prices": poderoHourlyPrices()})
			delete(body, "currency_energy_price")
			x := p.put(poderoWith(body, currency))
			poderoExpectValidation(x)
		},
		Entry("when the currency is absent", map[string]any{}),
		Entry("when the currency is null", map[string]any{"currency_energy_price": nil}),
	)

	It("should ignore an unknown body field", suite.Rule("unknown-field-ignored"), suite.Framework, func() {
		before := p.preserve()
		x := p.put(poderoWith(poderoValidInput(before), map[string]any{poderoUnknownField: "x"}))
		Expect(poderoExpectContract(x)).To(Equal(before), x.Explain("an unknown field is ignored: the contract is answered as it was"))
	})

	DescribeTable("should store an explicit null and answer it",
		suite.Rule("explicit-null"), suite.Documented,
		func(field string, extra map[string]any) {
			before := p.preserve()
			x := p.put(poderoWith(poderoValidInput(before), poderoWith(extra, map[string]any{field: nil})))
			answered := field
			if field == "building_id" {
				answered = "building"
			}
			Expect(poderoExpectContract(x)).To(HaveKeyWithValue(answered, BeNil()), x.Explain("%s: null is answered as null", answered))
			By("reading the contract back")
			Expect(p.read()).To(HaveKeyWithValue(answered, BeNil()), x.Explain("%s: null must be stored; this is the contract read back with GET after the PUT", answered))
		},
		Entry("for meter_id", "meter_id", nil),
		Entry("for supplier", "supplier", nil),
		Entry("for building_id", "building_id", nil),
		Entry("for energy_price_includes_external_components", "energy_price_includes_external_components", nil),
		// Without prices the currency rule does not apply.
		Entry("for currency_energy_price", "currency_energy_price", map[string]any{"energy_contract_type": "monthly", "energy_prices": []any{}}),
		Entry("for energy_contract_type", "energy_contract_type", map[string]any{"energy_prices": []any{}}),
	)
}

func (p *podero) answerChecks() {
	Describe("answer", func() {
		It("should answer 200 with id and every field as sent, and store it", suite.Rule("response-fields"), suite.Documented, func() {
			before := p.preserve()
			flag, _ := before["energy_price_includes_external_components"].(bool)
			sent := map[string]any{
				"energy_contract_type":  "spot_hourly",
				"energy_prices":         poderoHourlyPrices(),
				"building_id":           before["building"],
				"meter_id":              poderoMeterID,
				"supplier":              poderoSupplier,
				"currency_energy_price": "EUR",
				"energy_price_includes_external_components": !flag,
			}
			x := p.put(sent)
			got := poderoExpectContract(x)
			Expect(got).To(HaveKeyWithValue("id", WithTransform(strings.ToLower, Equal(strings.ToLower(p.cfg().EnergyContractID)))),
				x.Explain("id is the contract's id"))
			for _, k := range []string{"energy_contract_type", "meter_id", "supplier", "currency_energy_price", "energy_price_includes_external_components"} {
				Expect(got).To(HaveKeyWithValue(k, sent[k]), x.Explain("%s is answered as sent", k))
			}
			Expect(got).To(HaveKeyWithValue("building", poderoEqual(before["building"])), x.Explain("building is the building_id sent"))
			Expect(poderoPricesOf(x, got["energy_prices"])).To(Equal(poderoPricesOf(x, sent["energy_prices"])), x.Explain("energy_prices are answered as sent"))
			By("reading the contract back")
			Expect(p.read()).To(Equal(got), x.Explain("the contract read back with GET must be the one the PUT answered"))
		})

		It("should answer building equal to the building_id sent", suite.Rule("building-echo"), suite.Documented, func() {
			building := p.cfg().BuildingID
			suite.Need(building, "podero.building_id")
			before := p.preserve()
			x := p.put(poderoWith(poderoValidInput(before), map[string]any{"building_id": building}))
			Expect(poderoExpectContract(x)).To(HaveKeyWithValue("building", WithTransform(func(v any) string {
				s, _ := v.(string)
				return strings.ToLower(s)
			}, Equal(strings.ToLower(building)))), x.Explain("building must be the building_id sent (%s)", building))
		})

		It("should list the user's contracts, the configured one among them, with GET .../energy-contracts", suite.Rule("list-contracts"), suite.Documented, func() {
			x := p.list()
			Expect(x.Status()).To(Equal(http.StatusOK), x.Explain("GET .../users/{user_id}/energy-contracts answers 200"))
			Expect(x.MediaType()).To(Equal("application/json"), x.Explain("the list is application/json"))
			contracts := poderoContractsIn(x)
			Expect(contracts).To(ContainElement(HaveKeyWithValue("id", WithTransform(strings.ToLower, Equal(strings.ToLower(p.cfg().EnergyContractID))))),
				x.Explain("the list holds energy contract %s", p.cfg().EnergyContractID))
		})

		It("should create a contract with POST .../energy-contracts", suite.Rule("create-contract"), suite.Documented, suite.Destructive, func() {
			p.e.RequireDestructive()
			before := p.read()
			x := p.do(http.MethodPost, poderoContractsPath(p.cfg().OrgID, p.cfg().UserID), map[string]any{
				"energy_contract_type": "monthly", "building_id": before["building"], "supplier": poderoSupplier,
			})
			got := poderoExpectContract(x)
			Expect(got).To(HaveKeyWithValue("id", And(BeAssignableToTypeOf(""), Not(BeEmpty()))), x.Explain("the new contract has an id"))
			Expect(got).To(HaveKeyWithValue("energy_contract_type", "monthly"), x.Explain("energy_contract_type as sent"))
			Expect(got).To(HaveKeyWithValue("supplier", poderoSupplier), x.Explain("supplier as sent"))
			Expect(got).To(HaveKeyWithValue("building", poderoEqual(before["building"])), x.Explain("building is the building_id sent"))
		})
	})
}

func (p *podero) errorsChecks() {
	Describe("errors", func() {
		It(`should answer 400 {"detail": ...} for a body that is not JSON`, suite.Rule("malformed-json"), suite.Framework, func() {
			p.preserve()
			x := p.put(`{"meter_id":`)
			poderoExpectDetail(x, http.StatusBadRequest)
		})

		It(`should answer 422 {"detail": [{type, loc, msg}, ...]} with every field error at once`, suite.Rule("validation-error-shape"), suite.Framework, func() {
			before := p.preserve()
			x := p.put(poderoWith(poderoValidInput(before), map[string]any{
				"energy_contract_type": "hourly",
				"meter_id":             strings.Repeat("9", 20),
				"energy_price_includes_external_components": map[string]any{},
			}))
			locs := poderoExpectValidation(x)
			for _, field := range []string{"energy_contract_type", "meter_id", "energy_price_includes_external_components"} {
				want, _ := json.Marshal(poderoBodyLoc(field))
				Expect(locs).To(ContainElement(string(want)), x.Explain("pydantic reports every field error at once: detail[] must hold loc %s", want))
			}
		})
	})
}
