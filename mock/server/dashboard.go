package server

import (
	_ "embed"
	"net/http"
)

// dashboardPage is the whole dashboard: one HTML file with its script and
// style inline, no build step and nothing fetched from elsewhere.
//
//go:embed dashboard/index.html
var dashboardPage []byte

func dashboard(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// Nothing from another origin, and no page may frame it.
	w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.Header().Set("X-Frame-Options", "DENY")
	_, _ = w.Write(dashboardPage)
}
