package esmart

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/internal/mocktest"
)

func TestConcurrentPatchesAndReads(t *testing.T) {
	s := newServer(t)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 20; i++ {
				who := kari
				if (w+i)%2 == 1 {
					who = ola
				}
				phone := fmt.Sprintf("47%02d%06d", w, i)
				a, err := s.trySend(call{method: http.MethodPatch, path: pathOf(who.customerID), auth: &who,
					contentType: "application/json", body: `{"PhoneNumber":"` + phone + `"}`})
				if err != nil || a.Status != http.StatusOK {
					t.Errorf("PATCH: %v %d %s", err, a.Status, a.Body)
					return
				}
				if g, err := s.trySend(call{method: http.MethodGet, path: pathOf(who.customerID), auth: &who}); err != nil || g.Status != http.StatusOK {
					t.Errorf("GET: %v %d", err, g.Status)
				}
				if i%5 == 0 {
					if _, err := s.TrySend(mocktest.Request{Method: http.MethodGet, Path: "/__admin/state"}); err != nil {
						t.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	// Every customer ends with one of the numbers written to it.
	for _, who := range []credentials{kari, ola} {
		got := s.get(who, who.customerID).customer(t).PhoneNumber
		if !strings.HasPrefix(got, "47") || len(got) != 10 {
			t.Errorf("customer %d has PhoneNumber %q", who.customerID, got)
		}
	}
}

func TestAdminStateShowsCustomersWithOwners(t *testing.T) {
	s := newServer(t)
	s.patch(ola, ola.customerID, `{"Email":"state@example.org"}`).expectStatus(t, http.StatusOK)
	type adminState struct {
		Esmart struct {
			Customers []struct {
				Username string
				Customer Customer
			}
		}
	}
	state := mocktest.Decode[adminState](t, s.Send(mocktest.Request{Method: http.MethodGet, Path: "/__admin/state"}), "the admin state")
	cs := state.Esmart.Customers
	if len(cs) != 2 || cs[0].Username != kari.username || cs[1].Username != ola.username {
		t.Fatalf("state %+v", cs)
	}
	if cs[1].Customer.Email != "state@example.org" {
		t.Errorf("state not current: %+v", cs[1].Customer)
	}
}

func TestCredentialsNameEveryUser(t *testing.T) {
	api, err := New(fixtures.FS(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(api.Credentials(), "\n")
	for _, who := range []credentials{kari, ola} {
		for _, want := range []string{who.username, who.password, fmt.Sprint(who.customerID)} {
			if !strings.Contains(text, want) {
				t.Errorf("credentials lack %q:\n%s", want, text)
			}
		}
	}
}

func TestFixturesAreCheckedAgainstTheSpec(t *testing.T) {
	valid, err := fixtures.FS().(interface{ ReadFile(string) ([]byte, error) }).ReadFile("esmart.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"phone with letters": strings.Replace(string(valid), `PhoneNumber: "4722334455"`, `PhoneNumber: "47-22"`, 1),
		"duplicate id":       strings.Replace(string(valid), "CustomerId: 1002", "CustomerId: 1001", 1),
		"duplicate username": strings.Replace(string(valid), "username: ola.hansen", "username: kari.nordmann", 1),
		"no users":           "users: []\n",
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			if content == string(valid) {
				t.Fatal("replacement did not apply")
			}
			_, err := New(fstest.MapFS{"esmart.yaml": {Data: []byte(content)}}, Options{})
			if err == nil {
				t.Error("New accepted a bad fixture")
			}
		})
	}
}
