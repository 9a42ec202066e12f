package podero

import (
	"slices"
	"sync"
	"time"
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

func (c Contract) clone() Contract {
	c.EnergyPrices = slices.Clone(c.EnergyPrices)
	if c.EnergyPrices == nil {
		c.EnergyPrices = []Price{}
	}
	return c
}

type organization struct {
	ID, Name, ClientID, ClientSecret, StaticToken string
	users                                         map[string]*user
	userOrder                                     []string
}

type user struct {
	ID, Email     string
	buildings     []string
	contracts     map[string]*Contract
	contractOrder []string
}

func (u *user) ownsBuilding(id string) bool { return slices.Contains(u.buildings, id) }

// issuedToken is a token from POST /oauth2/token/; static fixture tokens
// never expire and are not kept here.
type issuedToken struct {
	orgID   string
	expires time.Time
}

// store is the whole mutable state of the podero mock, behind one mutex.
type store struct {
	mu       sync.Mutex
	orgs     map[string]*organization
	orgOrder []string
	byClient map[string]*organization
	static   map[string]string // static token -> organization id
	issued   map[string]issuedToken
	// issueOrder lists issued tokens oldest first. Every token lives the
	// same time, so they expire in this order and pruning stops at the
	// first live one.
	issueOrder []string
}

func newStore(f *fixtureFile) *store {
	s := &store{}
	s.load(f)
	return s
}

// load replaces every piece of state with a fresh copy of the fixtures and
// forgets issued tokens.
func (s *store) load(f *fixtureFile) {
	s.orgs = map[string]*organization{}
	s.orgOrder = nil
	s.byClient = map[string]*organization{}
	s.static = map[string]string{}
	s.issued = map[string]issuedToken{}
	s.issueOrder = nil
	for _, fo := range f.Organizations {
		o := &organization{
			ID: fo.ID, Name: fo.Name, ClientID: fo.ClientID, ClientSecret: fo.ClientSecret,
			StaticToken: fo.StaticToken, users: map[string]*user{},
		}
		for _, fu := range fo.Users {
			u := &user{ID: fu.ID, Email: fu.Email, buildings: slices.Clone(fu.Buildings), contracts: map[string]*Contract{}}
			for _, c := range fu.EnergyContracts {
				c := c.clone()
				u.contracts[c.ID] = &c
				u.contractOrder = append(u.contractOrder, c.ID)
			}
			o.users[u.ID] = u
			o.userOrder = append(o.userOrder, u.ID)
		}
		s.orgs[o.ID] = o
		s.orgOrder = append(s.orgOrder, o.ID)
		s.byClient[o.ClientID] = o
		if o.StaticToken != "" {
			s.static[o.StaticToken] = o.ID
		}
	}
}

// issue records a new token and forgets the expired ones, so that a long
// run does not grow without bound (a token is otherwise only dropped when
// it is presented after expiry); call with s.mu held.
func (s *store) issue(access string, t issuedToken, now time.Time) {
	s.issued[access] = t
	s.issueOrder = append(s.issueOrder, access)
	n := 0
	for ; n < len(s.issueOrder); n++ {
		old, ok := s.issued[s.issueOrder[n]]
		if ok && now.Before(old.expires) {
			break
		}
		delete(s.issued, s.issueOrder[n])
	}
	s.issueOrder = s.issueOrder[n:]
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

func (s *store) snapshot() stateSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := stateSnapshot{Organizations: []orgSnapshot{}, IssuedTokens: len(s.issued)}
	for _, oid := range s.orgOrder {
		o := s.orgs[oid]
		os := orgSnapshot{ID: o.ID, Name: o.Name, ClientID: o.ClientID, Users: []userSnapshot{}}
		for _, uid := range o.userOrder {
			u := o.users[uid]
			us := userSnapshot{ID: u.ID, Email: u.Email, Buildings: slices.Clone(u.buildings), EnergyContracts: u.list()}
			os.Users = append(os.Users, us)
		}
		out.Organizations = append(out.Organizations, os)
	}
	return out
}

// list copies the user's contracts in creation order; call with s.mu held.
func (u *user) list() []Contract {
	out := make([]Contract, 0, len(u.contractOrder))
	for _, id := range u.contractOrder {
		out = append(out, u.contracts[id].clone())
	}
	return out
}
