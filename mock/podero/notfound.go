package podero

import (
	"net/http"
	"net/url"

	"github.com/gorilla/mux"
)

// Paths under these prefixes that no route matches are answered by Django's
// URL resolver, not by ninja: ninja only sees requests for its own routes.
var djangoPrefixes = []string{"/api/partners/", "/oauth2/"}

// djangoNotFoundPage is the body of Django's page_not_found view when the
// project has no 404.html template and DEBUG is off (ERROR_PAGE_TEMPLATE in
// django/views/defaults.py).
const djangoNotFoundPage = `
<!doctype html>
<html lang="en">
<head>
  <title>Not Found</title>
</head>
<body>
  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>
</body>
</html>
`

// knownPaths resolves a path against the API's routes, whatever the method,
// as Django's is_valid_path does.
func knownPaths() *mux.Router {
	r := mux.NewRouter()
	for _, p := range []string{tokenPath, contractsPath, contractPath} {
		r.NewRoute().Path(p)
	}
	return r
}

// notFound is what a Django project with the default CommonMiddleware
// answers for a path no route matches. With APPEND_SLASH (on by default) a
// path without a trailing slash whose slashed form resolves (/oauth2/token)
// is redirected there permanently, keeping the query; Django refuses that
// redirect for POST only when DEBUG is on. Anything else is Django's 404
// page.
func notFound(known *mux.Router) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slashed := r.URL.Path + "/"; r.URL.Path[len(r.URL.Path)-1] != '/' && resolves(known, r, slashed) {
			location := (&url.URL{Path: slashed, RawQuery: r.URL.RawQuery}).String()
			w.Header().Set("Location", location)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(djangoNotFoundPage))
	})
}

func resolves(known *mux.Router, r *http.Request, path string) bool {
	probe := r.Clone(r.Context())
	probe.URL.Path, probe.URL.RawPath = path, ""
	var match mux.RouteMatch
	return known.Match(probe, &match)
}
