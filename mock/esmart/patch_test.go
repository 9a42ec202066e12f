package esmart

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/mock/internal/mocktest"
)

func TestGetReturnsOwnCustomer(t *testing.T) {
	s := newServer(t)
	a := s.get(kari, kari.customerID)
	a.expectStatus(t, http.StatusOK)
	if ct := a.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	c := a.customer(t)
	if c.CustomerID != 1001 || c.FirstName != "Kari" || c.Address == nil || c.Address.City != "Halden" {
		t.Errorf("unexpected customer %+v", c)
	}
}

func TestPatchUpdatesContactFields(t *testing.T) {
	s := newServer(t)
	a := s.patch(kari, kari.customerID, `{"PhoneNumber":"4700000001","MobileNumber":"4790000002","Email":"new@example.org"}`)
	a.expectStatus(t, http.StatusOK)
	c := a.customer(t)
	if c.PhoneNumber != "4700000001" || c.MobileNumber != "4790000002" || c.Email != "new@example.org" {
		t.Errorf("answer not updated: %+v", c)
	}
	again := s.get(kari, kari.customerID).customer(t)
	if again.PhoneNumber != "4700000001" || again.MobileNumber != "4790000002" || again.Email != "new@example.org" {
		t.Errorf("GET after PATCH: %+v", again)
	}
}

func TestPatchLeavesFieldsUnchangedForNullAbsentOrEmpty(t *testing.T) {
	s := newServer(t)
	before := s.get(kari, kari.customerID).customer(t)
	for _, body := range []string{
		`{}`,
		`{"PhoneNumber":null,"MobileNumber":null,"Email":null}`,
		`{"PhoneNumber":"","MobileNumber":"","Email":""}`,
		`null`,
		" \n ",
	} {
		a := s.patch(kari, kari.customerID, body)
		a.expectStatus(t, http.StatusOK)
	}
	s.expectUnchanged(kari, before)
}

func TestPatchWithEmptyBodyAnswersTheCustomerUnchanged(t *testing.T) {
	s := newServer(t)
	before := s.get(kari, kari.customerID).customer(t)
	// No body at all, with and without a Content-Type: no formatter is needed.
	for _, ct := range []string{"", "application/json", "text/plain"} {
		a := s.do(call{method: http.MethodPatch, path: pathOf(kari.customerID), auth: &kari, contentType: ct})
		a.expectStatus(t, http.StatusOK)
		if a.customer(t).Email != before.Email {
			t.Errorf("Content-Type %q: answer is not the customer: %s", ct, a.Body)
		}
	}
	s.expectUnchanged(kari, before)
}

func TestPatchIgnoresPropertiesThatCannotBeUpdated(t *testing.T) {
	s := newServer(t)
	before := s.get(kari, kari.customerID).customer(t)
	a := s.patch(kari, kari.customerID, `{
		"CustomerId": 2, "FirstName": "Mallory", "LastName": "X", "CustomerType": "Business",
		"BirthDate": "2000-01-01T00:00:00+00:00", "OrganizationNo": "1", "Pin": "0000",
		"IsBroadbandCustomer": false, "IsDistrictHeatingCustomer": true, "IsNetCustomer": false,
		"IsPowerCustomer": false, "RequiresProfileConfirmation": true,
		"Address": {"AddressText": "Elsewhere 1", "City": "Oslo", "CoAddress": "", "CountryCode": "SE",
			"Entrance": "C", "Floor": "9", "HouseLetter": "C", "HouseNo": "1", "IsEditable": false,
			"POBox": 1, "ZipCode": "0001"},
		"Unknown": {"nested": [1, 2, {"x": null}]},
		"PhoneNumber": "4711111111"}`)
	a.expectStatus(t, http.StatusOK)
	want := before
	want.PhoneNumber = "4711111111"
	if got := a.customer(t); got.PhoneNumber != want.PhoneNumber {
		t.Errorf("PhoneNumber %q", got.PhoneNumber)
	}
	s.expectUnchanged(kari, want)
}

