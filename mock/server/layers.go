package server

import (
	"encoding/json"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/gridtwin/gridtwin/mock/journal"
)

// vendorLayers runs before every vendor route's handler: it names the API
// for the journal, opens the request's session, reads the Prefer header, applies latency
// and faults, and answers a forced code or example instead of the handler.
// Admin routes pass through untouched.
func (h *Handler) vendorLayers(rt *routing) mux.MiddlewareFunc {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			api, ok := rt.apiOf[mux.CurrentRoute(r)]
			if !ok {
				next.ServeHTTP(w, r)
				return
			}
			journal.SetAPI(r, api.Name())
			r, ok = h.inSession(w, r, api)
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
