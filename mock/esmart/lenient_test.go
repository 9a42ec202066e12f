package esmart

import (
	"context"
	"net/http"
	"testing"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
)

// Json.NET's reader is lenient (esmart/json-net): these bodies bind.
func TestJsonNETLenientSyntaxBinds(t *testing.T) {
	for _, tc := range []struct{ name, body, phone string }{
		{"comments", "/* c */{\"PhoneNumber\": // line\n \"4711111111\" /* x */} // end", "4711111111"},
		{"single quotes", `{'PhoneNumber':'4722222222', 'x':'a"b\'c'}`, "4722222222"},
		{"unquoted names", `{PhoneNumber:"4733333333", $x: 1, _y2: 2}`, "4733333333"},
		{"trailing commas", `{"PhoneNumber":"4744444444","Address":{"City":"Halden",},"x":[1,2,],}`, "4744444444"},
		{"number as text", `{"PhoneNumber":4755555555}`, "4755555555"},
		{"-Infinity is a true boolean", `{"PhoneNumber":"4766666666","IsNetCustomer":-Infinity,"x":[NaN,Infinity]}`, "4766666666"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t)
			a := s.patch(kari, kari.customerID, tc.body)
			a.expectStatus(t, http.StatusOK)
			if got := a.customer(t).PhoneNumber; got != tc.phone {
				t.Errorf("PhoneNumber %q, want %q", got, tc.phone)
			}
			if got := s.get(kari, kari.customerID).customer(t).PhoneNumber; got != tc.phone {
				t.Errorf("stored PhoneNumber %q, want %q", got, tc.phone)
			}
		})
	}
}

// NaN, Infinity and -Infinity are read by what the property asks for: a
// string takes their text, an integer or a date refuses them, a boolean
// refuses a value starting with N or I.
func TestNonFiniteLiteralsByPropertyType(t *testing.T) {
	digits := []string{"PhoneNumber can contain digits only, at most 14."}
	for body, want := range map[string]map[string][]string{
		`{"PhoneNumber":NaN}`:         {"customer.PhoneNumber": digits},
		`{"PhoneNumber":-Infinity}`:   {"customer.PhoneNumber": digits},
		`{"PhoneNumber":1e400}`:       {"customer.PhoneNumber": digits},
		`{"CustomerId":NaN}`:          {"customer.CustomerId": {"Cannot read NaN value. Path 'CustomerId', line 1, position 17."}},
		`{"BirthDate":-Infinity}`:     {"customer.BirthDate": {"Cannot read -Infinity value. Path 'BirthDate', line 1, position 22."}},
		`{"IsNetCustomer":Infinity}`:  {"customer.IsNetCustomer": {"Unexpected character encountered while parsing value: I. Path 'IsNetCustomer', line 1, position 18."}},
		`{"Address":NaN}`:             {"customer.Address": {"Error converting value NaN to type 'ElwAddress'. Path 'Address', line 1, position 14."}},
		`{CustomerId:Infinity,'x':1}`: {"customer.CustomerId": {"Cannot read Infinity value. Path 'CustomerId', line 1, position 20."}},
	} {
		t.Run(body, func(t *testing.T) {
			s := newServer(t)
			before := s.get(kari, kari.customerID).customer(t)
			s.patch(kari, kari.customerID, body).expectModelState(t, want)
			s.expectUnchanged(kari, before)
		})
	}
}

// A lone surrogate escape is one UTF-16 unit in .NET's string, which the
// UTF-8 answer writes as U+FFFD.
func TestLoneSurrogateIsAnsweredAsReplacementCharacter(t *testing.T) {
	s := newServer(t)
	a := s.patch(kari, kari.customerID, `{"Email":"a\ud800@b"}`)
	a.expectStatus(t, http.StatusOK)
	if got := a.customer(t).Email; got != "a\ufffd@b" {
		t.Errorf("Email %q, want %q", got, "a\ufffd@b")
	}
}

// FuzzBindLenient: whatever the body, binding ends, and a body the lenient
// reader refuses is reported (under the parameter's key, or a property's).
func FuzzBindLenient(f *testing.F) {
	api, err := New(fixtures.FS(), Options{})
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{`{PhoneNumber:'1',}`, "{/*x*/\"CustomerId\":NaN //\n}", `{"BirthDate":-Infinity,"IsNetCustomer":Infinity}`,
		`{"Address":{"City":'x',},}`, `{} /x`, `{"x":[1,,]}`, `{'a`, `[NaN]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		b := bind(context.Background(), body, api.model, modelPrefix)
		if _, err := jsonparse.Decode(body, jsonNET); err != nil && b.errs.len() == 0 {
			t.Fatalf("%q: the reader refuses it (%v), binding reported nothing", body, err)
		}
	})
}
