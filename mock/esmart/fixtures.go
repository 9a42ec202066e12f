package esmart

import (
	"fmt"
	"io/fs"

	"github.com/gridtwin/gridtwin/mock/internal/fixture"
)

// Customer is the CustomerResponse model. Fields are in the help page's order,
// which is the order ASP.NET serialises them in.
type Customer struct {
	Address                     *Address `json:"Address" yaml:"Address"`
	BirthDate                   string   `json:"BirthDate" yaml:"BirthDate"`
	CustomerID                  int32    `json:"CustomerId" yaml:"CustomerId"`
	CustomerType                string   `json:"CustomerType" yaml:"CustomerType"`
	Email                       string   `json:"Email" yaml:"Email"`
	FirstName                   string   `json:"FirstName" yaml:"FirstName"`
	IsBroadbandCustomer         bool     `json:"IsBroadbandCustomer" yaml:"IsBroadbandCustomer"`
	IsDistrictHeatingCustomer   bool     `json:"IsDistrictHeatingCustomer" yaml:"IsDistrictHeatingCustomer"`
	IsNetCustomer               bool     `json:"IsNetCustomer" yaml:"IsNetCustomer"`
	IsPowerCustomer             bool     `json:"IsPowerCustomer" yaml:"IsPowerCustomer"`
	LastName                    string   `json:"LastName" yaml:"LastName"`
	MobileNumber                string   `json:"MobileNumber" yaml:"MobileNumber"`
	OrganizationNo              string   `json:"OrganizationNo" yaml:"OrganizationNo"`
	PhoneNumber                 string   `json:"PhoneNumber" yaml:"PhoneNumber"`
	Pin                         string   `json:"Pin" yaml:"Pin"`
	RequiresProfileConfirmation bool     `json:"RequiresProfileConfirmation" yaml:"RequiresProfileConfirmation"`
}

// Address is the ElwAddress model.
type Address struct {
	AddressText string `json:"AddressText" yaml:"AddressText"`
	City        string `json:"City" yaml:"City"`
	CoAddress   string `json:"CoAddress" yaml:"CoAddress"`
	CountryCode string `json:"CountryCode" yaml:"CountryCode"`
	Entrance    string `json:"Entrance" yaml:"Entrance"`
	Floor       string `json:"Floor" yaml:"Floor"`
	HouseLetter string `json:"HouseLetter" yaml:"HouseLetter"`
	HouseNo     string `json:"HouseNo" yaml:"HouseNo"`
	IsEditable  bool   `json:"IsEditable" yaml:"IsEditable"`
	POBox       int32  `json:"POBox" yaml:"POBox"`
	ZipCode     string `json:"ZipCode" yaml:"ZipCode"`
}

// clone returns a copy that shares no memory with c, so a snapshot handed out
// of the store cannot be changed by a later PATCH.
func (c Customer) clone() Customer {
	if c.Address != nil {
		a := *c.Address
		c.Address = &a
	}
	return c
}

// user is an HTTP Basic identity; it owns exactly one customer.
type user struct {
	Username   string   `json:"username" yaml:"username"`
	Password   string   `json:"password" yaml:"password"`
	Customer   Customer `json:"customer" yaml:"customer"`
	customerID int32
}

type fixtureFile struct {
	Users []user `json:"users" yaml:"users"`
}

// loadFixtures reads esmart.yaml and checks what the spec cannot: unique
// usernames and customer ids. Schema conformance is checked by the caller.
func loadFixtures(fsys fs.FS) ([]user, error) {
	var f fixtureFile
	file, err := fixture.Decode(fsys, "esmart.yaml", &f)
	if err != nil {
		return nil, err
	}
	if len(f.Users) == 0 {
		return nil, fmt.Errorf("esmart.yaml: no users")
	}
	if err := file.Unique("username", "users.*.username"); err != nil {
		return nil, err
	}
	if err := file.Unique("customer id", "users.*.customer.CustomerId"); err != nil {
		return nil, err
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
