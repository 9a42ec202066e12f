package esmart

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gridtwin/gridtwin/mock/internal/reqbody"
	"github.com/gridtwin/gridtwin/mock/store"
)

// maxBodyBytes is ASP.NET's default maxRequestLength (4 MiB).
const maxBodyBytes = 4 << 20

// realm is the Basic challenge's realm; eSmart does not publish one.
const realm = "esmart"

const modelPrefix = "customer" // the action's parameter name

var utf8BOM = []byte("\xef\xbb\xbf")

// serveCustomer runs the checks in the contract's order: 405, 401, 400
// (customerId), 415, 400 (body), 404.
func (a *API) serveCustomer(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPatch {
		w.Header().Set("Allow", "GET, PATCH")
		writeError(w, r, http.StatusMethodNotAllowed,
			fmt.Sprintf("The requested resource does not support http method '%s'.", r.Method))
		return
	}
	u := a.authenticate(r)
	if u == nil {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+realm+`"`)
		writeError(w, r, http.StatusUnauthorized, msgDenied)
		return
	}
	id, ok := parseCustomerID(r.URL.Path)
	if !ok {
		writeError(w, r, http.StatusBadRequest, msgInvalidRequest)
		return
	}
	if r.Method == http.MethodGet {
		a.respondCustomer(w, r, u, id, nil)
		return
	}
	a.patch(w, r, u, id)
}

func (a *API) patch(w http.ResponseWriter, r *http.Request, u *user, id int32) {
	body, err := reqbody.Read(w, r, maxBodyBytes)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		writeError(w, r, http.StatusBadRequest, msgInvalidRequest)
		return
	}
	// Web API looks for a formatter only when there is a body at all.
	if len(body) == 0 {
		a.respondCustomer(w, r, u, id, nil)
		return
	}
	if msg, ok := unsupportedMediaType(r.Header.Get("Content-Type")); !ok {
		writeError(w, r, http.StatusUnsupportedMediaType, msg)
		return
	}
	// The formatter reads through a StreamReader, which detects a UTF-8
	// byte order mark and skips it; Json.NET never sees it, nor counts it
	// in positions.
	body = bytes.TrimPrefix(body, utf8BOM)
	if len(bytes.TrimSpace(body)) == 0 {
		a.respondCustomer(w, r, u, id, nil) // Json.NET reads blank input as null
		return
	}
	b := bind(r.Context(), body, a.model, modelPrefix)
	if r.Context().Err() != nil {
		return // the client has gone: nobody reads an answer
	}
	a.rules.check(b.strings, modelPrefix, &b.errs)
	if b.errs.len() > 0 {
		writeModelState(w, r, b.errs)
		return
	}
	a.respondCustomer(w, r, u, id, b.strings)
}

// respondCustomer applies changes (nil: none) to the user's customer and
// answers it, or 404 with an empty body.
func (a *API) respondCustomer(w http.ResponseWriter, r *http.Request, u *user, id int32, changes map[string]string) {
	c, ok, err := a.update(r.Context(), a.session(r), u.customerID, id, changes)
	if err != nil {
		status, msg := store.Answer(err)
		a.WriteError(w, r, status, msg)
		return
	}
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	writeCustomer(w, r, c)
}

// authenticate returns the user whose Basic credentials the request carries.
func (a *API) authenticate(r *http.Request) *user {
	name, password, ok := r.BasicAuth()
	if !ok {
		return nil
	}
	u := a.users[name]
	if u == nil || subtle.ConstantTimeCompare([]byte(password), []byte(u.Password)) != 1 {
		return nil
	}
	return u
}

// parseCustomerID binds {customerId} as .NET's Int32 converter does: an
// optional sign, surrounding spaces trimmed, within 32 bits.
func parseCustomerID(path string) (int32, bool) {
	seg, ok := customerIDSegment(path)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(seg), 10, 32)
	if err != nil {
		return 0, false
	}
	return int32(n), true
}

// unsupportedMediaType returns ASP.NET's 415 message unless contentType names
// one of the JSON formatter's media types (parameters are ignored).
func unsupportedMediaType(contentType string) (string, bool) {
	switch contentType {
	case "application/json", "text/json", "application/json; charset=utf-8":
		return "", true // what ParseMediaType would conclude, without its map
	}
	if strings.TrimSpace(contentType) == "" {
		return "The request contains an entity body but no Content-Type header. " +
			"The inferred media type 'application/octet-stream' is not supported for this resource.", false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = strings.TrimSpace(contentType)
	}
	if mt == "application/json" || mt == "text/json" {
		return "", true
	}
	return fmt.Sprintf("The request entity's media type '%s' is not supported for this resource.", mt), false
}
