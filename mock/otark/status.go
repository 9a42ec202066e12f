package otark

import (
	"fmt"
	"time"
)

var statuses = []string{"pending", "active", "deactivated"}

// ruleError is a business rule the request breaks, answered as a problem.
type ruleError struct {
	kind   problemKind
	detail string
}

func (e *ruleError) Error() string { return e.kind.slug + ": " + e.detail }

// moveStatus applies a status change to c. Setting the current status is a
// conflict (already_<status>); nothing goes back to pending; every other
// move is allowed and each move to active stamps activated_at, while
// deactivation keeps it as a record of the last activation.
func moveStatus(c *Customer, to string, now time.Time) *ruleError {
	switch {
	case c.Status == to:
		return &ruleError{alreadyInStatus(to), fmt.Sprintf("Customer %s is already %s.", c.ID, to)}
	case to == "pending":
		return &ruleError{errInvalidTransition, fmt.Sprintf("Customer %s cannot move from %s back to pending.", c.ID, c.Status)}
	}
	c.Status = to
	if to == "active" {
		t := now.UTC().Truncate(time.Second)
		c.ActivatedAt = &t
	}
	return nil
}
