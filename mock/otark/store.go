package otark

import (
	"encoding/binary"
	"encoding/json"
	"time"
	"unsafe"
)

// record is how the store keeps a customerRecord: all of it in one
// immutable string. The GC marks a record by one pointer to memory it need
// not scan, where a Customer holds a dozen pointers to strings and structs
// allocated one by one: with 100,000 customers, held twice once a session
// has written them all (the fixture and the write), marking those made a
// PATCH a fifth slower than on the default fixtures, and the heap twice
// the size.
type record struct {
	// data is, in order: the flags (recordHasBalanceGroup and
	// recordIsActivated); the assigned, created and activated timestamps
	// (unix seconds, int64, and nanoseconds, uint32, little-endian); the
	// number of strings and where each ends after the header (uint32s);
	// then the strings: the BRP, id, name and status, the balance group's
	// EIC and TSO when there is one, and each metadata pair's key and value;
	// last, the customer as the API writes it. The JSON costs a third more
	// memory and saves every read its encoding: a list page of ten
	// customers spent a fifth of its handler on timestamps and escapes.
	data string
}

const (
	recordHasBalanceGroup = 1 << iota
	recordIsActivated
)

const (
	offAssigned  = 1
	offCreated   = offAssigned + stampSize
	offActivated = offCreated + stampSize
	offCount     = offActivated + stampSize
	offEnds      = offCount + 4
	stampSize    = 12
)

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
	// One buffer for the header, the strings and the JSON after them. The
	// JSON repeats every string but the BRP, quoted, among member names and
	// stamps; room for escapes is left to append.
	jsonSize := size - len(rec.BRP) + 4*n + jsonOverhead
	b := make([]byte, 0, offEnds+4*n+size+jsonSize)
	var flags byte
	if c.BalanceGroup != nil {
		flags |= recordHasBalanceGroup
	}
	var activated time.Time
	if c.ActivatedAt != nil {
		flags |= recordIsActivated
		activated = *c.ActivatedAt
	}
	b = append(b, flags)
	for _, t := range [...]time.Time{c.AssignedAt, c.CreatedAt, activated} {
		b = binary.LittleEndian.AppendUint64(b, uint64(t.Unix()))
		b = binary.LittleEndian.AppendUint32(b, uint32(t.Nanosecond()))
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	end := 0
	packedStrings(rec, func(s string) {
		end += len(s)
		b = binary.LittleEndian.AppendUint32(b, uint32(end))
	})
	packedStrings(rec, func(s string) { b = append(b, s...) })
	b = c.appendJSON(b)
	// b is never written again: the record may own it without a copy.
	return record{unsafe.String(unsafe.SliceData(b), len(b))}
}

// jsonOverhead is what a customer's JSON adds to its strings besides
// their quotes and separators: member names, braces and three timestamps.
const jsonOverhead = 192

func (p record) uint32At(off int) uint32 {
	d := p.data[off : off+4]
	return uint32(d[0]) | uint32(d[1])<<8 | uint32(d[2])<<16 | uint32(d[3])<<24
}

func (p record) stamp(off int) time.Time {
	sec := uint64(p.uint32At(off)) | uint64(p.uint32At(off+4))<<32
	return time.Unix(int64(sec), int64(p.uint32At(off+8))).UTC()
}

func (p record) count() int { return int(p.uint32At(offCount)) }

func (p record) hasBalanceGroup() bool { return p.data[0]&recordHasBalanceGroup != 0 }
func (p record) isActivated() bool     { return p.data[0]&recordIsActivated != 0 }

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

// str is the i-th string: a substring of data, not a copy.
func (p record) str(i int) string { return p.data[p.end(i-1):p.end(i)] }

// end is where the i-th string ends in data; end(-1) is where the strings
// start, end(count-1) where the customer's JSON does.
func (p record) end(i int) int {
	strs := offEnds + 4*p.count()
	if i < 0 {
		return strs
	}
	return strs + int(p.uint32At(offEnds+4*i))
}

func (p record) brp() string    { return p.str(fieldBRP) }
func (p record) id() string     { return p.str(fieldID) }
func (p record) name() string   { return p.str(fieldName) }
func (p record) status() string { return p.str(fieldStatus) }

func (p record) firstPair() int {
	if p.hasBalanceGroup() {
		return fieldsFixed + 2
	}
	return fieldsFixed
}

func (p record) pairs() int { return (p.count() - p.firstPair()) / 2 }

// pair is the i-th metadata pair, in key order.
func (p record) pair(i int) MetadataPair {
	at := p.firstPair() + 2*i
	return MetadataPair{p.str(at), p.str(at + 1)}
}

// unpack is the record as a customerRecord; its strings share data.
func (p record) unpack() customerRecord {
	c := Customer{
		ID: p.id(), Name: p.name(), Status: p.status(), Metadata: make(Metadata, 0, p.pairs()),
		AssignedAt: p.stamp(offAssigned), CreatedAt: p.stamp(offCreated),
	}
	for i := range p.pairs() {
		c.Metadata = append(c.Metadata, p.pair(i))
	}
	if p.hasBalanceGroup() {
		c.BalanceGroup = &BalanceGroup{EIC: p.str(fieldsFixed), TSO: p.str(fieldsFixed + 1)}
	}
	if p.isActivated() {
		activated := p.stamp(offActivated)
		c.ActivatedAt = &activated
	}
	return customerRecord{BRP: p.brp(), Customer: c}
}

// json is the record's customer as Customer.appendJSON wrote it when the
// record was packed.
func (p record) json() string { return p.data[p.end(p.count()-1):] }

// appendJSON appends the record's json.
func (p record) appendJSON(b []byte) []byte { return append(b, p.json()...) }

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
