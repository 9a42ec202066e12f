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
			if got.status != http.StatusNotFound || got.header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("status %d, Content-Type %q: %s", got.status, got.header.Get("Content-Type"), got.body)
			}
			if string(got.body) != djangoNotFoundPage || !strings.Contains(string(got.body), "<h1>Not Found</h1><p>The requested resource was not found on this server.</p>") {
				t.Errorf("body %q", got.body)
			}
		})
	}
	if after := h.do(http.MethodGet, contractsURL(orgA, userA1), tokenA, ""); string(after.body) != string(before.body) {
		t.Errorf("a request to an unknown path changed the contracts:\n%s\n%s", before.body, after.body)
	}
}

func TestTokenPathWithoutSlashRedirectsLikeAppendSlash(t *testing.T) {
	h := newHarness(t, Options{})
	got := h.doUnrouted(http.MethodPost, "/oauth2/token?x=1", "", `{"grant_type":"client_credentials"}`, "Authorization", basic(clientA, secretA))
	if got.status != http.StatusMovedPermanently || got.header.Get("Location") != "/oauth2/token/?x=1" || len(got.body) != 0 {
		t.Fatalf("status %d, Location %q, body %q", got.status, got.header.Get("Location"), got.body)
	}
	// The contract paths end without a slash, so a slash is never what
	// they miss: only Django's 404 page.
	if got := h.doUnrouted(http.MethodPut, "/api/partners/v2.0/org/"+orgA+"/users/"+userA1+"/energy-contract", tokenA, `{}`); got.status != http.StatusNotFound {
		t.Errorf("near-miss contract path: status %d", got.status)
	}
}

func TestOtherPrefixesAreNotCaught(t *testing.T) {
	h := newHarness(t, Options{})
	// Not Podero's: the shared router's own 404, whatever it is, must not
	// be Django's page.
	if got := h.doUnrouted(http.MethodGet, "/api/other", "", ""); string(got.body) == djangoNotFoundPage {
		t.Errorf("/api/other answered with Django's page")
	}
}
