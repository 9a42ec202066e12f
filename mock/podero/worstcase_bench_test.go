package podero

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/server"
)

const worstCaseItems = 140000

// worstCaseInvalidPrices is the worst case podero body: 140,000 invalid
// energy_prices items in 280 KB, each one an error pydantic lists.
func worstCaseInvalidPrices() []byte {
	var b bytes.Buffer
	b.WriteString(`{"energy_prices":[`)
	for i := range worstCaseItems {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('1')
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// The body is answered over real HTTP, by the server every test uses.
func BenchmarkPoderoWorstCaseInvalidPrices(b *testing.B) {
	body := worstCaseInvalidPrices()
	api, err := New(fixtures.FS(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(server.New(api))
	defer srv.Close()
	url := srv.URL + "/api/partners/v2.0/org/" + benchOrg + "/users/" + benchUser + "/energy-contracts/" + benchContract
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+benchToken)
		resp, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusUnprocessableEntity {
			b.Fatalf("status %d, %v", resp.StatusCode, err)
		}
		// Counting is enough here; the test decodes the answer in full.
		if n := bytes.Count(raw, []byte(`{"type":"model_attributes_type"`)); n != worstCaseItems {
			b.Fatalf("%d errors, want %d", n, worstCaseItems)
		}
	}
}
