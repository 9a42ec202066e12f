package podero

import (
	"fmt"
	"io/fs"

	"gopkg.in/yaml.v3"
)

// fixtureFile is the layout of podero.yaml.
type fixtureFile struct {
	Organizations []fixtureOrg `yaml:"organizations"`
}

type fixtureOrg struct {
	ID           string        `yaml:"id"`
	Name         string        `yaml:"name"`
	ClientID     string        `yaml:"client_id"`
	ClientSecret string        `yaml:"client_secret"`
	StaticToken  string        `yaml:"static_token"`
	Users        []fixtureUser `yaml:"users"`
}

type fixtureUser struct {
	ID              string     `yaml:"id"`
	Email           string     `yaml:"email"`
	Buildings       []string   `yaml:"buildings"`
	EnergyContracts []Contract `yaml:"energy_contracts"`
}

func loadFixtures(fsys fs.FS) (*fixtureFile, error) {
	raw, err := fs.ReadFile(fsys, "podero.yaml")
	if err != nil {
		return nil, err
	}
	var f fixtureFile
	if err := yaml.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("podero.yaml: %w", err)
	}
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("podero.yaml: %w", err)
	}
	return &f, nil
}

// check refuses fixtures the mock could not serve faithfully: ids that are
// not lower-case UUIDs, duplicates, or contracts on a foreign building.
func (f *fixtureFile) check() error {
	seen := map[string]bool{}
	unique := func(what, v string) error {
		if id, ok := parseUUID(v); !ok || id != v {
			return fmt.Errorf("%s %q is not a lower-case UUID", what, v)
		}
		if seen[v] {
			return fmt.Errorf("%s %q appears twice", what, v)
		}
		seen[v] = true
		return nil
	}
	clients, tokens := map[string]bool{}, map[string]bool{}
	for _, o := range f.Organizations {
		if err := unique("organization", o.ID); err != nil {
			return err
		}
		if o.ClientID == "" || o.ClientSecret == "" || clients[o.ClientID] {
			return fmt.Errorf("organization %s needs a unique client_id and a client_secret", o.ID)
		}
		clients[o.ClientID] = true
		if o.StaticToken != "" {
			if tokens[o.StaticToken] {
				return fmt.Errorf("static token of organization %s is not unique", o.ID)
			}
			tokens[o.StaticToken] = true
		}
		for _, u := range o.Users {
			if err := unique("user", u.ID); err != nil {
				return err
			}
			own := map[string]bool{}
			for _, b := range u.Buildings {
				if err := unique("building", b); err != nil {
					return err
				}
				own[b] = true
			}
			for _, c := range u.EnergyContracts {
				if err := unique("energy contract", c.ID); err != nil {
					return err
				}
				if c.Building != nil && !own[*c.Building] {
					return fmt.Errorf("energy contract %s is on building %s, not one of user %s's", c.ID, *c.Building, u.ID)
				}
			}
		}
	}
	return nil
}
