package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// writeScaleFixtures writes a fixture directory whose otark.yaml holds n more
// customers, each a copy of the conformance customer under a new id, and the
// other vendors' default fixtures beside it. The copies land in the same
// list as the original, so they belong to the same BRP and key whatever the
// fixture's layout. The file is written as JSON (which is YAML too), one
// customer a line, because that is how a fixture of this size should be
// written: the loader reads JSON in one pass, YAML at a tenth of the speed.
func writeScaleFixtures(dir string, defaults fs.FS, customerID string, n int) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for _, name := range []string{"podero.yaml", "esmart.yaml", "conformance.yaml"} {
		b, err := fs.ReadFile(defaults, name)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return nil, err
		}
	}
	src, err := fs.ReadFile(defaults, "otark.yaml")
	if err != nil {
		return nil, err
	}
	var root map[string]any
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, fmt.Errorf("otark.yaml: %w", err)
	}
	parent, key, original := findByID(root, customerID)
	if original == nil {
		return nil, fmt.Errorf("otark.yaml has no customer with id %q", customerID)
	}
	// The document is encoded once with a marker where the copies go; each
	// copy is the original's encoding with its id swapped, so 100,000 copies
	// cost one Marshal, not 100,000.
	const marker, placeholder = "@@scale-copies@@", "cust_scale_placeholder"
	parent[key] = append(parent[key].([]any), marker)
	doc, err := json.Marshal(root)
	if err != nil {
		return nil, err
	}
	copyOf := map[string]any{}
	for k, v := range original {
		copyOf[k] = v
	}
	copyOf["id"] = placeholder
	item, err := json.Marshal(copyOf)
	if err != nil {
		return nil, err
	}
	before, after, _ := bytes.Cut(doc, []byte(`"`+marker+`"`))
	prefix, suffix, _ := bytes.Cut(item, []byte(placeholder))
	return writeCopies(filepath.Join(dir, "otark.yaml"), before, after, prefix, suffix, n)
}

func writeCopies(path string, before, after, prefix, suffix []byte, n int) ([]string, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	ids := make([]string, n)
	if n == 0 {
		before = bytes.TrimSuffix(before, []byte(","))
	}
	_, _ = w.Write(before)
	for i := range n {
		if i > 0 {
			_, _ = w.WriteString(",")
		}
		ids[i] = fmt.Sprintf("cust_scale%07d", i)
		_, _ = w.WriteString("\n")
		_, _ = w.Write(prefix)
		_, _ = w.WriteString(ids[i])
		_, _ = w.Write(suffix)
	}
	_, _ = w.Write(after)
	if err := w.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	return ids, f.Close()
}

// findByID returns the mapping and key whose list holds the customer with
// that id, and the customer. YAML's timestamps decode to time.Time, which
// JSON writes as RFC 3339: the same instant the YAML said.
func findByID(v any, id string) (parent map[string]any, key string, customer map[string]any) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			items, _ := child.([]any)
			for _, it := range items {
				if m, ok := it.(map[string]any); ok && m["id"] == id {
					return v, k, m
				}
			}
			if p, pk, m := findByID(child, id); m != nil {
				return p, pk, m
			}
		}
	case []any:
		for _, child := range v {
			if p, pk, m := findByID(child, id); m != nil {
				return p, pk, m
			}
		}
	}
	return nil, "", nil
}
