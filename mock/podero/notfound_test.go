package podero

import (
	"net/http"
	"strings"
	"testing"
)

func TestUnknownPathsGetDjangosNotFoundPage(t *testing.T) {
	h := newHarness(t, Options{})
	contract := contractURL(orgA, userA1, contractA1)
	before := h.do(http.MethodGet, contractsURL(orgA, userA1), tokenA, "")
	for _, tc := range []struct{ method, path string }{
		{http.MethodPut, contract + "/"},
		{http.MethodPut, contract + "/x"},
		{http.MethodGet, contractsURL(orgA, userA1) + "/"},
		{http.MethodGet, "/api/partners/v2.0/org/" + orgA},
		{http.MethodGet, "/api/partners/"},
		{http.MethodPost, "/oauth2/authorize/"},
		{http.MethodGet, "/oauth2/"},
		{http.MethodPost, "/oauth2/token/x"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			got := h.doUnrouted(tc.method, tc.path, tokenA, `{"meter_id":"NEVER"}`)
			if got.Status != http.StatusNotFound || got.Header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("status %d, Content-Type %q: %s", got.Status, got.Header.Get("Content-Type"), got.Body)
			}
			if string(got.Body) != djangoNotFoundPage || !strings.Contains(string(got.Body), "<h1>Not Found</h1><p>The requested resource was not found on this server.</p>") {
				t.Errorf("body %q", got.Body)
			}
		})
	}
	if after := h.do(http.MethodGet, contractsURL(orgA, userA1), tokenA, ""); string(after.Body) != string(before.Body) {
		t.Errorf("a request to an unknown path changed the contracts:\n%s\n%s", before.Body, after.Body)
	}
}

func TestTokenPathWithoutSlashRedirectsLikeAppendSlash(t *testing.T) {
	h := newHarness(t, Options{})
	got := h.doUnrouted(http.MethodPost, "/oauth2/token?x=1", "", `{"grant_type":"client_credentials"}`, "Authorization", basic(clientA, secretA))
	if got.Status != http.StatusMovedPermanently || got.Header.Get("Location") != "/oauth2/token/?x=1" || len(got.Body) != 0 {
		t.Fatalf("status %d, Location %q, body %q", got.Status, got.Header.Get("Location"), got.Body)
	}
	// The contract paths end without a slash, so a slash is never what
	// they miss: only Django's 404 page.
	if got := h.doUnrouted(http.MethodPut, "/api/partners/v2.0/org/"+orgA+"/users/"+userA1+"/energy-contract", tokenA, `{}`); got.Status != http.StatusNotFound {
		t.Errorf("near-miss contract path: status %d", got.Status)
	}
}

func TestOtherPrefixesAreNotCaught(t *testing.T) {
	h := newHarness(t, Options{})
	// Not Podero's: the shared router's own 404, whatever it is, must not
	// be Django's page.
	if got := h.doUnrouted(http.MethodGet, "/api/other", "", ""); string(got.Body) == djangoNotFoundPage {
		t.Errorf("/api/other answered with Django's page")
	}
}
