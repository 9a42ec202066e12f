package otark

import (
	"encoding/json"
	"strings"
	"time"
)

// record is how the store keeps a customerRecord: every string of it in one
// immutable string, and the timestamps as numbers. The GC marks a record by
// two pointers to memory it need not scan, where a Customer holds a dozen
// pointers to strings and structs allocated one by one: with 100,000
// customers, held twice once a session has written them all (the fixture
// and the write), marking those was what made a PATCH a fifth slower than
// on the default fixtures.
type record struct {
	// data is the BRP, id, name and status, the balance group's EIC and
	// TSO when there is one, then each metadata pair's key and value.
	data string
	// ends is where each string of data ends.
	ends                         []uint32
	assigned, created, activated stamp
	hasBalanceGroup, isActivated bool
}

// stamp is a time.Time without its location: answers are in UTC.
type stamp struct {
	sec  int64
	nsec int32
}

func stampOf(t time.Time) stamp { return stamp{t.Unix(), int32(t.Nanosecond())} }

func (s stamp) time() time.Time { return time.Unix(s.sec, int64(s.nsec)).UTC() }

const (
	fieldBRP = iota
	fieldID
	fieldName
	fieldStatus
	fieldsFixed // the balance group's two, or the first metadata key, start here
)

func pack(rec customerRecord) record {
	c := rec.Customer
	n, size := 0, 0
	packedStrings(rec, func(s string) { n, size = n+1, size+len(s) })
	var b strings.Builder
	b.Grow(size)
	ends := make([]uint32, 0, n)
	packedStrings(rec, func(s string) {
		b.WriteString(s)
		ends = append(ends, uint32(b.Len()))
	})
	p := record{
		data: b.String(), ends: ends,
		assigned: stampOf(c.AssignedAt), created: stampOf(c.CreatedAt),
		hasBalanceGroup: c.BalanceGroup != nil, isActivated: c.ActivatedAt != nil,
	}
	if c.ActivatedAt != nil {
		p.activated = stampOf(*c.ActivatedAt)
	}
	return p
}

// packedStrings calls yield with each string of data, in order.
func packedStrings(rec customerRecord, yield func(string)) {
	c := rec.Customer
	for _, s := range [...]string{rec.BRP, c.ID, c.Name, c.Status} {
		yield(s)
	}
	if c.BalanceGroup != nil {
		yield(c.BalanceGroup.EIC)
		yield(c.BalanceGroup.TSO)
	}
	for _, p := range c.Metadata {
		yield(p.Key)
		yield(p.Value)
	}
}

// str is the i-th string of data: a substring, not a copy.
func (p record) str(i int) string {
	start := uint32(0)
	if i > 0 {
		start = p.ends[i-1]
	}
	return p.data[start:p.ends[i]]
}

func (p record) brp() string    { return p.str(fieldBRP) }
func (p record) id() string     { return p.str(fieldID) }
func (p record) name() string   { return p.str(fieldName) }
func (p record) status() string { return p.str(fieldStatus) }

func (p record) firstPair() int {
	if p.hasBalanceGroup {
		return fieldsFixed + 2
	}
	return fieldsFixed
}

func (p record) pairs() int { return (len(p.ends) - p.firstPair()) / 2 }

// pair is the i-th metadata pair, in key order.
func (p record) pair(i int) MetadataPair {
	at := p.firstPair() + 2*i
	return MetadataPair{p.str(at), p.str(at + 1)}
}

// unpack is the record as a customerRecord; its strings share data.
func (p record) unpack() customerRecord {
	var bg *BalanceGroup
	if p.hasBalanceGroup {
		bg = new(BalanceGroup)
	}
	var activated *time.Time
	if p.isActivated {
		activated = new(time.Time)
	}
	return customerRecord{BRP: p.brp(), Customer: p.customerInto(make(Metadata, 0, p.pairs()), bg, activated)}
}

// customerInto is the record's customer with its metadata in pairs'
// memory and its balance group and activation in bg and activated (each
// needed only when the record has one), so that a caller that only
// encodes it can keep all of them on the stack.
func (p record) customerInto(pairs Metadata, bg *BalanceGroup, activated *time.Time) Customer {
	c := Customer{
		ID: p.id(), Name: p.name(), Status: p.status(), Metadata: pairs[:0],
		AssignedAt: p.assigned.time(), CreatedAt: p.created.time(),
	}
	for i := range p.pairs() {
		c.Metadata = append(c.Metadata, p.pair(i))
	}
	if p.hasBalanceGroup {
		*bg = BalanceGroup{EIC: p.str(fieldsFixed), TSO: p.str(fieldsFixed + 1)}
		c.BalanceGroup = bg
	}
	if p.isActivated {
		*activated = p.activated.time()
		c.ActivatedAt = activated
	}
	return c
}

// appendJSON writes the record's customer as Customer.appendJSON does,
// without unpacking it onto the heap: a read allocates only its answer.
func (p record) appendJSON(b []byte) []byte {
	var pairs [8]MetadataPair
	var bg BalanceGroup
	var activated time.Time
	c := p.customerInto(pairs[:0], &bg, &activated)
	return c.appendJSON(b)
}

// MarshalJSON writes the record as its customerRecord, for a store that
// keeps JSON.
func (p record) MarshalJSON() ([]byte, error) { return json.Marshal(p.unpack()) }

// UnmarshalJSON reads what MarshalJSON writes.
func (p *record) UnmarshalJSON(b []byte) error {
	var rec customerRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return err
	}
	*p = pack(rec)
	return nil
}
