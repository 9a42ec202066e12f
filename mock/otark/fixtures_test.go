package otark

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gridtwin/gridtwin/fixtures"
)

func fixturesFS() fs.FS { return fixtures.FS() }

func TestNewRejectsInconsistentFixtures(t *testing.T) {
	cases := map[string]string{
		"no brps":        "brps: []\n",
		"unknown status": "brps:\n- id: b\n  customers:\n  - {id: c, name: n, status: frozen, assigned_at: 2026-01-01T00:00:00Z, created_at: 2026-01-01T00:00:00Z}\n",
		"foreign group":  "brps:\n- id: b\n  customers:\n  - {id: c, name: n, status: active, balance_group: {eic: X, tso: DE_AMPRION}, assigned_at: 2026-01-01T00:00:00Z, created_at: 2026-01-01T00:00:00Z}\n",
		"repeated key":   "brps:\n- id: b\n  api_keys: [{key: k}, {key: k}]\n",
	}
	for name, yaml := range cases {
		_, err := New(fstest.MapFS{"otark.yaml": {Data: []byte(yaml)}}, Options{})
		if err == nil || !strings.Contains(err.Error(), "otark.yaml") {
			t.Errorf("%s: err = %v, want an otark.yaml error", name, err)
		}
	}
	if _, err := New(fstest.MapFS{}, Options{}); err == nil {
		t.Error("a missing otark.yaml was accepted")
	}
}
