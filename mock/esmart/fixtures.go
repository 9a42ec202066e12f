package esmart

import (
	"fmt"
	"io/fs"

	"github.com/gridtwin/gridtwin/mock/internal/fixture"
)

// user is an HTTP Basic identity; it owns exactly one customer.
type user struct {
	Username   string   `yaml:"username"`
	Password   string   `yaml:"password"`
	Customer   Customer `yaml:"customer"`
	customerID int32
}

type fixtureFile struct {
	Users []user `yaml:"users"`
}

// loadFixtures reads esmart.yaml and checks what the spec cannot: unique
// usernames and customer ids. Schema conformance is checked by the caller.
func loadFixtures(fsys fs.FS) ([]user, error) {
	var f fixtureFile
	file, err := fixture.Decode(fsys, "esmart.yaml", &f)
	if err != nil {
		return nil, err
	}
	if err := file.Unique("username", "users.*.username"); err != nil {
		return nil, err
	}
	if err := file.Unique("customer id", "users.*.customer.CustomerId"); err != nil {
		return nil, err
	}
	if len(f.Users) == 0 {
		return nil, fmt.Errorf("esmart.yaml: no users")
	}
	ids := map[int32]bool{}
	for i := range f.Users {
		u := &f.Users[i]
		if u.Username == "" || u.Password == "" {
			return nil, fmt.Errorf("esmart.yaml: user %d needs a username and a password", i+1)
		}
		// A customer written without CustomerId has id 0, which Unique
		// cannot see in the file.
		if ids[u.Customer.CustomerID] {
			return nil, fmt.Errorf("esmart.yaml: customer id %d appears twice", u.Customer.CustomerID)
		}
		ids[u.Customer.CustomerID] = true
		u.customerID = u.Customer.CustomerID
	}
	return f.Users, nil
}
