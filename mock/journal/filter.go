package journal

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Filter selects entries; its zero value selects all.
type Filter struct {
	API string
	// Status is an exact status (404) or, with Class set, a class (4 for 4xx).
	Status int
	Class  bool
	// Since keeps entries recorded strictly after this instant.
	Since time.Time
	// Limit caps the number of entries returned; 0 means no cap.
	Limit int
}

// ParseFilter reads the query parameters api, status (404 or 4xx), since
// (RFC 3339) and limit.
func ParseFilter(q url.Values) (Filter, error) {
	var f Filter
	f.API = q.Get("api")
	if s := q.Get("status"); s != "" {
		if class, ok := strings.CutSuffix(strings.ToLower(s), "xx"); ok && len(class) == 1 && class[0] >= '1' && class[0] <= '5' {
			f.Status, f.Class = int(class[0]-'0'), true
		} else if n, err := strconv.Atoi(s); err == nil && n >= 100 && n <= 599 {
			f.Status = n
		} else {
			return Filter{}, fmt.Errorf("status %q is neither a status code (404) nor a class (4xx)", s)
		}
	}
	if s := q.Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return Filter{}, fmt.Errorf("since %q is not an RFC 3339 timestamp such as 2026-01-10T09:00:00Z", s)
		}
		f.Since = t
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return Filter{}, fmt.Errorf("limit %q is not a positive integer", s)
		}
		f.Limit = n
	}
	return f, nil
}

func (f Filter) match(e Entry) bool {
	if f.API != "" && e.API != f.API {
		return false
	}
	if f.Status != 0 {
		if f.Class && e.Status/100 != f.Status {
			return false
		}
		if !f.Class && e.Status != f.Status {
			return false
		}
	}
	return f.Since.IsZero() || e.Time.After(f.Since)
}
