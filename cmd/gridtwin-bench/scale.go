package main

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// writeScaleFixtures writes a fixture directory whose otark.yaml holds n more
// customers, each a copy of the conformance customer under a new id, and the
// other vendors' default fixtures beside it. It works on the YAML tree, not
// on otark's Go types: the copies land in the same list as the original, so
// they belong to the same BRP and key whatever the fixture's layout.
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
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, fmt.Errorf("otark.yaml: %w", err)
	}
	list, original := findByID(&root, customerID)
	if list == nil {
		return nil, fmt.Errorf("otark.yaml has no customer with id %q", customerID)
	}
	ids := make([]string, n)
	for i := range n {
		ids[i] = fmt.Sprintf("cust_scale%07d", i)
		c := cloneNode(original)
		setID(c, ids[i])
		list.Content = append(list.Content, c)
	}

	f, err := os.Create(filepath.Join(dir, "otark.yaml"))
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriter(f)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		f.Close()
		return nil, err
	}
	if err := enc.Close(); err != nil {
		f.Close()
		return nil, err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	return ids, f.Close()
}

// findByID returns the sequence holding the mapping whose id is id.
func findByID(n *yaml.Node, id string) (list, item *yaml.Node) {
	if n.Kind == yaml.SequenceNode {
		for _, c := range n.Content {
			if c.Kind == yaml.MappingNode && idOf(c) == id {
				return n, c
			}
		}
	}
	for _, c := range n.Content {
		if l, it := findByID(c, id); l != nil {
			return l, it
		}
	}
	return nil, nil
}

func idOf(m *yaml.Node) string {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "id" {
			return m.Content[i+1].Value
		}
	}
	return ""
}

func setID(m *yaml.Node, id string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "id" {
			m.Content[i+1] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: id}
		}
	}
}

func cloneNode(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = cloneNode(k)
	}
	return &c
}
