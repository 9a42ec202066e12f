package podero

import (
	"fmt"
	"io/fs"

	"github.com/gridtwin/gridtwin/mock/internal/fixture"
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
	var f fixtureFile
	file, err := fixture.Decode(fsys, "podero.yaml", &f)
	if err != nil {
		return nil, err
	}
	// One set for every kind of id: a path names one object by id alone.
	ids := []string{"organizations.*.id", "organizations.*.users.*.id",
		"organizations.*.users.*.buildings.*", "organizations.*.users.*.energy_contracts.*.id"}
	for _, u := range []struct {
		what  string
		paths []string
	}{
		{"id", ids},
		{"client_id", []string{"organizations.*.client_id"}},
		{"static token", []string{"organizations.*.static_token"}},
	} {
		if err := file.Unique(u.what, u.paths...); err != nil {
			return nil, err
		}
	}
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("podero.yaml: %w", err)
	}
	return &f, nil
}

// check refuses fixtures the mock could not serve faithfully: ids that are
// not lower-case UUIDs or contracts on a foreign building. Duplicates are
// found by loadFixtures, with their lines.
func (f *fixtureFile) check() error {
	uuid := func(what, v string) error {
		if id, ok := parseUUID(v); !ok || id != v {
			return fmt.Errorf("%s %q is not a lower-case UUID", what, v)
		}
		return nil
	}
	for _, o := range f.Organizations {
		if err := uuid("organization", o.ID); err != nil {
			return err
		}
		if o.ClientID == "" || o.ClientSecret == "" {
			return fmt.Errorf("organization %s needs a unique client_id and a client_secret", o.ID)
		}
		for _, u := range o.Users {
			if err := uuid("user", u.ID); err != nil {
				return err
			}
			own := map[string]bool{}
			for _, b := range u.Buildings {
				if err := uuid("building", b); err != nil {
					return err
				}
				own[b] = true
			}
			for _, c := range u.EnergyContracts {
				if err := uuid("energy contract", c.ID); err != nil {
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
