package esmart

import (
	"math"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
)

// TestCustomerJSONIsWhatEncodingJSONWrites holds the appending encoder to
// encoding/json's reflection without HTML escaping (jsonparse.Marshal), the
// oracle: the same bytes, raw invalid UTF-8 from a body included.
func TestCustomerJSONIsWhatEncodingJSONWrites(t *testing.T) {
	odd := "Quote \" backslash \\ tab \t nul \x00 <&> line\u2028sep\u2029 ø 🌊 bad \xff surrogate \xed\xa0\x80"
	for _, c := range []Customer{
		{CustomerID: 1001},
		{
			Address:   &Address{AddressText: odd, City: "Halden", CoAddress: "", CountryCode: "NO", Entrance: "B", Floor: "2", HouseLetter: "B", HouseNo: "12", IsEditable: true, POBox: math.MinInt32, ZipCode: "1771"},
			BirthDate: "1984-03-17T00:00:00+01:00", CustomerID: math.MaxInt32, CustomerType: "Private", Email: "a\ufffd@b",
			FirstName: odd, IsBroadbandCustomer: true, IsNetCustomer: true,
			LastName: "Nordmann", MobileNumber: "4791234567", OrganizationNo: "000000000", PhoneNumber: "1", Pin: "170384",
			RequiresProfileConfirmation: true,
		},
		{Address: &Address{POBox: -1}, CustomerID: -7, IsDistrictHeatingCustomer: true, IsPowerCustomer: true},
	} {
		type plain Customer // no MarshalJSON: encoding/json's reflection
		want, err := jsonparse.Marshal(plain(c))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := c.MarshalJSON()
		if string(got) != string(want) {
			t.Errorf("customer %d:\n got  %s\n want %s", c.CustomerID, got, want)
		}
	}
}

// Json.NET leaves <, > and & as they are; encoding/json would answer
// \u003c. A binding error names the character it met as it is.
func TestAnswersKeepHTMLCharactersAsJSONNetDoes(t *testing.T) {
	s := newServer(t)
	got := s.patch(kari, kari.customerID, `{"Email":"a\<"}`)
	if got.Status != 400 || !strings.Contains(string(got.Body), `invalid character in string: <.`) {
		t.Fatalf("status %d, body %s: want the character as it is", got.Status, got.Body)
	}
}
