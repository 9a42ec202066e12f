// Package mock assembles gridtwin's mock: every vendor API behind one handler.
// The vendor packages (mock/otark, mock/podero, mock/esmart) own their rules;
// mock/server owns routing, the admin API and CORS.
package mock

import (
	"fmt"
	"io/fs"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/esmart"
	"github.com/gridtwin/gridtwin/mock/otark"
	"github.com/gridtwin/gridtwin/mock/podero"
	"github.com/gridtwin/gridtwin/mock/server"
)

// Config selects fixtures and tunables. The zero value serves the embedded
// fixtures with the contract's defaults.
type Config struct {
	// Fixtures holds otark.yaml, podero.yaml and esmart.yaml; nil means the
	// embedded defaults.
	Fixtures fs.FS
	Otark    otark.Options
	Podero   podero.Options
	Esmart   esmart.Options
	// Server configures what is around the vendor APIs: the state store
	// (nil: in memory), journal, log, latency and faults, admin token.
	Server server.Options
}

// New builds the whole mock.
func New(cfg Config) (*server.Handler, error) {
	apis, err := APIs(cfg)
	if err != nil {
		return nil, err
	}
	return server.NewWith(cfg.Server, apis...), nil
}

// APIs builds the vendor APIs from the fixtures, for New or for a reload
// (server.Handler.Replace).
func APIs(cfg Config) ([]server.API, error) {
	fsys := cfg.Fixtures
	if fsys == nil {
		fsys = fixtures.FS()
	}
	o, err := otark.New(fsys, cfg.Otark)
	if err != nil {
		return nil, fmt.Errorf("otark: %w", err)
	}
	p, err := podero.New(fsys, cfg.Podero)
	if err != nil {
		return nil, fmt.Errorf("podero: %w", err)
	}
	e, err := esmart.New(fsys, cfg.Esmart)
	if err != nil {
		return nil, fmt.Errorf("esmart: %w", err)
	}
	return []server.API{o, p, e}, nil
}
