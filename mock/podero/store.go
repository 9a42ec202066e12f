package podero

import (
	"context"
	"slices"
	"strconv"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
	"github.com/gridtwin/gridtwin/mock/store"
)

// Contract is an energy contract as the API answers it. Fields the client
// may null are pointers; energy_prices is never null in an answer.
type Contract struct {
	EnergyContractType                    *string `json:"energy_contract_type" yaml:"energy_contract_type"`
	EnergyPrices                          []Price `json:"energy_prices" yaml:"energy_prices"`
	ID                                    string  `json:"id" yaml:"id"`
	Building                              *string `json:"building" yaml:"building"`
	MeterID                               *string `json:"meter_id" yaml:"meter_id"`
	Supplier                              *string `json:"supplier" yaml:"supplier"`
	CurrencyEnergyPrice                   *string `json:"currency_energy_price" yaml:"currency_energy_price"`
	EnergyPriceIncludesExternalComponents *bool   `json:"energy_price_includes_external_components" yaml:"energy_price_includes_external_components"`
}

// Price is one hourly price; the timestamp is kept as answered (UTC, Z).
type Price struct {
	Price     float64 `json:"price" yaml:"price"`
	Timestamp string  `json:"timestamp" yaml:"timestamp"`
}

// MarshalJSON writes the contract as appendJSON does, so that every path
// that encodes one (the admin state, a store keeping JSON) agrees with the
// answers.
func (c Contract) MarshalJSON() ([]byte, error) {
	return c.appendJSON(make([]byte, 0, 384)), nil
}

// appendJSON writes the contract by hand, in json.dumps' form as
// django-ninja's renderer answers it (", " and ": ", ensure_ascii, floats as
// repr): through encoding/json's reflection it was a tenth of a PUT's
// handler. The stored strings are valid UTF-8 (a lone surrogate is refused
// with string_unicode), and an absent price list is [], as the API never
// answers null for it.
func (c Contract) appendJSON(b []byte) []byte {
	b = append(b, `{"energy_contract_type": `...)
	b = appendOptionalString(b, c.EnergyContractType)
	b = append(b, `, "energy_prices": [`...)
	for i, p := range c.EnergyPrices {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, `{"price": `...)
		b = jsonparse.AppendPyFloat(b, p.Price) // finite: a non-finite price never reaches the store (finite_number)
		b = append(b, `, "timestamp": `...)
		b = jsonparse.AppendPyString(b, p.Timestamp)
		b = append(b, '}')
	}
	b = append(b, `], "id": `...)
	b = jsonparse.AppendPyString(b, c.ID)
	b = append(b, `, "building": `...)
	b = appendOptionalString(b, c.Building)
	b = append(b, `, "meter_id": `...)
	b = appendOptionalString(b, c.MeterID)
	b = append(b, `, "supplier": `...)
	b = appendOptionalString(b, c.Supplier)
	b = append(b, `, "currency_energy_price": `...)
	b = appendOptionalString(b, c.CurrencyEnergyPrice)
	b = append(b, `, "energy_price_includes_external_components": `...)
	switch {
	case c.EnergyPriceIncludesExternalComponents == nil:
		b = append(b, "null"...)
	default:
		b = strconv.AppendBool(b, *c.EnergyPriceIncludesExternalComponents)
	}
	return append(b, '}')
}

func appendOptionalString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return jsonparse.AppendPyString(b, *s)
}

// appendContracts writes a list of contracts as a JSON array.
func appendContracts(b []byte, list []Contract) []byte {
	b = append(b, '[')
	for i, c := range list {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = c.appendJSON(b)
	}
	return append(b, ']')
}

func (c Contract) clone() Contract {
	c.EnergyPrices = slices.Clone(c.EnergyPrices)
	if c.EnergyPrices == nil {
		c.EnergyPrices = []Price{}
	}
	return c
}

