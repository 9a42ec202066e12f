package otark

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
)

// oracleBodies is how many generated bodies the oracle judges.
const oracleBodies = 3000

// TestErrorsAgreeWithZod sends thousands of generated, mostly invalid
// bodies through the mock over HTTP and through the real Zod v3 (npm's
// zod@3, installed into .cache/node), and asserts errors[] agree entry by
// entry: Zod's issues in Zod's order, then the read-only and unknown keys,
// which are the contract's [C] rule and follow in body order (JavaScript
// enumerates them in property order, so the oracle's are re-ordered).
func TestErrorsAgreeWithZod(t *testing.T) {
	prefix := zodPrefix(t)
	rng := rand.New(rand.NewPCG(11, 2026))
	bodies := make([]genBody, oracleBodies)
	for i := range bodies {
		bodies[i] = generateBody(rng)
	}
	verdicts := runOracle(t, prefix, bodies)
	e := newEnv(t, 1<<30)
	for i, b := range bodies {
		got, status := sendRaw(t, e, b.text)
		want := verdicts[i]
		if want.InvalidJSON {
			t.Fatalf("generated body %d is not JSON for JSON.parse: %s", i, b.text)
		}
		expected := append(slices.Clone(want.Errors), b.bodyOrder(want.Extra)...)
		if len(expected) == 0 {
			if status == http.StatusBadRequest && got != nil {
				t.Errorf("body %d: Zod accepts it, the mock answers %v: %s", i, got, b.text)
			}
			continue
		}
		if !reflect.DeepEqual(got, expected) {
			t.Errorf("body %d: %s\nmock errors %v\nzod  errors %v", i, b.text, got, expected)
		}
	}
}

// zodPrefix is the npm prefix holding zod@3, installed on first use.
func zodPrefix(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	prefix := filepath.Join(filepath.Dir(strings.TrimSpace(string(out))), ".cache", "node")
	if _, err := os.Stat(filepath.Join(prefix, "node_modules", "zod", "package.json")); err == nil {
		return prefix
	}
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm is not installed: the Zod oracle (npm's zod@3) cannot be installed")
	}
	cmd := exec.Command("npm", "install", "--no-save", "--prefix", prefix, "zod@3")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install zod@3: %v\n%s", err, out)
	}
	return prefix
}

// oracleEntry is one errors[] entry; Field "" with HasField false is the
// whole body.
type oracleEntry struct {
	Field    string
	HasField bool
	Code     string
	Message  string
}

type verdict struct {
	InvalidJSON bool
	Errors      []oracleEntry
	Extra       []oracleEntry
}

func runOracle(t *testing.T, prefix string, bodies []genBody) []verdict {
	t.Helper()
	var in bytes.Buffer
	for _, b := range bodies {
		in.WriteString(base64.StdEncoding.EncodeToString([]byte(b.text)) + "\n")
	}
	cmd := exec.Command("node", filepath.Join("testdata", "zod", "oracle.js"), prefix)
	cmd.Stdin = &in
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node oracle: %v", err)
	}
	var verdicts []verdict
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		v := decodeLoss(t, sc.Bytes()).(map[string]any)
		verdicts = append(verdicts, verdict{
			InvalidJSON: v["invalid_json"] == true,
			Errors:      entries(v["errors"]),
			Extra:       entries(v["extra"]),
		})
	}
	if len(verdicts) != len(bodies) {
		t.Fatalf("oracle answered %d of %d bodies", len(verdicts), len(bodies))
	}
	return verdicts
}

