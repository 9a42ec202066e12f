package specs

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Load trusts the embedded documents without checking them against the
// OpenAPI schema at every start; this test is that check.
func TestEmbeddedDocumentsAreValidOpenAPI(t *testing.T) {
	for _, name := range Names {
		b, err := Bytes(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(name, b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParseRejectsAnInvalidDocument(t *testing.T) {
	doc := "openapi: 3.0.0\ninfo: {title: broken}\npaths: {}\n" // info.version is required
	if _, err := Parse("broken", []byte(doc)); err == nil || !strings.Contains(err.Error(), "not a valid OpenAPI document") {
		t.Errorf("Parse of a document without info.version: err = %v", err)
	}
}

// The reads' document repeats the seed's shared components; they must stay
// the seed's, or a read would answer another Customer than the PATCH.
func TestOtarkReadsSharesTheSeedsComponents(t *testing.T) {
	load := func(name string) map[string]map[string]any {
		b, err := Bytes(name)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Components map[string]map[string]any `yaml:"components"`
		}
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Components
	}
	seed, reads := load(Otark), load(OtarkReads)
	for _, section := range []string{"schemas", "headers", "securitySchemes"} {
		for name, want := range seed[section] {
			if section == "schemas" && name == "CustomerUpdate" {
				continue // the PATCH's own
			}
			if got := reads[section][name]; !reflect.DeepEqual(got, want) {
				t.Errorf("components.%s.%s of %s differs from the seed's", section, name, OtarkReads)
			}
		}
	}
}

func TestReconstructedNamesTheMarkedKeywords(t *testing.T) {
	got, err := Reconstructed(Esmart)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(got, "/properties/BirthDate/format") {
		t.Fatalf("Reconstructed(esmart) = %q, want /properties/BirthDate/format among them", got)
	}
	if got, _ := Reconstructed(Otark); len(got) != 0 {
		t.Errorf("otark is the seed verbatim, yet has reconstructed constraints %q", got)
	}
}
