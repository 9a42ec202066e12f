package esmart

import (
	"net/http"
	"strings"
	"testing"
)

func TestPropertyNamesBindCaseInsensitively(t *testing.T) {
	s := newServer(t)
	a := s.patch(kari, kari.customerID, `{"phonenumber":"4733333333","MOBILENUMBER":"4744444444","eMail":"case@example.org"}`)
	a.expectStatus(t, http.StatusOK)
	c := a.customer(t)
	if c.PhoneNumber != "4733333333" || c.MobileNumber != "4744444444" || c.Email != "case@example.org" {
		t.Errorf("not bound: %+v", c)
	}
}

func TestRuleErrorsUseTheModelsPropertyName(t *testing.T) {
	s := newServer(t)
	s.patch(kari, kari.customerID, `{"phonenumber":"abc"}`).expectModelState(t, map[string][]string{
		"customer.PhoneNumber": {"PhoneNumber can contain digits only, at most 14."},
	})
}

func TestScalarsAreCoercedLikeJsonNET(t *testing.T) {
	s := newServer(t)
	// A number is read as its text, so it passes the digits rule.
	a := s.patch(kari, kari.customerID, `{"PhoneNumber":4755555555,"IsPowerCustomer":"False","CustomerId":"7","IsNetCustomer":0,"BirthDate":"1990-01-02"}`)
	a.expectStatus(t, http.StatusOK)
	if got := a.customer(t).PhoneNumber; got != "4755555555" {
		t.Errorf("PhoneNumber %q", got)
	}
	// A boolean is read as "true", which is not an e-mail address.
	s.patch(kari, kari.customerID, `{"Email":true}`).expectModelState(t, map[string][]string{
		"customer.Email": {"Email must be a valid e-mail address of at most 100 characters."},
	})
}

func TestWrongTypesAreModelStateErrors(t *testing.T) {
	cases := []struct {
		name string
		body string
		want map[string][]string
	}{
		{"string into boolean", `{"IsPowerCustomer":"x"}`, map[string][]string{
			"customer.IsPowerCustomer": {"Could not convert string to boolean: x. Path 'IsPowerCustomer', line 1, position 22."}}},
		{"path keeps the body's spelling", `{"ispowercustomer": "x"}`, map[string][]string{
			"customer.ispowercustomer": {"Could not convert string to boolean: x. Path 'ispowercustomer', line 1, position 23."}}},
		{"string into integer", `{"CustomerId":"abc"}`, map[string][]string{
			"customer.CustomerId": {"Could not convert string to integer: abc. Path 'CustomerId', line 1, position 19."}}},
		{"fraction into integer", `{"CustomerId":1.5}`, map[string][]string{
			"customer.CustomerId": {"Input string '1.5' is not a valid integer. Path 'CustomerId', line 1, position 17."}}},
		{"integer overflow", `{"CustomerId":3000000000}`, map[string][]string{
			"customer.CustomerId": {"JSON integer 3000000000 is too large or small for an Int32. Path 'CustomerId', line 1, position 24."}}},
		{"null into a value type", `{"IsNetCustomer":null}`, map[string][]string{
			"customer.IsNetCustomer": {"Error converting value {null} to type 'System.Boolean'. Path 'IsNetCustomer', line 1, position 21."}}},
		{"bad date", `{"BirthDate":"yesterday"}`, map[string][]string{
			"customer.BirthDate": {"Could not convert string to DateTime: yesterday. Path 'BirthDate', line 1, position 24."}}},
		{"nested property", "{\n  \"Address\": {\n    \"POBox\": \"box\"\n  }\n}", map[string][]string{
			"customer.Address.POBox": {"Could not convert string to integer: box. Path 'Address.POBox', line 3, position 18."}}},
		{"positions count UTF-16 units", `{"FirstName":"😀","IsNetCustomer":"no"}`, map[string][]string{
			"customer.IsNetCustomer": {"Could not convert string to boolean: no. Path 'IsNetCustomer', line 1, position 38."}}},
		{"CRLF is one line break", "{\r\n\"CustomerId\": \"x\"}", map[string][]string{
			"customer.CustomerId": {"Could not convert string to integer: x. Path 'CustomerId', line 2, position 17."}}},
		{"scalar into object", `{"Address":"Oslo"}`, map[string][]string{
			"customer.Address": {`Error converting value "Oslo" to type 'ElwAddress'. Path 'Address', line 1, position 17.`}}},
		{"several errors at once", `{"IsNetCustomer":"no","CustomerId":"x","Email":"bad"}`, map[string][]string{
			"customer.IsNetCustomer": {"Could not convert string to boolean: no. Path 'IsNetCustomer', line 1, position 21."},
			"customer.CustomerId":    {"Could not convert string to integer: x. Path 'CustomerId', line 1, position 38."},
			"customer.Email":         {"Email must be a valid e-mail address of at most 100 characters."}}},
		{"object into string stops reading", `{"PhoneNumber":{"a":1},"IsNetCustomer":"no"}`, map[string][]string{
			"customer.PhoneNumber": {"Unexpected character encountered while parsing value: {. Path 'PhoneNumber', line 1, position 16."}}},
		{"boolean into integer", `{"CustomerId":true}`, map[string][]string{
			"customer.CustomerId": {"Unexpected character encountered while parsing value: t. Path 'CustomerId', line 1, position 15."}}},
		{"array body", `[]`, map[string][]string{
			"customer": {"Cannot deserialize the current JSON array (e.g. [1,2,3]) into type 'CustomerResponse' because the type requires a JSON object (e.g. {\"name\":\"value\"}) to deserialize correctly.\r\nTo fix this error either change the JSON to a JSON object (e.g. {\"name\":\"value\"}) or change the deserialized type to an array or to a type that implements a collection interface (e.g. ICollection, IList) like List<T> that can be deserialized from a JSON array. JsonArrayAttribute can also be added to the type to force it to deserialize from a JSON array.\r\nPath '', line 1, position 1."}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newServer(t)
			before := s.get(kari, kari.customerID).customer(t)
			s.patch(kari, kari.customerID, c.body).expectModelState(t, c.want)
			s.expectUnchanged(kari, before)
		})
	}
}