// decodeLoss decodes JSON keeping lone surrogates, on both sides alike.
func decodeLoss(t *testing.T, b []byte) any {
	t.Helper()
	v, err := jsonparse.Decode(b, jsonparse.Options{KeepLoneSurrogates: true})
	if err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

func entries(v any) []oracleEntry {
	list, _ := v.([]any)
	out := []oracleEntry{}
	for _, item := range list {
		m := item.(map[string]any)
		field, has := m["field"].(string)
		out = append(out, oracleEntry{Field: field, HasField: has, Code: m["code"].(string), Message: m["message"].(string)})
	}
	return out
}

// sendRaw PATCHes text to a foreign customer (a valid body then ends in a
// 404 and changes nothing) and returns errors[] of a validation problem.
func sendRaw(t *testing.T, e *env, text string) ([]oracleEntry, int) {
	t.Helper()
	r := e.For(t).send(http.MethodPatch, "/v1/customers/"+custForeign,
		map[string]string{"Content-Type": "application/json", "X-Api-Key": keyWrite}, []byte(text))
	body := r.Body
	p := decodeLoss(t, body).(map[string]any)
	if p["type"] != problemTypeBase+"validation" {
		return nil, r.Status
	}
	return entries(p["errors"]), r.Status
}

// genBody is a generated body and the body-order rank of each key the
// read-only and unknown-key rules may name.
type genBody struct {
	text string
	rank map[string]int
}

// bodyOrder sorts the oracle's key entries (JavaScript's property order)
// into body order.
func (b genBody) bodyOrder(extra []oracleEntry) []oracleEntry {
	out := slices.Clone(extra)
	slices.SortStableFunc(out, func(x, y oracleEntry) int { return b.rankOf(x.Field) - b.rankOf(y.Field) })
	return out
}

// rankOf also ranks the key of a balance group that came from genScalars
// (`{"a":1}`, a single key) right after the balance_group key.
func (b genBody) rankOf(field string) int {
	if r, ok := b.rank[field]; ok {
		return r
	}
	return b.rank["balance_group"] + 500
}

// Pieces of generated bodies, as JSON text. Escaped surrogates, numbers
// past float64 and deep nesting are where Go's parser differs from Node's.
var (
	genStrings = []string{`"pending"`, `"active"`, `"deactivated"`, `"Active"`, `""`, `"\ud800"`, `"a\udfffb"`, `"\ud83d\ude00"`,
		`"DE_AMPRION"`, `"DE_TENNET"`, `"DE_50HERTZ"`, `"INVALID"`, `"it's"`, `"<&>"`, `"\u2028"`, `"11YSOLARDACH--A"`}
	genScalars = []string{`1`, `0`, `-0`, `1.5`, `1e400`, `-1e400`, `1e-400`, `12345678901234567890`, `true`, `false`, `null`,
		`[]`, `{}`, `[1,"a"]`, `{"a":1}`, strings.Repeat("[", 300) + strings.Repeat("]", 300)}
	genTopKeys = []string{"id", "name", "assigned_at", "activated_at", "created_at", "foo", "Status", "1", "0", "10", "01",
		"", `\ud800`, "metadata_", "__proto__", "constructor", "toString"}
	genMetaKeys = []string{"a", "b", "region", "1", "2", "10", "01", "0", "4294967294", "4294967295", "-1", "1.5", "",
		"a.b", `\udc00`, "__proto__", "constructor", "hasOwnProperty"}
	genBGKeys = []string{"eic", "tso", "region", "EIC", "", "1", `\ud800`}
)

// unescape is a generated key as the parsers read it (the ranks are keyed
// by the fields errors[] names).
func unescape(raw string) string {
	v, err := jsonparse.Decode([]byte(`"`+raw+`"`), jsonparse.Options{KeepLoneSurrogates: true})
	if err != nil {
		panic(err)
	}
	return v.(string)
}

func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

func genValue(rng *rand.Rand) string {
	if rng.IntN(2) == 0 {
		return pick(rng, genStrings)
	}
	return pick(rng, genScalars)
}

func generateBody(rng *rand.Rand) genBody {
	switch rng.IntN(40) {
	case 0:
		return genBody{text: genValue(rng)}
	}
	b := genBody{rank: map[string]int{}}
	var members []string
	add := func(key, value string) {
		if _, seen := b.rank[unescape(key)]; !seen {
			b.rank[unescape(key)] = 1000 * len(members)
		}
		members = append(members, `"`+key+`":`+value)
	}
	for n := rng.IntN(6); n >= 0; n-- {
		switch rng.IntN(6) {
		case 0:
			add("status", genValue(rng))
		case 1:
			if _, seen := b.rank["balance_group"]; !seen {
				add("balance_group", genBalanceGroup(rng, &b, 1000*len(members)))
			}
		case 2:
			add("metadata", genObject(rng, genMetaKeys, 8))
		default:
			key := pick(rng, genTopKeys)
			if _, seen := b.rank[unescape(key)]; !seen {
				add(key, genValue(rng))
			}
		}
	}
	return genBody{text: "{" + strings.Join(members, ",") + "}", rank: b.rank}
}

// genBalanceGroup is rarely not an object; its keys are ranked right after
// the balance_group key's own rank.
func genBalanceGroup(rng *rand.Rand, b *genBody, base int) string {
	if rng.IntN(6) == 0 {
		return genValue(rng)
	}
	var members []string
	seen := map[string]bool{}
	for n := rng.IntN(4); n >= 0; n-- {
		key := pick(rng, genBGKeys)
		if seen[key] {
			continue
		}
		seen[key] = true
		b.rank["balance_group."+unescape(key)] = base + 1 + len(members)
		members = append(members, `"`+key+`":`+genValue(rng))
	}
	return "{" + strings.Join(members, ",") + "}"
}

// genObject is rarely not an object; its keys may repeat (JSON.parse keeps
// the first place and the last value).
func genObject(rng *rand.Rand, keys []string, most int) string {
	if rng.IntN(8) == 0 {
		return genValue(rng)
	}
	var members []string
	for n := rng.IntN(most); n > 0; n-- {
		members = append(members, fmt.Sprintf(`"%s":%s`, pick(rng, keys), genValue(rng)))
	}
	return "{" + strings.Join(members, ",") + "}"
}
