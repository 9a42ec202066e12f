package podero

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"math"
	"math/rand/v2"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
)

// pythonLoads runs json.loads on each body: "E" when it raises, otherwise
// "V" and json.dumps of the value (NaN, Infinity and lone surrogates as
// json.dumps writes them, which pythonJSON reads back).
const pythonLoads = `
import json, sys
for line in sys.stdin:
    try:
        v = json.loads(bytes.fromhex(line.strip()))
        print("V" + json.dumps(v))
    except Exception:
        print("E")
`

// TestDecodeAgreesWithPython compares decodePython with Python's json.loads
// on generated bodies: the same verdict and the same value.
func TestDecodeAgreesWithPython(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	rng := rand.New(rand.NewPCG(7, 11))
	bodies := make([]string, 400)
	var in bytes.Buffer
	for i := range bodies {
		bodies[i] = mutate(rng, genValue(rng, 0))
		in.WriteString(hex.EncodeToString([]byte(bodies[i])) + "\n")
	}
	cmd := exec.Command(python, "-c", pythonLoads)
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	accepted := 0
	for i := 0; sc.Scan(); i++ {
		line := sc.Text()
		got, err := decodePython([]byte(bodies[i]))
		if line == "E" {
			if err == nil {
				t.Errorf("%q: Python refuses it, the mock parsed %#v", bodies[i], got)
			}
			continue
		}
		accepted++
		if err != nil {
			t.Errorf("%q: Python parses it, the mock refused: %v", bodies[i], err)
			continue
		}
		want, err := jsonparse.Decode([]byte(line[1:]), pythonJSON)
		if err != nil {
			t.Fatalf("reading Python's %s: %v", line[1:], err)
		}
		if !sameValue(got, want) {
			t.Errorf("%q: mock %#v, Python %s", bodies[i], got, line[1:])
		}
	}
	t.Logf("Python accepted %d of %d bodies", accepted, len(bodies))
	if accepted < len(bodies)/4 || accepted > len(bodies)*3/4 {
		t.Errorf("Python accepted %d of %d bodies: the generator should give both verdicts", accepted, len(bodies))
	}
}

var atoms = []string{
	`NaN`, `Infinity`, `-Infinity`, `1e400`, `-1e400`, `1e-400`, `-0`, `0.5`, `1.5e-3`, `12`, `true`, `false`, `null`,
	`"\ud800"`, `"\udc00x"`, `"\ud800\ud800"`, `"\ud83d\ude00"`, `"a\"b\\"`, `"é"`, `""`,
	`nan`, `inf`, `'x'`, `1.`, `01`, `.5`, `+1`, `"\x"`, `"` + "\x01" + `"`, `undefined`,
}

func genValue(rng *rand.Rand, depth int) string {
	if depth > 3 || rng.IntN(3) == 0 {
		return atoms[rng.IntN(len(atoms))]
	}
	n := rng.IntN(4)
	parts := make([]string, n)
	obj := rng.IntN(2) == 0
	for i := range parts {
		v := genValue(rng, depth+1)
		if obj {
			key := []string{`"a"`, `"b"`, `"a"`, `"\ud800"`, `a`, `'b'`}[rng.IntN(6)]
			v = key + ":" + v
		}
		parts[i] = v
	}
	body := strings.Join(parts, []string{",", ", ", " ,\n"}[rng.IntN(3)])
	if n > 0 && rng.IntN(8) == 0 {
		body += "," // a trailing comma
	}
	if obj {
		return "{" + body + "}"
	}
	return "[" + body + "]"
}

// mutate sometimes breaks a body the way clients do: a comment, a cut, a
// stray character.
func mutate(rng *rand.Rand, body string) string {
	switch rng.IntN(10) {
	case 0:
		return "/* c */" + body
	case 1:
		return body + " // c"
	case 2:
		return body[:rng.IntN(len(body)+1)]
	case 3:
		i := rng.IntN(len(body) + 1)
		return body[:i] + string(",:]}x "[rng.IntN(6)]) + body[i:]
	}
	return " " + body + "\n"
}

// sameValue is reflect.DeepEqual with NaN equal to NaN, and -0 equal to 0:
// Python reads the literal -0 as the integer 0, which has no sign, while
// the mock has only floats.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || math.IsNaN(x) && math.IsNaN(y))
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case *jsonparse.Object:
		// Python's dict keeps body order, as Ordered objects do.
		y, ok := b.(*jsonparse.Object)
		if !ok || len(x.Members) != len(y.Members) {
			return false
		}
		for i, m := range x.Members {
			if m.Key != y.Members[i].Key || !sameValue(m.Value, y.Members[i].Value) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			if w, ok := y[k]; !ok || !sameValue(v, w) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}
