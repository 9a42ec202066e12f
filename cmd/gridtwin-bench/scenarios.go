package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	"gopkg.in/yaml.v3"
)

// targets is the part of the conformance target file (fixtures/conformance.yaml)
// the benchmark needs: the same file tells the suite which keys and ids the
// default fixtures hold, so the bench never hard-codes them.
type targets struct {
	Otark struct {
		APIKey     string `yaml:"api_key"`
		CustomerID string `yaml:"customer_id"`
	} `yaml:"otark"`
	Podero struct {
		Token            string `yaml:"token"`
		ClientID         string `yaml:"client_id"`
		ClientSecret     string `yaml:"client_secret"`
		OrgID            string `yaml:"org_id"`
		UserID           string `yaml:"user_id"`
		EnergyContractID string `yaml:"energy_contract_id"`
		BuildingID       string `yaml:"building_id"`
	} `yaml:"podero"`
	Esmart struct {
		Username   string `yaml:"username"`
		Password   string `yaml:"password"`
		CustomerID int    `yaml:"customer_id"`
	} `yaml:"esmart"`
}

func loadTargets(fsys fs.FS) (*targets, error) {
	b, err := fs.ReadFile(fsys, "conformance.yaml")
	if err != nil {
		return nil, err
	}
	var t targets
	if err := yaml.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("conformance.yaml: %w", err)
	}
	return &t, nil
}

// missing names the keys a vendor's scenarios need that the target file
// lacks; such scenarios are skipped and the report says so.
func (t *targets) missing(vendor string) []string {
	var keys []string
	need := func(ok bool, key string) {
		if !ok {
			keys = append(keys, vendor+"."+key)
		}
	}
	switch vendor {
	case "otark":
		need(t.Otark.APIKey != "", "api_key")
		need(t.Otark.CustomerID != "", "customer_id")
	case "podero":
		need(t.Podero.Token != "" || t.Podero.ClientID != "", "token or client_id")
		need(t.Podero.OrgID != "", "org_id")
		need(t.Podero.UserID != "", "user_id")
		need(t.Podero.EnergyContractID != "", "energy_contract_id")
	case "esmart":
		need(t.Esmart.Username != "", "username")
		need(t.Esmart.CustomerID != 0, "customer_id")
	}
	return keys
}

func jsonHeader() http.Header {
	return http.Header{"Content-Type": []string{"application/json"}}
}

// otarkPatch changes one metadata key to a new value on every request, so
// each request runs the whole merge and really changes the state, while the
// state does not grow.
func otarkPatch(t *targets, customerIDs func(seq uint64) string) scenario {
	return scenario{
		Name:   "otark PATCH valid (metadata merge)",
		Server: "gridtwin",
		Kind:   kindAPI,
		target: func(tg *vegeta.Target, seq uint64) {
			h := jsonHeader()
			h.Set("X-Api-Key", t.Otark.APIKey)
			tg.Method = http.MethodPatch
			tg.URL = "/v1/customers/" + url.PathEscape(customerIDs(seq))
			tg.Header = h
			tg.Body = []byte(`{"metadata":{"bench_seq":"` + strconv.FormatUint(seq, 10) + `"}}`)
		},
		expect:     successful,
		ExpectText: "2xx",
	}
}

func otarkRejected(t *targets) scenario {
	body := []byte(`{"status":"bogus"}`)
	return scenario{
		Name:   "otark PATCH rejected (validation 400)",
		Server: "gridtwin",
		Kind:   kindAPI,
		target: func(tg *vegeta.Target, _ uint64) {
			h := jsonHeader()
			h.Set("X-Api-Key", t.Otark.APIKey)
			tg.Method = http.MethodPatch
			tg.URL = "/v1/customers/" + url.PathEscape(t.Otark.CustomerID)
			tg.Header = h
			tg.Body = body
		},
		expect:     func(code int) bool { return code == http.StatusBadRequest },
		ExpectText: "400",
	}
}

// otarkGet reads the customer the valid PATCH changes, with the same key,
// which holds customers:read beside customers:write in the default fixtures.
func otarkGet(t *targets) scenario {
	return otarkRead(t, "otark GET customer", "/v1/customers/"+url.PathEscape(t.Otark.CustomerID))
}

