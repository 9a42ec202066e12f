package otark

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/gorilla/mux"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
	"github.com/gridtwin/gridtwin/mock/internal/reqbody"
	"github.com/gridtwin/gridtwin/mock/journal"
	"github.com/gridtwin/gridtwin/mock/store"
)

// maxBodyBytes is the contract's 1 MiB body limit.
const maxBodyBytes = 1 << 20

// patchCustomer answers PATCH /v1/customers/{customer_id}, checking in the
// contract's order: auth, scope, rate limit, body, customer, business rules.
func (a *API) patchCustomer(w http.ResponseWriter, r *http.Request) {
	key, sess, ok := a.admit(w, r, scopeWrite)
	if !ok {
		return
	}
	decoded, p := readJSON(w, r)
	if p != nil {
		answerProblem(w, r, p)
		return
	}
	if fieldErrs := a.validator.validate(decoded); len(fieldErrs) > 0 {
		p := errValidation.problem(r, "")
		p.Errors = fieldErrs
		answerProblem(w, r, p)
		return
	}
	update := parseUpdate(decoded.(*jsonparse.Object))

	updated, p, err := a.updateCustomer(r, sess, key.brp, mux.Vars(r)["customer_id"], update)
	if err != nil {
		a.writeStoreError(w, r, err)
		return
	}
	if p != nil {
		answerProblem(w, r, p)
		return
	}
	journal.Decide(r, "otark/success-returns-customer")
	writeCustomer(w, updated)
}

// admit runs the checks every operation starts with, in the contract's
// order: the key (401), the rate-limit count, the scope (403), the limit
// (429). It answers when the request stops there.
func (a *API) admit(w http.ResponseWriter, r *http.Request, scope string) (apiKey, store.Session, bool) {
	keyValue := r.Header.Get("X-Api-Key")
	key, ok := a.keys[keyValue]
	if !ok {
		answerProblem(w, r, errInvalidAPIKey.problem(r, ""))
		return apiKey{}, nil, false
	}
	sess := a.session(r)
	// Every request of a known key counts, the 403s too, and carries the
	// headers; the scope is still answered before the limit.
	rate, err := a.takeRate(r.Context(), sess, keyValue, a.now())
	if err != nil {
		a.writeStoreError(w, r, err)
		return apiKey{}, nil, false
	}
	rate.setHeaders(w.Header())
	if !slices.Contains(key.scopes, scope) {
		answerProblem(w, r, errInsufficientScopes.problem(r, missingScope(scope)))
		return apiKey{}, nil, false
	}
	if rate.exceeded {
		w.Header().Set("Retry-After", strconv.Itoa(rate.reset))
		answerProblem(w, r, errRateLimitExceeded.problem(r, fmt.Sprintf(
			"Rate limit of %d requests per %d seconds exceeded. Retry in %d seconds.", rate.limit, int(rateWindow.Seconds()), rate.reset)))
		return apiKey{}, nil, false
	}
	return key, sess, true
}

func missingScope(scope string) string {
	return "Missing scope: " + scope + ". Please create a new API key with the required scopes."
}

// errRefused stops a store update whose rules failed; the problem to
// answer travels beside it.
var errRefused = errors.New("refused by a rule")

// updateCustomer computes the whole new customer and stores it only if
// every rule passes, so a failing PATCH changes nothing; the store makes
// the read and the write one atomic step.
func (a *API) updateCustomer(r *http.Request, sess store.Session, b *brp, id string, u customerUpdate) (record, *Problem, error) {
	var refused *Problem
	stored, err := a.customers.Update(r.Context(), sess, id, func(cur record) (record, error) {
		rec := cur.unpack()
		if refused = a.applyUpdate(r, b, &rec, u); refused != nil {
			return cur, errRefused
		}
		return pack(rec), nil
	})
	switch {
	case errors.Is(err, errRefused):
		return record{}, refused, nil
	case errors.Is(err, store.ErrNotFound):
		return record{}, errCustomerNotFound.problem(r, ""), nil
	case err != nil:
		return record{}, nil, err
	}
	return stored, nil, nil
}

// applyUpdate replaces rec's customer with the updated one, or answers the
// rule it breaks. The customer rec holds is shared and never modified.
func (a *API) applyUpdate(r *http.Request, b *brp, rec *customerRecord, u customerUpdate) *Problem {
	// Another BRP's customer is as invisible as one that does not exist.
	if rec.BRP != b.id {
		return errCustomerNotFound.problem(r, "")
	}
	// A copy of the struct is enough: every change below replaces a
	// field (a new balance group, activation or metadata), none writes
	// through what the stored customer points at.
	next := rec.Customer
	// Balance-group rules come before status rules: a request breaking
	// both is answered with the balance-group error.
	if u.balanceGroup != nil {
		if err := b.checkBalanceGroup(*u.balanceGroup); err != nil {
			return err.kind.problem(r, err.detail)
		}
		bg := *u.balanceGroup
		next.BalanceGroup = &bg
	}
	if u.status != nil {
		if err := moveStatus(&next, *u.status, a.now()); err != nil {
			return err.kind.problem(r, err.detail)
		}
	}
	if u.metadata != nil {
		next.Metadata = mergeMetadata(next.Metadata, u.metadata)
	}
	rec.Customer = next
	return nil
}

