package otark

import (
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/gridtwin/gridtwin/mock/internal/fixture"
)

// fixtureBRP is one balance responsible party; otark.yaml lists them,
// each owning API keys, balance groups and customers, which is exactly the
// tenancy the API enforces.
type fixtureBRP struct {
	ID            string            `yaml:"id"`
	Name          string            `yaml:"name"`
	APIKeys       []fixtureKey      `yaml:"api_keys"`
	BalanceGroups []fixtureGroup    `yaml:"balance_groups"`
	Customers     []fixtureCustomer `yaml:"customers"`
}

// fixtureFile is the layout of otark.yaml.
type fixtureFile struct {
	BRPs []fixtureBRP `yaml:"brps"`
}

type fixtureKey struct {
	Key    string   `yaml:"key"`
	Scopes []string `yaml:"scopes"`
}

type fixtureGroup struct {
	EIC  string   `yaml:"eic"`
	TSOs []string `yaml:"tsos"`
}

type fixtureCustomer struct {
	ID           string            `yaml:"id"`
	Name         string            `yaml:"name"`
	Status       string            `yaml:"status"`
	BalanceGroup *BalanceGroup     `yaml:"balance_group"`
	Metadata     map[string]string `yaml:"metadata"`
	AssignedAt   time.Time         `yaml:"assigned_at"`
	CreatedAt    time.Time         `yaml:"created_at"`
	ActivatedAt  *time.Time        `yaml:"activated_at"`
}

// loadFixtures reads otark.yaml and checks it is consistent, so a broken
// fixture fails at start instead of as a puzzling answer later.
func loadFixtures(fsys fs.FS) (*fixtureFile, error) {
	var f fixtureFile
	file, err := fixture.Decode(fsys, "otark.yaml", &f)
	if err != nil {
		return nil, err
	}
	if len(f.BRPs) == 0 {
		return nil, fmt.Errorf("otark.yaml: no brps")
	}
	for _, u := range []struct{ what, path string }{
		{"brp id", "brps.*.id"},
		{"api key", "brps.*.api_keys.*.key"},
		{"customer id", "brps.*.customers.*.id"},
	} {
		if err := file.Unique(u.what, u.path); err != nil {
			return nil, err
		}
	}
	for _, b := range f.BRPs {
		if b.ID == "" {
			return nil, fmt.Errorf("otark.yaml: a brp has no id")
		}
		for _, k := range b.APIKeys {
			if k.Key == "" {
				return nil, fmt.Errorf("otark.yaml: brp %s has an empty api key", b.ID)
			}
		}
		groups := map[string][]string{}
		for _, g := range b.BalanceGroups {
			groups[g.EIC] = g.TSOs
		}
		for _, c := range b.Customers {
			if c.ID == "" {
				return nil, fmt.Errorf("otark.yaml: brp %s has a customer without an id", b.ID)
			}
			if !slices.Contains(statuses, c.Status) {
				return nil, fmt.Errorf("otark.yaml: customer %s: unknown status %q", c.ID, c.Status)
			}
			if c.AssignedAt.IsZero() || c.CreatedAt.IsZero() {
				return nil, fmt.Errorf("otark.yaml: customer %s: assigned_at and created_at are required", c.ID)
			}
			if bg := c.BalanceGroup; bg != nil {
				tsos, ok := groups[bg.EIC]
				if !ok || !slices.Contains(tsos, bg.TSO) {
					return nil, fmt.Errorf("otark.yaml: customer %s: balance group %s/%s is not one of brp %s's", c.ID, bg.EIC, bg.TSO, b.ID)
				}
			}
		}
	}
	return &f, nil
}