func TestPhoneNumbersAreDigitsOnlyAtMost14(t *testing.T) {
	for _, field := range []string{"PhoneNumber", "MobileNumber"} {
		t.Run(field, func(t *testing.T) {
			s := newServer(t)
			for _, ok := range []string{"1", "12345678901234"} {
				a := s.patch(kari, kari.customerID, `{"`+field+`":"`+ok+`"}`)
				a.expectStatus(t, http.StatusOK)
			}
			before := s.get(kari, kari.customerID).customer(t)
			for _, bad := range []string{"123456789012345", "+4712345678", "12 34", "12a", "١٢٣"} {
				a := s.patch(kari, kari.customerID, `{"`+field+`":"`+bad+`"}`)
				a.expectModelState(t, map[string][]string{
					"customer." + field: {field + " can contain digits only, at most 14."},
				})
			}
			s.expectUnchanged(kari, before)
		})
	}
}

func TestEmailRule(t *testing.T) {
	s := newServer(t)
	at100 := strings.Repeat("a", 88) + "@example.org" // 100 characters
	at101 := "a" + at100
	for _, ok := range []string{"a@b", "first.last+tag@example.no", at100} {
		a := s.patch(kari, kari.customerID, `{"Email":"`+ok+`"}`)
		a.expectStatus(t, http.StatusOK)
		if got := a.customer(t).Email; got != ok {
			t.Errorf("Email %q, want %q", got, ok)
		}
	}
	before := s.get(kari, kari.customerID).customer(t)
	for _, bad := range []string{"plain", "@example.org", "user@", "a@b@c", "@", at101} {
		a := s.patch(kari, kari.customerID, `{"Email":"`+bad+`"}`)
		a.expectModelState(t, map[string][]string{
			"customer.Email": {"Email must be a valid e-mail address of at most 100 characters."},
		})
	}
	s.expectUnchanged(kari, before)
}

func TestPatchIsAllOrNothing(t *testing.T) {
	s := newServer(t)
	before := s.get(kari, kari.customerID).customer(t)
	a := s.patch(kari, kari.customerID, `{"PhoneNumber":"4712345678","MobileNumber":"4798765432","Email":"not-an-address"}`)
	a.expectModelState(t, map[string][]string{
		"customer.Email": {"Email must be a valid e-mail address of at most 100 characters."},
	})
	s.expectUnchanged(kari, before)
}

func TestEveryBrokenRuleIsReportedInModelOrder(t *testing.T) {
	s := newServer(t)
	a := s.patch(kari, kari.customerID, `{"PhoneNumber":"x","Email":"y","MobileNumber":"z"}`)
	a.expectModelState(t, map[string][]string{
		"customer.Email":        {"Email must be a valid e-mail address of at most 100 characters."},
		"customer.MobileNumber": {"MobileNumber can contain digits only, at most 14."},
		"customer.PhoneNumber":  {"PhoneNumber can contain digits only, at most 14."},
	})
	// Key order is ASP.NET's: binding errors first, then the model validator's
	// in property order. encoding/json sorts map keys, so check the raw body.
	raw := string(a.Body)
	if !(strings.Index(raw, "customer.Email") < strings.Index(raw, "customer.MobileNumber") &&
		strings.Index(raw, "customer.MobileNumber") < strings.Index(raw, "customer.PhoneNumber")) {
		t.Errorf("ModelState keys out of order: %s", raw)
	}
}

func TestTextJSONIsAccepted(t *testing.T) {
	s := newServer(t)
	a := s.do(call{method: http.MethodPatch, path: pathOf(kari.customerID), auth: &kari,
		contentType: "text/json; charset=utf-8", body: `{"MobileNumber":"4712121212"}`})
	a.expectStatus(t, http.StatusOK)
	if a.customer(t).MobileNumber != "4712121212" {
		t.Errorf("not updated: %s", a.Body)
	}
}

func TestAdminResetRestoresFixtures(t *testing.T) {
	s := newServer(t)
	before := s.get(kari, kari.customerID).customer(t)
	s.patch(kari, kari.customerID, `{"Email":"changed@example.org"}`).expectStatus(t, http.StatusOK)
	if a := s.Send(mocktest.Request{Method: http.MethodPost, Path: "/__admin/reset"}); a.Status != http.StatusNoContent {
		t.Fatalf("reset: %d", a.Status)
	}
	s.expectUnchanged(kari, before)
}