// tokenKind names podero's issued tokens in the store; static fixture
// tokens never expire and are not kept there.
const tokenKind = "podero.tokens"

type organization struct {
	ID, Name, ClientID, ClientSecret, StaticToken string
	users                                         map[string]*user
	userOrder                                     []string
}

type user struct {
	ID, Email string
	buildings []string
}

func (u *user) ownsBuilding(id string) bool { return slices.Contains(u.buildings, id) }

// directory is what never changes at run time: organizations, their
// clients and users. A user's contracts are state, in the store.
type directory struct {
	orgs     map[string]*organization
	orgOrder []string
	byClient map[string]*organization
	static   map[string]string // static token -> organization id
}

// contractsKey keys a user's contracts in the store.
func contractsKey(orgID, userID string) string { return orgID + "/" + userID }

// load reads the directory and every user's fixture contracts, in
// creation order, which is the order the list answers.
func load(f *fixtureFile) (*directory, map[string][]Contract) {
	d := &directory{orgs: map[string]*organization{}, byClient: map[string]*organization{}, static: map[string]string{}}
	contracts := map[string][]Contract{}
	for _, fo := range f.Organizations {
		o := &organization{
			ID: fo.ID, Name: fo.Name, ClientID: fo.ClientID, ClientSecret: fo.ClientSecret,
			StaticToken: fo.StaticToken, users: map[string]*user{},
		}
		for _, fu := range fo.Users {
			o.users[fu.ID] = &user{ID: fu.ID, Email: fu.Email, buildings: slices.Clone(fu.Buildings)}
			o.userOrder = append(o.userOrder, fu.ID)
			list := []Contract{}
			for _, c := range fu.EnergyContracts {
				list = append(list, c.clone())
			}
			contracts[contractsKey(o.ID, fu.ID)] = list
		}
		d.orgs[o.ID] = o
		d.orgOrder = append(d.orgOrder, o.ID)
		d.byClient[o.ClientID] = o
		if o.StaticToken != "" {
			d.static[o.StaticToken] = o.ID
		}
	}
	return d, contracts
}

// stateSnapshot is what GET /__admin/state shows for podero.
type stateSnapshot struct {
	Organizations []orgSnapshot `json:"organizations"`
	IssuedTokens  int           `json:"issued_tokens"`
}

type orgSnapshot struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	ClientID string         `json:"client_id"`
	Users    []userSnapshot `json:"users"`
}

type userSnapshot struct {
	ID              string     `json:"id"`
	Email           string     `json:"email"`
	Buildings       []string   `json:"buildings"`
	EnergyContracts []Contract `json:"energy_contracts"`
}

func (a *API) snapshot(ctx context.Context, sess store.Session) (stateSnapshot, error) {
	contracts, err := a.contracts.All(ctx, sess)
	if err != nil {
		return stateSnapshot{}, err
	}
	issued, err := sess.LiveTokens(ctx, tokenKind, a.now())
	if err != nil {
		return stateSnapshot{}, err
	}
	out := stateSnapshot{Organizations: []orgSnapshot{}, IssuedTokens: issued}
	for _, oid := range a.dir.orgOrder {
		o := a.dir.orgs[oid]
		os := orgSnapshot{ID: o.ID, Name: o.Name, ClientID: o.ClientID, Users: []userSnapshot{}}
		for _, uid := range o.userOrder {
			u := o.users[uid]
			us := userSnapshot{ID: u.ID, Email: u.Email, Buildings: slices.Clone(u.buildings),
				EnergyContracts: cloneAll(contracts[contractsKey(oid, uid)])}
			os.Users = append(os.Users, us)
		}
		out.Organizations = append(out.Organizations, os)
	}
	return out, nil
}

// cloneAll copies a stored list of contracts, which is shared.
func cloneAll(list []Contract) []Contract {
	out := make([]Contract, 0, len(list))
	for _, c := range list {
		out = append(out, c.clone())
	}
	return out
}
