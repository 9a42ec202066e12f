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
