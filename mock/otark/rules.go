package otark

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
	"github.com/gridtwin/gridtwin/mock/journal"
)

// ruleOfSlug names the rule of docs/contract.md behind each problem, for
// the request journal: a developer sees why the mock answered so.
var ruleOfSlug = map[string]string{
	"invalid_api_key":               "otark/auth-unknown-key",
	"insufficient_scopes":           "otark/scope",
	"customer_not_found":            "otark/customer-not-found",
	"already_active":                "otark/already-active",
	"already_pending":               "otark/status-transitions",
	"already_deactivated":           "otark/status-transitions",
	"invalid_status_transition":     "otark/status-transitions",
	"balance_group_tso_not_enabled": "otark/tso-not-enabled",
	"balance_group_not_found":       "otark/balance-group-not-found",
	"rate_limit_exceeded":           "otark/rate-limit",
	"invalid_json":                  "otark/body-errors",
	"unsupported_media_type":        "otark/body-errors",
	"payload_too_large":             "otark/body-errors",
	"method_not_allowed":            "otark/body-errors",
}

// ruleOfCode is the rule behind a validation problem's first entry.
var ruleOfCode = map[string]string{
	"read_only_field":    "otark/read-only-field",
	"unknown_field":      "otark/unknown-field",
	"invalid_enum_value": "otark/enum-value",
	"invalid_type":       "otark/invalid-type",
	"required":           "otark/balance-group-required",
}

func ruleOf(p *Problem) string {
	slug := strings.TrimPrefix(p.Type, problemTypeBase)
	if slug == errValidation.slug && len(p.Errors) > 0 {
		if rule, ok := ruleOfCode[p.Errors[0].Code]; ok {
			return rule
		}
	}
	if rule, ok := ruleOfSlug[slug]; ok {
		return rule
	}
	return "otark/problem-details"
}

// answerProblem answers p and tells the journal which rule decided it.
func answerProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	journal.Decide(r, ruleOf(p))
	writeProblem(w, p)
}

// customerUpdate is a validated PATCH body. A nil field was absent and
// leaves the customer's value alone.
type customerUpdate struct {
	status       *string
	balanceGroup *BalanceGroup
	// metadata maps a key to its new value; a nil value removes the key.
	metadata map[string]*string
}

// parseUpdate reads a body the validator has accepted, so every present
// field has its schema's type.
func parseUpdate(body *jsonparse.Object) customerUpdate {
	var u customerUpdate
	get := func(o *jsonparse.Object, key string) any { v, _ := o.Get(key); return v }
	if s, ok := get(body, "status").(string); ok {
		u.status = &s
	}
	if bg, ok := get(body, "balance_group").(*jsonparse.Object); ok {
		eic, _ := get(bg, "eic").(string)
		tso, _ := get(bg, "tso").(string)
		u.balanceGroup = &BalanceGroup{EIC: eic, TSO: tso}
	}
	if md, ok := get(body, "metadata").(*jsonparse.Object); ok {
		u.metadata = make(map[string]*string, len(md.Members))
		for _, m := range md.Members {
			if s, ok := m.Value.(string); ok {
				u.metadata[m.Key] = &s
			} else {
				u.metadata[m.Key] = nil
			}
		}
	}
	return u
}

// mergeMetadata is Otark's merge: given keys are added or overwritten,
// absent keys are kept, and a key set to null is removed. current is not
// modified.
func mergeMetadata(current Metadata, patch map[string]*string) Metadata {
	out := make(Metadata, 0, len(current)+len(patch))
	for _, p := range current {
		if _, given := patch[p.Key]; !given {
			out = append(out, p)
		}
	}
	for k, v := range patch {
		if v != nil {
			out = append(out, MetadataPair{k, *v})
		}
	}
	slices.SortFunc(out, func(x, y MetadataPair) int { return strings.Compare(x.Key, y.Key) })
	return out
}

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

// tsoNotEnabledDetail is the wording of the spec's example.
const tsoNotEnabledDetail = "The requested TSO is not enabled for this balance group. Enable it via the balance group settings first."

// checkBalanceGroup says whether the BRP may assign bg: the EIC must be one
// of the BRP's balance groups and the TSO enabled for it.
func (b *brp) checkBalanceGroup(bg BalanceGroup) *ruleError {
	tsos, ok := b.balanceGroups[bg.EIC]
	if !ok {
		return &ruleError{errBalanceGroupNotFound, fmt.Sprintf("Balance group %s does not exist for this BRP.", bg.EIC)}
	}
	if !slices.Contains(tsos, bg.TSO) {
		return &ruleError{errBalanceGroupTSODisabled, tsoNotEnabledDetail}
	}
	return nil
}
