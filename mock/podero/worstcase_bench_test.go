package podero

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock/internal/mocktest"
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
	api, err := New(fixtures.FS(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	mocktest.BenchHTTP(b, mocktest.Start(b, api), contractPut(worstCaseInvalidPrices()), func(a mocktest.Answer) error {
		if a.Status != http.StatusUnprocessableEntity {
			return fmt.Errorf("status %d", a.Status)
		}
		// Counting is enough here; the test decodes the answer in full.
		if n := bytes.Count(a.Body, []byte(`{"type":"model_attributes_type"`)); n != worstCaseItems {
			return fmt.Errorf("%d errors, want %d", n, worstCaseItems)
		}
		return nil
	})
}
