package otark

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// The store keeps customers packed: what comes out must be what went in,
// but for the location of the timestamps (answers are in UTC).
func TestPackedRecordGivesBackTheCustomer(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	at := time.Date(2026, 3, 1, 12, 30, 15, 999_000_001, berlin)
	many := map[string]string{}
	for i := range 12 { // more pairs than appendJSON keeps on its stack
		many[fmt.Sprintf("k%02d", i)] = fmt.Sprintf("v%d", i)
	}
	for _, rec := range []customerRecord{
		{BRP: "brp_1", Customer: Customer{ID: "cust_1", Name: "Plain", Status: "active", Metadata: Metadata{}}},
		{BRP: "", Customer: Customer{ID: "", Name: "", Status: "", Metadata: MetadataOf(map[string]string{"": ""})}},
		{BRP: "brp_2", Customer: Customer{
			ID: "cust_2", Name: "Ünïcode 🌊 \xff", Status: "pending",
			BalanceGroup: &BalanceGroup{EIC: "11XGRIDTWIN-1", TSO: "50Hertz"},
			Metadata:     MetadataOf(many),
			AssignedAt:   at, CreatedAt: at.Add(-time.Hour), ActivatedAt: &at,
		}},
		{BRP: "brp_3", Customer: Customer{ID: "cust_3", Metadata: MetadataOf(map[string]string{"a": "1"}), ActivatedAt: &at}},
	} {
		p := pack(rec)
		back := p.unpack()
		if !sameRecord(back, rec) {
			t.Errorf("unpack(pack(%+v)) = %+v", rec, back)
		}
		want, _ := rec.Customer.MarshalJSON()
		if got := p.appendJSON(nil); string(got) != string(want) {
			t.Errorf("record %q encodes as\n %s\nwant\n %s", rec.Customer.ID, got, want)
		}
		stored, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var read record
		if err := json.Unmarshal(stored, &read); err != nil {
			t.Fatalf("%s does not read back: %v", stored, err)
		}
		// The JSON a Redis store keeps is the customerRecord's.
		var viaJSON customerRecord
		if err := json.Unmarshal(stored, &viaJSON); err != nil || !sameRecord(read.unpack(), viaJSON) {
			t.Errorf("%s reads back as %+v, a customerRecord as %+v (%v)", stored, read.unpack(), viaJSON, err)
		}
	}
}

// sameRecord compares timestamps as instants and everything else exactly.
func sameRecord(got, want customerRecord) bool {
	g, w := got.Customer, want.Customer
	instant := func(a, b *time.Time) bool {
		return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
	}
	if !instant(&g.AssignedAt, &w.AssignedAt) || !instant(&g.CreatedAt, &w.CreatedAt) || !instant(g.ActivatedAt, w.ActivatedAt) {
		return false
	}
	g.AssignedAt, g.CreatedAt, g.ActivatedAt = w.AssignedAt, w.CreatedAt, w.ActivatedAt
	return got.BRP == want.BRP && reflect.DeepEqual(g, w)
}
