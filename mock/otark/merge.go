package otark

import "maps"

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
func parseUpdate(body map[string]any) customerUpdate {
	var u customerUpdate
	if s, ok := body["status"].(string); ok {
		u.status = &s
	}
	if bg, ok := body["balance_group"].(map[string]any); ok {
		eic, _ := bg["eic"].(string)
		tso, _ := bg["tso"].(string)
		u.balanceGroup = &BalanceGroup{EIC: eic, TSO: tso}
	}
	if md, ok := body["metadata"].(map[string]any); ok {
		u.metadata = make(map[string]*string, len(md))
		for k, v := range md {
			if s, ok := v.(string); ok {
				u.metadata[k] = &s
			} else {
				u.metadata[k] = nil
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
