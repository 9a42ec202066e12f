package podero

import (
	"errors"
	"unicode/utf8"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
)

// pythonJSON is json.loads's rules (podero/json-loads): NaN, Infinity and
// -Infinity are numbers, a literal beyond float64 (1e400) is inf, a lone
// surrogate escape stays a lone surrogate; comments, single quotes and
// trailing commas are errors; a duplicate key keeps its last value.
// json.loads recurses, so nesting ends at Python's recursion limit (1000
// frames): 995 levels parse at the top of a Python process, fewer under a
// request's stack. The mock takes 995 as the limit. Objects come back
// Ordered: a slice of a body's few members is cheaper to build and to read
// than a map, and coerce reads each declared field once.
var pythonJSON = jsonparse.Options{AllowNaNInfinity: true, OverflowToInfinity: true, KeepLoneSurrogates: true, MaxDepth: 995, Ordered: true}

// decodePython parses a body as json.loads(request.body) does. Python
// decodes the bytes as UTF-8 first and fails on invalid UTF-8, which ninja
// answers like any parse error.
func decodePython(raw []byte) (any, error) {
	if !utf8.Valid(raw) {
		return nil, errors.New("body is not UTF-8")
	}
	return jsonparse.Decode(raw, pythonJSON)
}
