package jsonparse

import (
	"math"
	"testing"
)

// The wanted bytes are Python 3's json.dumps, run once for this table.
func TestPythonFormsAreJSONDumps(t *testing.T) {
	for f, want := range map[float64]string{
		0: "0.0", 1: "1.0", 100: "100.0", 0.3: "0.3", 0.2841: "0.2841", -12.5: "-12.5",
		1e16: "1e+16", 9999999999999998: "9999999999999998.0", 1.5e16: "1.5e+16",
		1e-4: "0.0001", 1e-5: "1e-05", 0.00012: "0.00012", 1.2345678901234569e+23: "1.2345678901234569e+23",
		5e-324: "5e-324", 1.7976931348623157e+308: "1.7976931348623157e+308", 123456.789: "123456.789",
		1e21: "1e+21", 1e20: "1e+20",
	} {
		if got := string(AppendPyFloat(nil, f)); got != want {
			t.Errorf("AppendPyFloat(%v) = %s, json.dumps %s", f, got, want)
		}
	}
	if got := string(AppendPyFloat(nil, math.Copysign(0, -1))); got != "-0.0" {
		t.Errorf("AppendPyFloat(-0) = %s, json.dumps -0.0", got)
	}
	const odd = "Zürich 🌊 \u2028 \x7f \x00 \"q\" \\ <&> \n\t\b\f"
	const oddPy = `"Z\u00fcrich \ud83c\udf0a \u2028 \u007f \u0000 \"q\" \\ <&> \n\t\b\f"`
	if got := string(AppendPyString(nil, odd)); got != oddPy {
		t.Errorf("AppendPyString = %s, json.dumps %s", got, oddPy)
	}
	compact, _ := Marshal(map[string]any{"a": odd, "n": []any{1, 2.5, nil, true}})
	if got, want := string(PyFormat(compact)), `{"a": `+oddPy+`, "n": [1, 2.5, null, true]}`; got != want {
		t.Errorf("PyFormat(%s) = %s, json.dumps %s", compact, got, want)
	}
}
