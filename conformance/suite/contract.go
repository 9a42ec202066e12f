package suite

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/gridtwin/gridtwin/docs"
)

// ContractRule is one rule of docs/contract.md.
type ContractRule struct {
	ID     string // "<api>/<rule>"
	API    string // the API's name, or "shared"
	Tag    string // "D", "F" or "C"
	Source string
	Text   string
	// NotChecked is why the suite has no check for a [D] or [F] rule.
	NotChecked string
}

// Anchor is where a failure points a reader.
func (r ContractRule) Anchor() string {
	return "docs/contract.md#" + strings.ReplaceAll(r.ID, "/", "-")
}

var ruleLine = regexp.MustCompile(`^- <a id="([a-z0-9-]+)"></a>\*\*([a-z]+)/([a-z0-9-]+)\*\* \[([DFC])\] \*([^*]+)\*: (.+)$`)

// ParseContract reads the rule lines of a contract document. A line that
// starts like a rule but does not have a rule's shape is an error, so a
// typo cannot drop a rule silently.
func ParseContract(text string) ([]ContractRule, error) {
	var rules []ContractRule
	seen := map[string]bool{}
	for i, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "- <a id=") {
			continue
		}
		m := ruleLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("contract line %d is not a rule line: %.80q", i+1, line)
		}
		r := ContractRule{ID: m[2] + "/" + m[3], API: m[2], Tag: m[4], Source: m[5], Text: m[6]}
		if m[1] != strings.ReplaceAll(r.ID, "/", "-") {
			return nil, fmt.Errorf("contract line %d: anchor %q does not match rule %s", i+1, m[1], r.ID)
		}
		if seen[r.ID] {
			return nil, fmt.Errorf("contract line %d: rule %s stated twice", i+1, r.ID)
		}
		seen[r.ID] = true
		if _, why, ok := strings.Cut(r.Text, "Not checked: "); ok {
			r.NotChecked = why
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// contractRules are the rules of the embedded contract, by ID.
var contractRules = func() map[string]ContractRule {
	rules, err := ParseContract(docs.Contract)
	if err != nil {
		panic("conformance: docs/contract.md: " + err.Error())
	}
	byID := make(map[string]ContractRule, len(rules))
	for _, r := range rules {
		byID[r.ID] = r
	}
	return byID
}()
