package esmart

import (
	"bytes"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
	"github.com/gridtwin/gridtwin/mock/journal"
)

// ASP.NET Web API 2 answers errors with its HttpError type, serialised by the
// same negotiated formatter as any other result: {"Message": ...}, and for
// an invalid model also "ModelState", a map from key to messages.

const (
	msgInvalidRequest = "The request is invalid."
	msgDenied         = "Authorization has been denied for this request."
)

type httpError struct {
	Message    string     `json:"Message"`
	ModelState modelState `json:"ModelState,omitzero"`
}

// modelState keeps keys in the order errors were added, as ASP.NET's
// dictionary does; a Go map alone would sort them. The index finds a key's
// entry in constant time: a body may add thousands of keys (every spelling
// of a property name is its own path).
type modelState struct {
	entries []modelStateEntry
	index   map[string]int
}

type modelStateEntry struct {
	key      string
	messages []string
}

func (ms *modelState) add(key, message string) {
	if i, ok := ms.index[key]; ok {
		ms.entries[i].messages = append(ms.entries[i].messages, message)
		return
	}
	if ms.index == nil {
		ms.index = map[string]int{}
	}
	ms.index[key] = len(ms.entries)
	ms.entries = append(ms.entries, modelStateEntry{key: key, messages: []string{message}})
}

// len is the number of keys with an error.
func (ms modelState) len() int { return len(ms.entries) }

// IsZero lets omitzero leave ModelState out of an answer without errors.
func (ms modelState) IsZero() bool { return len(ms.entries) == 0 }

func (ms modelState) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, e := range ms.entries {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, err := jsonparse.Marshal(e.key)
		if err != nil {
			return nil, err
		}
		v, err := jsonparse.Marshal(e.messages)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// responseMediaTypes are the help page's response formats; the first is the
// default when Accept names none of them.
var responseMediaTypes = []string{"application/json", "text/json", "text/html"}

// contentTypes is each response media type's Content-Type value, spelled
// once rather than on every answer.
var contentTypes = func() map[string]string {
	m := make(map[string]string, len(responseMediaTypes))
	for _, mt := range responseMediaTypes {
		m[mt] = mt + "; charset=utf-8"
	}
	return m
}()

// negotiate picks the response media type the way Web API's content
// negotiator does for these formatters: the acceptable type with the highest
// quality, ties going to the earlier one in Accept. Wildcards and unknown
// types fall back to application/json, as Web API falls back to its first
// formatter that can write the value.
func negotiate(accept string) string {
	if accept == "" {
		return responseMediaTypes[0]
	}
	best, bestQ := responseMediaTypes[0], 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if qs, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(qs, 64); err == nil {
				q = v
			}
		}
		for _, known := range responseMediaTypes {
			if mt == known && q > bestQ {
				best, bestQ = known, q
			}
		}
	}
	return best
}

func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	body, err := jsonparse.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeBody(w, r, status, body, ruleOfStatus(status, v))
}

// writeCustomer answers a customer with its appending encoder's bytes:
// json.Marshal would check and compact what MarshalJSON wrote.
func writeCustomer(w http.ResponseWriter, r *http.Request, c Customer) {
	writeBody(w, r, http.StatusOK, c.appendJSON(make([]byte, 0, 640)), ruleOfStatus(http.StatusOK, c))
}

// writeBody answers encoded JSON in the negotiated media type. body is
// built for this answer alone: the journal keeps it without a copy.
func writeBody(w http.ResponseWriter, r *http.Request, status int, body []byte, rule string) {
	w.Header().Set("Content-Type", contentTypes[negotiate(r.Header.Get("Accept"))])
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	journal.Decide(r, rule)
	w.WriteHeader(status)
	_, _ = journal.Write(w, body)
}

func writeError(w http.ResponseWriter, r *http.Request, status int, message string) {
	writeJSON(w, r, status, httpError{Message: message})
}

func writeModelState(w http.ResponseWriter, r *http.Request, ms modelState) {
	writeJSON(w, r, http.StatusBadRequest, httpError{Message: msgInvalidRequest, ModelState: ms})
}
