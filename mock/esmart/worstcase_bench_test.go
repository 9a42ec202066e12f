package esmart

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/internal/mocktest"
)

const worstCaseErrors = 20000

// worstCaseTypeErrors is the worst case esmart body: 20,000 type errors in
// 400 KB, all on one line so that every position is far from a line start,
// under 1,024 spellings of CustomerId (Json.NET matches names ignoring
// case) so that the ModelState has many keys too.
func worstCaseTypeErrors() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i := range worstCaseErrors {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + caseVariant("customerid", i) + `":"abcd"`)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// caseVariant spells name with the letters whose bit is set in n upper-case.
func caseVariant(name string, n int) string {
	out := []byte(name)
	for i := range out {
		if n>>(i%10)&1 == 1 {
			out[i] = strings.ToUpper(string(out[i]))[0]
		}
	}
	return string(out)
}

// The body is answered over real HTTP, by the server every test uses.
func BenchmarkEsmartWorstCaseTypeErrors(b *testing.B) {
	body := worstCaseTypeErrors()
	if len(body) < 390_000 || len(body) > 410_000 {
		b.Fatalf("body is %d bytes, want about 400 KB", len(body))
	}
	api, err := New(fixtures.FS(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	patch := call{method: http.MethodPatch, path: pathOf(kari.customerID), auth: &kari, contentType: "application/json", body: string(body)}
	mocktest.BenchHTTP(b, mocktest.Start(b, api), patch.request(), func(a mocktest.Answer) error {
		var e errorBody
		if err := json.Unmarshal(a.Body, &e); err != nil || a.Status != http.StatusBadRequest {
			return fmt.Errorf("status %d, %v", a.Status, err)
		}
		n := 0
		for _, msgs := range e.ModelState {
			n += len(msgs)
		}
		if n != worstCaseErrors {
			return fmt.Errorf("%d errors, want %d", n, worstCaseErrors)
		}
		return nil
	})
}
