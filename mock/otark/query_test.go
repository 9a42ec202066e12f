package otark

import (
	"strings"
	"testing"
)

// The memory of passed values is bounded in count and in what it keeps:
// a client sending ever new or long values must not grow it.
func TestPassedValuesStayBounded(t *testing.T) {
	var c passedValues
	for i := range 3 * passedLimit {
		c.add(float64(i))
	}
	if n := len(c.values); n == 0 || n > passedLimit {
		t.Fatalf("holds %d values after %d adds, want 1 to %d", n, 3*passedLimit, passedLimit)
	}
	long := strings.Repeat("x", passedMaxLen+1)
	c.add(long)
	c.add("active")
	if c.has(long) || !c.has("active") {
		t.Fatalf("has(long) = %v, has(short) = %v; want false, true", c.has(long), c.has("active"))
	}
}
