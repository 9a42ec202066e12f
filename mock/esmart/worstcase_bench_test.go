package esmart

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/server"
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
	srv := httptest.NewServer(server.New(api))
	defer srv.Close()
	url := srv.URL + "/api/customers/" + strconv.Itoa(kari.customerID)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequest(http.MethodPatch, url, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth(kari.username, kari.password)
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var answer errorBody
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			err = json.Unmarshal(raw, &answer)
		}
		if err != nil || resp.StatusCode != http.StatusBadRequest {
			b.Fatalf("status %d, %v", resp.StatusCode, err)
		}
		n := 0
		for _, msgs := range answer.ModelState {
			n += len(msgs)
		}
		if n != worstCaseErrors {
			b.Fatalf("%d errors, want %d", n, worstCaseErrors)
		}
	}
}
