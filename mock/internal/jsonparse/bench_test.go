package jsonparse

import (
	"strconv"
	"strings"
	"testing"
)

// The decoder's cost per byte should not depend on the body's shape: the
// same size nested deep, spread over many keys, or as many errors' worth of
// small items should take about the same ns/op.
func benchmarkDecode(b *testing.B, body string) {
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode([]byte(body), Options{Ordered: true, OverflowToInfinity: true, KeepLoneSurrogates: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeDeep(b *testing.B) {
	benchmarkDecode(b, strings.Repeat("[", 1<<18)+strings.Repeat("]", 1<<18))
}

func BenchmarkDecodeManyKeys(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"k":0`)
	for i := 0; sb.Len() < 1<<19; i++ {
		sb.WriteString(`,"k` + strconv.Itoa(i) + `":` + strconv.Itoa(i))
	}
	sb.WriteString("}")
	benchmarkDecode(b, sb.String())
}

func BenchmarkDecodeManyItems(b *testing.B) {
	benchmarkDecode(b, "["+strings.Repeat("1,", 1<<18)+"1]")
}

// A request body of a few members and one nested item, as the vendors'
// PUT and PATCH bodies are: the cost that matters on the hot path.
func BenchmarkDecodeSmallBody(b *testing.B) {
	body := []byte(`{"energy_contract_type":"spot_hourly","energy_prices":[{"price":0.2841,"timestamp":"2026-01-10T09:00:00Z"}],"building_id":null,"meter_id":"M123","supplier":"gridtwin bench","currency_energy_price":"EUR","energy_price_includes_external_components":true}`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(body, Options{Ordered: true}); err != nil {
			b.Fatal(err)
		}
	}
}
