package server

import (
	"net/http"

	"github.com/gridtwin/gridtwin/mock/store"
)

// inSession opens the session the request names in X-Gridtwin-Session and
// returns the request carrying it. When the session cannot be opened (a
// bad name, too many sessions, no store) it answers in the vendor's
// dialect and returns false.
func (h *Handler) inSession(w http.ResponseWriter, r *http.Request, api API) (*http.Request, bool) {
	sess, err := h.store.Open(r.Context(), r.Header.Get(store.Header))
	if err != nil {
		status, msg := store.Answer(err)
		api.WriteError(w, r, status, msg)
		return r, false
	}
	if sess.Name() != store.DefaultSession {
		w.Header().Set(store.Header, sess.Name())
	}
	return r.WithContext(store.WithSession(r.Context(), sess)), true
}
