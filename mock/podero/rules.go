package podero

import (
	"fmt"
	"slices"
	"strings"
)

// contractRules are Podero's rules beyond the schema, run with the field
// validation as pydantic field validators would: on the fields that passed
// (a field that failed is nil in c). fieldErrs are the body's field errors:
// a currency that failed its own type check is nil in c as an absent one
// is, but pydantic runs no validator of a field that failed, so it gets no
// second error.
func contractRules(c Contract, fieldErrs []fieldError) []fieldError {
	loc := func() []any { return appendLoc(bodyLoc, "currency_energy_price") }
	currency := c.CurrencyEnergyPrice
	if currency == nil && failedAt(fieldErrs, "currency_energy_price") {
		return nil
	}
	if currency != nil && !isCurrencyCode(*currency) {
		return []fieldError{valueError(loc(), fmt.Sprintf("'%s' is not an ISO 4217 currency code", *currency))}
	}
	hourly := c.EnergyContractType != nil && *c.EnergyContractType == "spot_hourly" && len(c.EnergyPrices) > 0
	if hourly && currency == nil {
		return []fieldError{valueError(loc(), "currency_energy_price is required when hourly energy prices are given")}
	}
	return nil
}

// failedAt says whether one of errs is at the body field name itself.
func failedAt(errs []fieldError, name string) bool {
	for _, e := range errs {
		if n := len(bodyLoc); len(e.Loc) == n+1 && slices.Equal(e.Loc[:n], bodyLoc) && e.Loc[n] == name {
			return true
		}
	}
	return false
}

func buildingError(id string) []fieldError {
	return []fieldError{valueError(appendLoc(bodyLoc, "building_id"), fmt.Sprintf("building %s is not one of the user's buildings", id))}
}

// iso4217 holds the active codes of ISO 4217 list one (2025), funds and
// precious-metal codes included, ANG kept through its phase-out. It is data
// of a standard, not of Podero's spec, which only names the standard.
var iso4217 = func() map[string]bool {
	const codes = `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND
BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC
CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF
GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF
KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU
MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR
PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN
SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW
UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF
XPT XSU XTS XUA XXX YER ZAR ZMW ZWG`
	m := make(map[string]bool)
	for _, c := range strings.Fields(codes) {
		m[c] = true
	}
	return m
}()

func isCurrencyCode(s string) bool { return iso4217[s] }
