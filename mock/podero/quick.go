package podero

import (
	"io"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
)

// quickContract reads a contract body in one pass straight into a Contract,
// for the body a frontend sends: an object of declared members, each once,
// each a value pydantic takes without a second look (a string, a finite
// number, a bool or null where the spec allows it). Decoding into a tree
// and coercing it was half of a PUT's own cost.
//
// It only ever accepts: on anything else (an unknown or repeated member, a
// value pydantic refuses or converts from another JSON type, a syntax
// error) it answers ok=false and the request takes the full path, which
// decides. So what it accepts must be what the full path makes of the same
// body, which TestQuickContractAgreesWithTheFullPath holds it to.
func quickContract(op *operation, raw []byte) (Contract, bool) {
	if !op.quick || !utf8.Valid(raw) {
		return Contract{}, false
	}
	q := quickReader{r: jsonparse.NewReader(raw, pythonJSON)}
	q.r.ShareText()
	c, ok := q.contract(op.body)
	if !ok {
		return Contract{}, false
	}
	if _, err := q.r.Next(); err != io.EOF {
		return Contract{}, false
	}
	return c, true
}

type quickReader struct{ r *jsonparse.Reader }

// members reads an object's members after its '{', handing each declared
// one to read, and reports whether every member was declared, came once
// and was read, and the required ones were there.
func (q quickReader) members(f *fieldSpec, read func(name string, child *fieldSpec) bool) bool {
	var seen uint64
	for {
		t, err := q.r.Next()
		if err != nil {
			return false
		}
		if t.Kind == jsonparse.KindDelim {
			break // '}': the grammar allows no other delimiter here
		}
		i := slices.Index(f.props, t.Str)
		if i < 0 || i >= 64 || seen&(1<<i) != 0 || !read(t.Str, f.children[t.Str]) {
			return false
		}
		seen |= 1 << i
	}
	for _, name := range f.required {
		if i := slices.Index(f.props, name); i < 0 || seen&(1<<i) == 0 {
			return false
		}
	}
	return true
}

func (q quickReader) contract(f *fieldSpec) (Contract, bool) {
	if t, err := q.r.Next(); err != nil || t.Delim != '{' {
		return Contract{}, false
	}
	// As in contractFrom: the optional strings share one backing array.
	held := new([5]string)
	c := Contract{EnergyPrices: []Price{}}
	ok := q.members(f, func(name string, child *fieldSpec) bool {
		var ok bool
		switch name {
		case "energy_contract_type":
			c.EnergyContractType, ok = q.str(child, &held[0])
		case "building_id":
			c.Building, ok = q.str(child, &held[1])
		case "meter_id":
			c.MeterID, ok = q.str(child, &held[2])
		case "supplier":
			c.Supplier, ok = q.str(child, &held[3])
		case "currency_energy_price":
			c.CurrencyEnergyPrice, ok = q.str(child, &held[4])
		case "energy_price_includes_external_components":
			c.EnergyPriceIncludesExternalComponents, ok = q.bool(child)
		case "energy_prices":
			c.EnergyPrices, ok = q.prices(child)
		}
		return ok
	})
	return c, ok
}

// str reads a value the spec types as a string of some kind: nil for null.
func (q quickReader) str(f *fieldSpec, held *string) (*string, bool) {
	t, err := q.r.Next()
	switch {
	case err != nil:
		return nil, false
	case t.Kind == jsonparse.KindNull:
		return nil, f.nullable
	case t.Kind != jsonparse.KindString:
		return nil, false
	}
	var e *fieldError
	switch f.kind {
	case kindEnum:
		*held, e = pyEnum(t.Str, f.enum)
	case kindUUID:
		*held, e = pyUUID(t.Str)
	case kindDatetime:
		*held, e = pyDatetime(t.Str)
	case kindString:
		*held, e = pyString(t.Str, f.maxLength)
	default:
		return nil, false
	}
	return held, e == nil
}

func (q quickReader) bool(f *fieldSpec) (*bool, bool) {
	t, err := q.r.Next()
	switch {
	case err != nil || f.kind != kindBool:
		return nil, false
	case t.Kind == jsonparse.KindNull:
		return nil, f.nullable
	case t.Kind != jsonparse.KindBool:
		return nil, false
	}
	return &t.Bool, true
}

func (q quickReader) prices(f *fieldSpec) ([]Price, bool) {
	t, err := q.r.Next()
	switch {
	case err != nil || f.kind != kindList || f.items == nil || f.items.kind != kindObject:
		return nil, false
	case t.Kind == jsonparse.KindNull:
		return []Price{}, f.nullable
	case t.Delim != '[':
		return nil, false
	}
	prices := []Price{}
	for {
		t, err := q.r.Next()
		switch {
		case err != nil:
			return nil, false
		case t.Delim == ']':
			return prices, true
		case t.Delim != '{':
			return nil, false
		}
		p, ok := q.price(f.items)
		if !ok {
			return nil, false
		}
		prices = append(prices, p)
	}
}

// price reads one price's members after its '{'.
func (q quickReader) price(f *fieldSpec) (Price, bool) {
	var p Price
	ok := q.members(f, func(name string, child *fieldSpec) bool {
		switch name {
		case "price":
			return q.number(child, &p.Price)
		case "timestamp":
			var ts string
			s, ok := q.str(child, &ts)
			if s != nil {
				p.Timestamp = *s
			}
			return ok
		}
		return false
	})
	return p, ok
}

// number reads a finite number literal, or null (left at 0) where allowed.
func (q quickReader) number(f *fieldSpec, into *float64) bool {
	t, err := q.r.Next()
	switch {
	case err != nil || f.kind != kindNumber:
		return false
	case t.Kind == jsonparse.KindNull:
		return f.nullable
	case t.Kind != jsonparse.KindNumber:
		return false
	}
	x, err := strconv.ParseFloat(string(t.Num), 64)
	if err != nil {
		return false
	}
	n, e := pyFloat(x)
	*into = n
	return e == nil
}