// nodeJSON is JSON.parse's rules, as Otark's server is Node: a number past
// float64 is Infinity, a lone surrogate stays one, no depth limit of its own
// (the decoder is iterative), and objects keep their keys in body order for
// Zod's order of issues.
var nodeJSON = jsonparse.Options{OverflowToInfinity: true, KeepLoneSurrogates: true, Ordered: true}

// readJSON reads and parses the body, answering 415, 413 or 400
// invalid_json when it cannot.
func readJSON(w http.ResponseWriter, r *http.Request) (any, *Problem) {
	contentType := r.Header.Get("Content-Type")
	if contentType == "" {
		return nil, errUnsupportedMediaType.problem(r, "Missing Content-Type header. Send the body as application/json.")
	}
	if !isJSON(contentType) {
		return nil, errUnsupportedMediaType.problem(r, fmt.Sprintf("Content-Type %q is not supported. Send the body as application/json.", contentType))
	}
	raw, err := reqbody.Read(w, r, maxBodyBytes)
	if err != nil {
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			return nil, errPayloadTooLarge.problem(r, fmt.Sprintf("The request body exceeds %d bytes.", maxBodyBytes))
		}
		return nil, errInvalidJSON.problem(r, "The request body could not be read.")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, errInvalidJSON.problem(r, "The request body is empty.")
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD; RFC 8259
	// requires UTF-8, so such a body is not JSON.
	if !utf8.Valid(raw) {
		return nil, errInvalidJSON.problem(r, "The request body is not valid UTF-8.")
	}
	decoded, err := jsonparse.Decode(raw, nodeJSON)
	if err != nil {
		return nil, errInvalidJSON.problem(r, "The request body is not valid JSON: "+err.Error())
	}
	return decoded, nil
}

// isJSON tells whether contentType names application/json, parameters
// aside. The spellings clients send are answered without ParseMediaType,
// whose parameter map was a twentieth of a PATCH's handler.
func isJSON(contentType string) bool {
	switch contentType {
	case "application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8":
		return true
	}
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && mediaType == "application/json"
}

// methodNotAllowed answers any other method on a path, before auth, as a
// router does; allow lists the path's methods.
func methodNotAllowed(allow string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		answerProblem(w, r, errMethodNotAllowed.problem(r, fmt.Sprintf("Method %s is not allowed. Allowed: %s.", r.Method, allow)))
	})
}

// getCustomer answers GET /v1/customers/{customer_id}: the customer as the
// last PATCH left it; another BRP's customer is as invisible as one that
// does not exist.
func (a *API) getCustomer(w http.ResponseWriter, r *http.Request) {
	key, sess, ok := a.admit(w, r, scopeRead)
	if !ok {
		return
	}
	rec, found, err := a.customers.Get(r.Context(), sess, mux.Vars(r)["customer_id"])
	if err != nil {
		a.writeStoreError(w, r, err)
		return
	}
	if !found || rec.brp() != key.brp.id {
		answerProblem(w, r, errCustomerNotFound.problem(r, ""))
		return
	}
	writeCustomer(w, rec)
}

// listCustomers answers GET /v1/customers: a page of the key's BRP's
// customers in id order, after the cursor, filtered by status and search.
func (a *API) listCustomers(w http.ResponseWriter, r *http.Request) {
	key, sess, ok := a.admit(w, r, scopeRead)
	if !ok {
		return
	}
	values, fieldErrs := a.listValidator.validate(r.URL.Query())
	if len(fieldErrs) > 0 {
		p := errValidation.problem(r, "")
		p.Errors = fieldErrs
		answerProblem(w, r, p)
		return
	}
	q := listQuery{limit: int(values["limit"].(float64))}
	q.status, _ = values["status"].(string)
	q.search, _ = values["search"].(string)
	q.after, _ = values["after"].(string)
	found := newPage(key.brp.id, q)
	if err := a.customers.Each(r.Context(), sess, found.consider); err != nil {
		a.writeStoreError(w, r, err)
		return
	}
	customers, more := found.result()
	w.Header().Set("Content-Type", "application/json")
	_, _ = journal.Write(w, listBody(customers, q.limit, more))
}

// writeCustomer answers 200 with one customer.
func writeCustomer(w http.ResponseWriter, rec record) {
	// Not json.Marshal: it would re-scan and compact what MarshalJSON
	// returns, a seventh of the whole request in the profile. Not a copy
	// either: the record is immutable, and neither the journal nor net/http
	// writes to what it is handed.
	body := rec.json()
	w.Header().Set("Content-Type", "application/json")
	_, _ = journal.Write(w, unsafe.Slice(unsafe.StringData(body), len(body)))
}
