package server

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// preferences are what a request asks of the mock itself in its Prefer
// headers (RFC 7240), in Prism's grammar: "Prefer: code=404", "Prefer:
// example=NAME", and WireMock's delays and faults as "delay=300ms" and
// "fault=reset". Preferences the mock does not know are ignored, as RFC
// 7240 asks; a known one with a value it cannot honour is refused, since a
// developer who asked for a 409 and silently got a 200 would chase a bug
// that is not there.
type preferences struct {
	delay    time.Duration
	hasDelay bool
	fault    string
	code     int
	example  string
}

// maxDelay bounds Prefer: delay, so that a request cannot hold a
// connection for long.
const maxDelay = 60 * time.Second

func parsePrefer(values []string) (preferences, error) {
	var p preferences
	for _, value := range values {
		for _, item := range strings.Split(value, ",") {
			// Parameters after ';' belong to the preference; none is used.
			item, _, _ = strings.Cut(item, ";")
			name, val, _ := strings.Cut(strings.TrimSpace(item), "=")
			val = strings.Trim(strings.TrimSpace(val), `"`)
			if err := p.set(strings.ToLower(strings.TrimSpace(name)), val); err != nil {
				return preferences{}, err
			}
		}
	}
	return p, nil
}

func (p *preferences) set(name, val string) error {
	switch name {
	case "delay":
		d, err := parseDelay(val)
		if err != nil {
			return fmt.Errorf("Prefer: delay=%s: %w", val, err)
		}
		p.delay, p.hasDelay = d, true
	case "fault":
		if !isFault(val) {
			return fmt.Errorf("Prefer: fault=%s: the faults are %s", val, strings.Join(faultKinds, ", "))
		}
		p.fault = val
	case "code":
		n, err := strconv.Atoi(val)
		if err != nil || n < 100 || n > 599 {
			return fmt.Errorf("Prefer: code=%s: not an HTTP status code", val)
		}
		p.code = n
	case "example":
		if val == "" {
			return fmt.Errorf("Prefer: example= names no example")
		}
		p.example = val
	}
	return nil
}

// parseDelay takes a Go duration ("300ms", "1.5s") or a number of
// milliseconds ("300"), from 0 to maxDelay.
func parseDelay(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		ms, msErr := strconv.Atoi(s)
		if msErr != nil {
			return 0, fmt.Errorf("not a duration such as 300ms or 2s")
		}
		d = time.Duration(ms) * time.Millisecond
	}
	if d < 0 || d > maxDelay {
		return 0, fmt.Errorf("a delay is between 0 and %s", maxDelay)
	}
	return d, nil
}
