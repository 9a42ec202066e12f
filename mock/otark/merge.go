package otark

import (
	"maps"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
)

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
func mergeMetadata(current map[string]string, patch map[string]*string) map[string]string {
	out := maps.Clone(current)
	if out == nil {
		out = map[string]string{}
	}
	for k, v := range patch {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = *v
		}
	}
	return out
}
