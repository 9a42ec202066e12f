package otark

import (
	"fmt"
	"slices"
)

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
