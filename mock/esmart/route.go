package esmart

import (
	"fmt"
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

// underCustomers reports whether path is api/customers or below it, in any
// case: the part of the URL space that is ASP.NET's, where a path no route
// matches is answered by Web API rather than by another vendor.
func underCustomers(path string) bool {
	api, rest, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	customers, _, _ := strings.Cut(rest, "/")
	return strings.EqualFold(api, "api") && strings.EqualFold(customers, "customers")
}

func matchUnderCustomers(r *http.Request, _ *mux.RouteMatch) bool {
	return underCustomers(r.URL.Path)
}

// noResource is Web API's answer when no route matches (HttpRoutingDispatcher),
// whatever the method and before authentication. Its MessageDetail ("No
// route data was found for this request.", or the action selector's "No
// action was found on the controller 'Customers' ...") goes only to local
// clients under the default error-detail policy, so a remote client, which
// is what a twin stands in for, sees the Message alone.
func noResource(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	writeError(w, r, http.StatusNotFound, fmt.Sprintf(
		"No HTTP resource was found that matches the request URI '%s://%s%s'.", scheme, r.Host, r.URL.RequestURI()))
}
