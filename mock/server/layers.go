package server

import (
	"encoding/json"
	"net/http"

	"github.com/gridtwin/gridtwin/mock/journal"
)

// vendorLayers runs before a vendor route's handler: it names the API for
// the journal, opens the request's session, reads the Prefer header,
// applies latency and faults, and answers a forced code or example instead
// of the handler.
func (h *Handler) vendorLayers(api API, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		journal.SetAPI(r, api.Name())
		r, ok := h.inSession(w, r, api)
		if !ok {
			return
		}
		prefs, err := parsePrefer(r.Header.Values("Prefer"))
		if err != nil {
			refusePreference(w, r, err)
			return
		}
		if h.chaos.apply(w, r, api, prefs) && !h.force(w, r, api, prefs) {
			next.ServeHTTP(w, r)
		}
	})
}

// refusePreference answers a Prefer the mock cannot honour. The body is
// the mock's, not the vendor's, so that it is never taken for the vendor's
// own 400: it says "gridtwin" and what would have been accepted.
func refusePreference(w http.ResponseWriter, r *http.Request, err error) {
	journal.Decide(r, "mock/prefer-refused")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"gridtwin_error": err.Error()})
}
