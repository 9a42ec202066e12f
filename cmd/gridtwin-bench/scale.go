package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

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
	// Encoding 100,000 YAML trees takes seconds; encoding one copy in flow
	// style (a single line) and repeating that line with new ids is the same
	// document in a fraction of the time.
	const placeholder = "cust_scale_placeholder"
	c := cloneNode(original)
	setID(c, placeholder)
	c.Style = yaml.FlowStyle
	list.Content = append(list.Content, c)
	var doc bytes.Buffer
	enc := yaml.NewEncoder(&doc)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	text := doc.String()
	at := strings.Index(text, placeholder)
	if at < 0 || strings.Count(text, placeholder) != 1 {
		return nil, errors.New("otark.yaml: cannot place the copies")
	}
	lineStart := strings.LastIndexByte(text[:at], '\n') + 1
	lineEnd := at + strings.IndexByte(text[at:], '\n') + 1
	before, line, after := text[:lineStart], text[lineStart:lineEnd], text[lineEnd:]
	if !strings.HasSuffix(strings.TrimSpace(line), "}") {
		return nil, fmt.Errorf("otark.yaml: the copy did not fit one line: %q", line)
	}
	prefix, suffix, _ := strings.Cut(line, placeholder)

	f, err := os.Create(filepath.Join(dir, "otark.yaml"))
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	ids := make([]string, n)
	_, _ = w.WriteString(before)
	for i := range n {
		ids[i] = fmt.Sprintf("cust_scale%07d", i)
		_, _ = w.WriteString(prefix)
		_, _ = w.WriteString(ids[i])
		_, _ = w.WriteString(suffix)
	}
	_, _ = w.WriteString(after)
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
