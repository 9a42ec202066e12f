package podero

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/gorilla/mux"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
	"github.com/gridtwin/gridtwin/mock/internal/reqbody"
	"github.com/gridtwin/gridtwin/mock/journal"
)

// maxBody is Django's DATA_UPLOAD_MAX_MEMORY_SIZE: a larger body cannot be
// read, which the mock answers like any unreadable body.
const maxBody = 2621440

var utf8BOM = []byte("\xef\xbb\xbf")

// readBody reads the body (raw nil when empty: django-ninja then reports
// the payload missing) and, unless quickContract takes it, decodes it. ok
// is false after a 400.
func readBody(w http.ResponseWriter, r *http.Request, op *operation) (in requestBody, ok bool) {
	raw, err := reqbody.Read(w, r, maxBody)
	if err != nil {
		journal.Decide(r, "podero/malformed-json")
		writeDetail(w, http.StatusBadRequest, detailCannotParse)
		return requestBody{}, false
	}
	if len(raw) == 0 {
		r.Body = http.NoBody
		return requestBody{}, true
	}
	// ninja parses with json.loads(request.body), which detects a leading
	// UTF-8 byte order mark on bytes (utf-8-sig) and skips it. A body that
	// is only the mark is empty JSON, a parse error, as in Python.
	in.raw = bytes.TrimPrefix(raw, utf8BOM)
	if in.contract, in.quick = quickContract(op, in.raw); !in.quick {
		if in.payload, err = decodePython(in.raw); err != nil {
			journal.Decide(r, "podero/malformed-json")
			writeDetail(w, http.StatusBadRequest, detailCannotParse)
			return requestBody{}, false
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(in.raw))
	return in, true
}

// contractFrom builds the stored contract from a checked body: PUT replaces,
// so an absent field is null and absent or null prices are empty.
func contractFrom(body *jsonparse.Object) Contract {
	// The optional strings share one backing array: a contract's five
	// pointers cost one allocation, not five.
	held := new([5]string)
	str := func(i int, k string) *string {
		if s, ok := fieldOf(body, k).(string); ok {
			held[i] = s
			return &held[i]
		}
		return nil
	}
	list, _ := fieldOf(body, "energy_prices").([]any)
	c := Contract{
		EnergyContractType:  str(0, "energy_contract_type"),
		EnergyPrices:        make([]Price, 0, len(list)),
		Building:            str(1, "building_id"),
		MeterID:             str(2, "meter_id"),
		Supplier:            str(3, "supplier"),
		CurrencyEnergyPrice: str(4, "currency_energy_price"),
	}
	if b, ok := fieldOf(body, "energy_price_includes_external_components").(bool); ok {
		c.EnergyPriceIncludesExternalComponents = &b
	}
	for _, item := range list {
		p, _ := item.(*jsonparse.Object)
		price, _ := fieldOf(p, "price").(float64)
		ts, _ := fieldOf(p, "timestamp").(string)
		c.EnergyPrices = append(c.EnergyPrices, Price{Price: price, Timestamp: ts})
	}
	return c
}

// fieldOf is a checked object's member, nil when absent (or the object is).
func fieldOf(obj *jsonparse.Object, name string) any {
	if obj == nil {
		return nil
	}
	v, _ := obj.Get(name)
	return v
}

// request is the common front of the contract operations, in the
// contract's order: 401, 400, 422, then 403 for a foreign organization and
// 404 for a user not in it. It answers and returns ok=false on failure.
func (a *API) request(w http.ResponseWriter, r *http.Request, op *operation) (checked, bool) {
	orgID, ok, err := a.authenticate(r)
	if err != nil {
		a.writeStoreError(w, r, err)
		return checked{}, false
	}
	if !ok {
		journal.Decide(r, "podero/auth-invalid-token")
		writeDetail(w, http.StatusUnauthorized, detailUnauthorized)
		return checked{}, false
	}
	var in requestBody
	if op.body != nil {
		if in, ok = readBody(w, r, op); !ok {
			return checked{}, false
		}
	}
	c, errs := a.validate(op, mux.Vars(r), in)
	if r.Context().Err() != nil {
		return checked{}, false // the client has gone: nobody reads an answer
	}
	if len(errs) > 0 {
		journal.Decide(r, "podero/validation-error-shape")
		writeValidation(w, errs)
		return checked{}, false
	}
	if c.ids["org_id"] != orgID {
		journal.Decide(r, "podero/foreign-organization")
		writeDetail(w, http.StatusForbidden, detailForbidden)
		return checked{}, false
	}
	return c, true
}

// userOf looks the user up in the organization.
func (a *API) userOf(c checked) *user {
	org := a.dir.orgs[c.ids["org_id"]]
	if org == nil {
		return nil
	}
	return org.users[c.ids["user_id"]]
}

func (a *API) listContracts(w http.ResponseWriter, r *http.Request) {
	c, ok := a.request(w, r, a.list)
	if !ok {
		return
	}
	if a.userOf(c) == nil {
		journal.Decide(r, "podero/not-found")
		writeDetail(w, http.StatusNotFound, detailNotFound)
		return
	}
	list, _, err := a.contracts.Get(r.Context(), a.session(r), contractsKey(c.ids["org_id"], c.ids["user_id"]))
	if err != nil {
		a.writeStoreError(w, r, err)
		return
	}
	writeBody(w, http.StatusOK, appendContracts(make([]byte, 0, 384*len(list)+2), list))
}

func (a *API) createContract(w http.ResponseWriter, r *http.Request) {
	c, ok := a.request(w, r, a.create)
	if !ok {
		return
	}
	in := c.contract
	in.ID = newUUID()
	a.storeContract(w, r, c, in, func(list []Contract) ([]Contract, bool) {
		return append(slices.Clip(list), in), true
	})
}

func (a *API) updateContract(w http.ResponseWriter, r *http.Request) {
	c, ok := a.request(w, r, a.update)
	if !ok {
		return
	}
	in := c.contract
	in.ID = c.ids["energy_contract_id"]
	a.storeContract(w, r, c, in, func(list []Contract) ([]Contract, bool) {
		i := slices.IndexFunc(list, func(old Contract) bool { return old.ID == in.ID })
		if i < 0 {
			return nil, false
		}
		next := slices.Clone(list)
		next[i] = in
		return next, true
	})
}

// These stop a store update that breaks a rule: a contract the user
// lacks (404), a building that is not the user's (422), in that order.
var (
	errUnknownContract = errors.New("no such contract")
	errForeignBuilding = errors.New("not the user's building")
)

// storeContract checks that the user exists, then replaces the user's
// contract list by change's answer (false: no such contract) if the
// building is the user's, in one atomic step, and answers the contract.
func (a *API) storeContract(w http.ResponseWriter, r *http.Request, c checked, in Contract, change func([]Contract) ([]Contract, bool)) {
	u := a.userOf(c)
	if u == nil {
		journal.Decide(r, "podero/not-found")
		writeDetail(w, http.StatusNotFound, detailNotFound)
		return
	}
	_, err := a.contracts.Update(r.Context(), a.session(r), contractsKey(c.ids["org_id"], u.ID), func(list []Contract) ([]Contract, error) {
		next, ok := change(list)
		if !ok {
			return nil, errUnknownContract
		}
		if in.Building != nil && !u.ownsBuilding(*in.Building) {
			return nil, errForeignBuilding
		}
		return next, nil
	})
	switch {
	case errors.Is(err, errUnknownContract):
		journal.Decide(r, "podero/not-found")
		writeDetail(w, http.StatusNotFound, detailNotFound)
	case errors.Is(err, errForeignBuilding):
		journal.Decide(r, "podero/application-rules")
		writeValidation(w, buildingError(*in.Building))
	case err != nil:
		a.writeStoreError(w, r, err)
	default:
		journal.Decide(r, "podero/response-fields")
		writeBody(w, http.StatusOK, in.appendJSON(make([]byte, 0, 384)))
	}
}

// newUUID is a random (version 4) UUID, lower-case.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
