package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"gopkg.in/yaml.v3"
)

// The driver counts answers by the scenario's expectation: a server that
// answers 400 to everything is all errors for a valid scenario and none for
// the rejected one.
func TestRunCountsErrorsByExpectation(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
	}))
	defer srv.Close()
	tg := &targets{}
	tg.Otark.APIKey, tg.Otark.CustomerID = "k", "cust_1"
	load := loadConfig{Connections: 2, Duration: 100 * time.Millisecond}

	valid := run(otarkPatch(tg, func(uint64) string { return "cust_1" }), srv.URL, load)
	if valid.Requests == 0 || valid.Errors != valid.Requests {
		t.Errorf("valid scenario against a 400 server: %d requests, %d errors; want all errors", valid.Requests, valid.Errors)
	}
	rejected := run(otarkRejected(tg), srv.URL, load)
	if rejected.Requests == 0 || rejected.Errors != 0 {
		t.Errorf("rejected scenario against a 400 server: %d requests, %d errors; want none", rejected.Requests, rejected.Errors)
	}
}

func TestBaselineHandlerAnswersJSON(t *testing.T) {
	srv := httptest.NewServer(bareHandler(defaultAnswer()))
	defer srv.Close()
	a, err := probe(baselineScenario(), srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if a.Header.Get("Content-Type") != "application/json" || !json.Valid(a.Body) {
		t.Errorf("baseline answered %q: %s", a.Header.Get("Content-Type"), a.Body)
	}
}

// A same-request baseline repeats what the probed server answered, byte
// for byte but for the Date: its status, its headers and its body, read
// back from the file the bench hands the --baseline process.
func TestSameRequestBaselineRepeatsTheProbedAnswer(t *testing.T) {
	body := []byte(`{"error":{"code":"validation_error","message":"status: must be one of active"}}`)
	vendor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("X-RateLimit-Remaining", "299")
		w.Header().Add("Vary", "Origin")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write(body)
	}))
	defer vendor.Close()
	sc := otarkRejected(otarkTargets())
	got, err := probe(sc, vendor.URL)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "answer.json")
	data, _ := json.Marshal(got)
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := readAnswer(file)
	if err != nil {
		t.Fatal(err)
	}
	bare := httptest.NewServer(bareHandler(a))
	defer bare.Close()
	again, err := probe(sc, bare.URL)
	if err != nil {
		t.Fatal(err)
	}
	if again.Status != http.StatusBadRequest || string(again.Body) != string(body) {
		t.Errorf("bare answered %d %s, want 400 %s", again.Status, again.Body, body)
	}
	for _, h := range []string{"Content-Type", "X-Ratelimit-Remaining", "Vary", "Content-Length"} {
		if again.Header.Get(h) != got.Header.Get(h) {
			t.Errorf("%s = %q, want %q", h, again.Header.Get(h), got.Header.Get(h))
		}
	}
	for _, bad := range []string{`{"status":0}`, `{"status":200,"body":"not base64!"}`, `[`} {
		if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := readAnswer(file); err == nil {
			t.Errorf("readAnswer took %s", bad)
		}
	}
}

// Every copy must land in the list that holds the original customer, with a
// fresh id, and the other vendors' fixtures must be copied unchanged.
func TestWriteScaleFixturesCopiesIntoTheOriginalsList(t *testing.T) {
	fsys := fstest.MapFS{
		"otark.yaml": {Data: []byte(`brps:
  - id: brp_a
    customers:
      - id: cust_a
        name: A GmbH
        metadata: {region: NRW}
  - id: brp_b
    customers:
      - id: cust_b
        name: B AG
`)},
		"podero.yaml":      {Data: []byte("podero: 1\n")},
		"esmart.yaml":      {Data: []byte("esmart: 1\n")},
		"conformance.yaml": {Data: []byte("otark: {}\n")},
	}
	dir := t.TempDir()
	ids, err := writeScaleFixtures(dir, fsys, "cust_a", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 3 {
		t.Fatalf("got %d ids, want 3", len(ids))
	}
	b, err := os.ReadFile(filepath.Join(dir, "otark.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !json.Valid(b) {
		t.Errorf("otark.yaml is not written as JSON, the loader's fast path:\n%.300s", b)
	}
	var doc struct {
		BRPs []struct {
			ID        string `yaml:"id"`
			Customers []struct {
				ID       string            `yaml:"id"`
				Name     string            `yaml:"name"`
				Metadata map[string]string `yaml:"metadata"`
			} `yaml:"customers"`
		} `yaml:"brps"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if n := len(doc.BRPs[0].Customers); n != 4 {
		t.Fatalf("brp_a has %d customers, want 4", n)
	}
	if n := len(doc.BRPs[1].Customers); n != 1 {
		t.Errorf("brp_b has %d customers, want 1", n)
	}
	for i, c := range doc.BRPs[0].Customers[1:] {
		if c.ID != ids[i] || c.Name != "A GmbH" || c.Metadata["region"] != "NRW" {
			t.Errorf("copy %d = %+v, want id %s and the original's fields", i, c, ids[i])
		}
	}
	if doc.BRPs[0].Customers[0].ID != "cust_a" {
		t.Errorf("original changed: %+v", doc.BRPs[0].Customers[0])
	}
	podero, err := os.ReadFile(filepath.Join(dir, "podero.yaml"))
	if err != nil || string(podero) != "podero: 1\n" {
		t.Errorf("podero.yaml = %q, %v", podero, err)
	}
	if _, err := writeScaleFixtures(t.TempDir(), fsys, "cust_missing", 1); err == nil || !strings.Contains(err.Error(), "cust_missing") {
		t.Errorf("unknown customer: err = %v", err)
	}
}
