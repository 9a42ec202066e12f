package server

import (
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/gridtwin/gridtwin/mock/journal"
	"github.com/gridtwin/gridtwin/mock/store"
)

const adminPrefix = "/__admin"

// Options configure the handler; the zero value is a mock on loopback with
// no latency, no faults and no request log.
type Options struct {
	// Journal records the requests; nil means a fresh one with defaults.
	Journal *journal.Journal
	// Log receives one line per vendor API request; nil means none.
	Log *slog.Logger
	// Chaos adds latency and faults to the vendor APIs.
	Chaos ChaosOptions
	// AdminToken, when set, is required on every admin call except the
	// health check and the dashboard's static page, as
	// "Authorization: Bearer <token>".
	AdminToken string
	// Version is reported by the health check.
	Version string
	// Store keeps every API's state, per session; nil means a fresh
	// in-memory store.
	Store store.Store
}

func isAdminPath(path string) bool {
	return path == adminPrefix || strings.HasPrefix(path, adminPrefix+"/")
}

func (h *Handler) registerAdmin(r *mux.Router) {
	for _, route := range []struct {
		path, method string
		handler      http.HandlerFunc
	}{
		{"/__admin/reset", http.MethodPost, h.reset},
		{"/__admin/state", http.MethodGet, h.state},
		{"/__admin/health", http.MethodGet, h.health},
		{"/__admin/sessions", http.MethodGet, h.sessions},
		{"/__admin/requests", http.MethodGet + ", " + http.MethodDelete, h.requests},
		{"/__admin/", http.MethodGet, dashboard},
	} {
		methods := strings.Split(route.method, ", ")
		r.HandleFunc(route.path, route.handler).Methods(methods...)
		r.HandleFunc(route.path, methodNotAllowed(route.method))
	}
	r.Handle(adminPrefix, http.RedirectHandler(adminPrefix+"/", http.StatusFound))
}

// adminGuard keeps the admin API to its own origin and, with a token, to
// those who hold it. The vendor APIs' open CORS never applies here: a page
// on another origin can neither read the state nor reset it. Browsers say
// where a request comes from in Sec-Fetch-Site (or at least Origin); a
// request with neither is not from a browser page, and is let through.
func (h *Handler) adminGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !sameOrigin(r) {
			adminError(w, http.StatusForbidden, "the admin API answers only pages of its own origin")
			return
		}
		if h.opts.AdminToken != "" && !tokenExempt(r) && !h.tokenValid(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="gridtwin admin"`)
			adminError(w, http.StatusUnauthorized,
				"the admin API needs the token printed by gridtwin serve: Authorization: Bearer <token>")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "":
	default:
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// tokenExempt: the health check is for probes that carry no secret, and
// the dashboard's page is static; every call it makes carries the token.
func tokenExempt(r *http.Request) bool {
	return r.Method == http.MethodGet && (r.URL.Path == "/__admin/health" || r.URL.Path == "/__admin/" || r.URL.Path == adminPrefix)
}

func (h *Handler) tokenValid(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(h.opts.AdminToken)) == 1
}

func adminError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func sessionOf(r *http.Request) string { return r.Header.Get(journal.SessionHeader) }

// requests is GET (newest first, filtered) and DELETE (clear) on the
// caller's session's journal.
func (h *Handler) requests(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodDelete {
		h.journal.Clear(sessionOf(r))
		w.WriteHeader(http.StatusNoContent)
		return
	}
	f, err := journal.ParseFilter(r.URL.Query())
	if err != nil {
		adminError(w, http.StatusBadRequest, err.Error())
		return
	}
	entries := h.journal.List(sessionOf(r), f)
	writeJSON(w, http.StatusOK, map[string]any{"session": sessionOf(r), "requests": entries})
}

func (h *Handler) sessions(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"sessions": h.journal.Sessions()})
}

func (h *Handler) health(w http.ResponseWriter, _ *http.Request) {
	var names []string
	for _, api := range h.APIs() {
		names = append(names, api.Name())
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"status":   "ok",
		"version":  h.opts.Version,
		"apis":     names,
		"uptime_s": int64(time.Since(h.started).Seconds()),
	})
}
