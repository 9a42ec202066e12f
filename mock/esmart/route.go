package esmart

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
)

// ASP.NET routing compares literal segments case-insensitively and ignores a
// trailing slash; gorilla/mux templates do neither, hence a matcher.

// customerIDSegment returns the {customerId} segment of a path matching
// api/customers/{customerId}.
func customerIDSegment(path string) (string, bool) {
	path = strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/")
	api, rest, ok := strings.Cut(path, "/")
	if !ok || !strings.EqualFold(api, "api") {
		return "", false
	}
	customers, id, ok := strings.Cut(rest, "/")
	if !ok || !strings.EqualFold(customers, "customers") || id == "" || strings.Contains(id, "/") {
		return "", false
	}
	return id, true
}

func matchCustomerRoute(r *http.Request, _ *mux.RouteMatch) bool {
	_, ok := customerIDSegment(r.URL.Path)
	return ok
}
