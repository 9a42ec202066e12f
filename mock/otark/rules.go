package otark

import (
	"net/http"
	"strings"

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