// listLimit is the page size of the list scenario: the spec's default, so
// the page holds every customer of the key's BRP in the default fixtures.
const listLimit = 10

// otarkList reads the first page of the key's BRP's customers.
func otarkList(t *targets) scenario {
	return otarkRead(t, fmt.Sprintf("otark GET customers?limit=%d", listLimit),
		"/v1/customers?limit="+strconv.Itoa(listLimit))
}

func otarkRead(t *targets, name, path string) scenario {
	return scenario{
		Name:   name,
		Server: "gridtwin",
		Kind:   kindAPI,
		target: func(tg *vegeta.Target, _ uint64) {
			tg.Method = http.MethodGet
			tg.URL = path
			tg.Header = http.Header{"X-Api-Key": []string{t.Otark.APIKey}}
		},
		expect:     successful,
		ExpectText: "2xx",
	}
}

// poderoPut replaces the contract with a meter id that changes per request.
func poderoPut(t *targets, token string) scenario {
	path := "/api/partners/v2.0/org/" + t.Podero.OrgID + "/users/" + t.Podero.UserID +
		"/energy-contracts/" + t.Podero.EnergyContractID
	building := "null"
	if t.Podero.BuildingID != "" {
		building = strconv.Quote(t.Podero.BuildingID)
	}
	return scenario{
		Name:   "podero PUT valid (energy contract)",
		Server: "gridtwin",
		Kind:   kindAPI,
		target: func(tg *vegeta.Target, seq uint64) {
			h := jsonHeader()
			h.Set("Authorization", "Bearer "+token)
			tg.Method = http.MethodPut
			tg.URL = path
			tg.Header = h
			tg.Body = []byte(`{"energy_contract_type":"spot_hourly","energy_prices":[{"price":0.2841,"timestamp":"2026-01-10T09:00:00Z"}],` +
				`"building_id":` + building + `,"meter_id":"M` + strconv.FormatUint(seq%1e18, 10) +
				`","supplier":"gridtwin bench","currency_energy_price":"EUR","energy_price_includes_external_components":true}`)
		},
		expect:     successful,
		ExpectText: "2xx",
	}
}

// esmartPatch changes the phone number (digits only) per request.
func esmartPatch(t *targets) scenario {
	auth := "Basic " + base64.StdEncoding.EncodeToString([]byte(t.Esmart.Username+":"+t.Esmart.Password))
	path := "/api/customers/" + strconv.Itoa(t.Esmart.CustomerID)
	return scenario{
		Name:   "esmart PATCH valid (contact fields)",
		Server: "gridtwin",
		Kind:   kindAPI,
		target: func(tg *vegeta.Target, seq uint64) {
			h := jsonHeader()
			h.Set("Authorization", auth)
			tg.Method = http.MethodPatch
			tg.URL = path
			tg.Header = h
			tg.Body = []byte(`{"PhoneNumber":"` + strconv.FormatUint(seq%1e14, 10) + `"}`)
		},
		expect:     successful,
		ExpectText: "2xx",
	}
}

func baselineScenario() scenario {
	body := []byte(`{"metadata":{"bench_seq":"1"}}`)
	return scenario{
		Name:   "bare net/http baseline",
		Server: "baseline",
		Kind:   kindBaseline,
		target: func(tg *vegeta.Target, _ uint64) {
			tg.Method = http.MethodPatch
			tg.URL = "/v1/customers/cust_r8s9t0u1"
			tg.Header = jsonHeader()
			tg.Body = body
		},
		expect:     successful,
		ExpectText: "2xx",
	}
}

// poderoToken returns the configured token, or obtains one with the client
// credentials grant as a partner would.
func poderoToken(t *targets, baseURL string) (string, error) {
	if t.Podero.Token != "" {
		return t.Podero.Token, nil
	}
	req, err := http.NewRequest(http.MethodPost, baseURL+"/oauth2/token/",
		strings.NewReader(`{"grant_type":"client_credentials"}`))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(t.Podero.ClientID, t.Podero.ClientSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("podero token: %d %s", resp.StatusCode, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &tok); err != nil {
		return "", fmt.Errorf("podero token: %w", err)
	}
	if tok.AccessToken == "" {
		return "", errors.New("podero token: empty access_token")
	}
	return tok.AccessToken, nil
}