func TestMalformedJSONIsReportedUnderTheParameterKey(t *testing.T) {
	cases := map[string]string{
		`{"PhoneNumber":}`:        "Unexpected character encountered while parsing value: }. Path 'PhoneNumber', line 1, position 16.",
		`{"PhoneNumber":"1",,}`:   "Invalid property identifier character: ,. Path 'PhoneNumber', line 1, position 20.",
		`{"PhoneNumber" "1"}`:     "Invalid character after parsing property name. Expected ':' but got: \". Path 'PhoneNumber', line 1, position 16.",
		`{"PhoneNumber":"1"`:      "Unexpected end when reading JSON. Path 'PhoneNumber', line 1, position 18.",
		`{"Email":"a@b"} x`:       "Additional text encountered after finished reading JSON content: x. Path '', line 1, position 17.",
		"{\n\"Email\": #a@b#\n}":  "Unexpected character encountered while parsing value: #. Path 'Email', line 2, position 10.",
		`{"Email":"a@b"} /x`:      "Error parsing comment. Expected: *, got x. Path '', line 1, position 18.",
		`{"Email":"a@b" "x":"y"}`: "After parsing a value an unexpected character was encountered: \". Path 'Email', line 1, position 16.",
	}
	for body, want := range cases {
		t.Run(body, func(t *testing.T) {
			s := newServer(t)
			before := s.get(kari, kari.customerID).customer(t)
			s.patch(kari, kari.customerID, body).expectModelState(t, map[string][]string{"customer": {want}})
			s.expectUnchanged(kari, before)
		})
	}
}

func TestLeadingByteOrderMarkIsSkipped(t *testing.T) {
	s := newServer(t)
	const bom = "\xef\xbb\xbf"
	a := s.patch(kari, kari.customerID, bom+`{"PhoneNumber":"4766666666"}`)
	a.expectStatus(t, http.StatusOK)
	if got := a.customer(t).PhoneNumber; got != "4766666666" {
		t.Errorf("PhoneNumber %q", got)
	}
	// Positions are counted after the mark, as the reader never sees it.
	s.patch(kari, kari.customerID, bom+`{"IsNetCustomer":"no"}`).expectModelState(t, map[string][]string{
		"customer.IsNetCustomer": {"Could not convert string to boolean: no. Path 'IsNetCustomer', line 1, position 21."},
	})
	// Only the first mark is the StreamReader's; a second one is a character
	// Json.NET cannot start a value with. A mark alone is an empty body.
	before := s.get(kari, kari.customerID).customer(t)
	s.patch(kari, kari.customerID, bom+bom+`{}`).expectModelState(t, map[string][]string{
		"customer": {"Unexpected character encountered while parsing value: \ufeff. Path '', line 1, position 1."},
	})
	s.patch(kari, kari.customerID, bom).expectStatus(t, http.StatusOK)
	s.expectUnchanged(kari, before)
}

func TestNestingBeyondTheFormattersMaxDepthIsRefused(t *testing.T) {
	s := newServer(t)
	before := s.get(kari, kari.customerID).customer(t)
	nested := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

	// The body's object is level 1, so 255 arrays inside it reach 256.
	s.patch(kari, kari.customerID, `{"x":`+nested(255)+`}`).expectStatus(t, http.StatusOK)

	// The 257th level is refused where it opens, with the reader's path to it.
	s.patch(kari, kari.customerID, `{"x":`+nested(256)+`,"PhoneNumber":"4700000000"}`).expectModelState(t, map[string][]string{
		"customer": {"The reader's MaxDepth of 256 has been exceeded. Path 'x" + strings.Repeat("[0]", 255) + "', line 1, position 261."},
	})
	// Inside a model property too, and through objects and later elements:
	// the 253rd {"a": opens level 257, at byte 30 + 252*5.
	deep := strings.Repeat(`{"a":`, 253) + "{}" + strings.Repeat("}", 253)
	s.patch(kari, kari.customerID, `{"Address":{"Extra":[1,{"b c":`+deep+`}]}}`).expectModelState(t, map[string][]string{
		"customer": {"The reader's MaxDepth of 256 has been exceeded. Path 'Address.Extra[1]['b c']" + strings.Repeat(".a", 252) + "', line 1, position 1291."},
	})
	s.expectUnchanged(kari, before)
}
