package specs

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// ReconstructedMarker marks, on a schema of a reconstructed document, the
// keywords no seed states: the list of keywords (`[format]`), or `true`
// for every keyword of that schema. A server is never failed on them.
const ReconstructedMarker = "x-gridtwin-reconstructed"

// Reconstructed returns the constraints of the named document marked with
// ReconstructedMarker inside object properties, as JSON Pointer suffixes of
// a validator's keyword location: "/properties/BirthDate/format" for one
// keyword, "/properties/BirthDate/" for the whole schema.
func Reconstructed(name string) ([]string, error) {
	b, err := Bytes(name)
	if err != nil {
		return nil, err
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("specs: parse %s: %w", name, err)
	}
	var out []string
	walkReconstructed(&root, nil, &out)
	return out, nil
}

func walkReconstructed(n *yaml.Node, path []string, out *[]string) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			walkReconstructed(c, path, out)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i].Value, n.Content[i+1]
			if key == ReconstructedMarker {
				*out = append(*out, reconstructedSuffixes(path, value)...)
				continue
			}
			walkReconstructed(value, append(path, key), out)
		}
	}
}

// reconstructedSuffixes names the marked keywords by the property chain
// that leads to them: the only part of the location that does not depend
// on where the validator found the schema (a $ref, a response).
func reconstructedSuffixes(path []string, marker *yaml.Node) []string {
	i := len(path)
	for i >= 2 && path[i-2] == "properties" {
		i -= 2
	}
	if i == len(path) {
		return nil // not a property: the marker documents, it does not relax
	}
	prefix := "/" + strings.Join(path[i:], "/") + "/"
	if marker.Kind == yaml.ScalarNode {
		if marker.Value == "true" {
			return []string{prefix}
		}
		return nil
	}
	var out []string
	for _, k := range marker.Content {
		out = append(out, prefix+k.Value)
	}
	return out
}
