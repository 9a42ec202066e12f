package podero

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/gridtwin/gridtwin/mock/internal/mocktest"
)

func basic(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

func (h *harness) tokenRequest(body, contentType string, header ...string) answer {
	h.t.Helper()
	return h.do(http.MethodPost, "/oauth2/token/", "", body, append([]string{"Content-Type", contentType}, header...)...)
}

func TestTokenIssuedForEveryClientAuthAndBodyFormat(t *testing.T) {
	h := newHarness(t, Options{})
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientA}, "client_secret": {secretA}}.Encode()
	cases := map[string]answer{
		"basic + json": h.tokenRequest(`{"grant_type":"client_credentials"}`, "application/json", "Authorization", basic(clientA, secretA)),
		"basic + form": h.tokenRequest("grant_type=client_credentials", "application/x-www-form-urlencoded", "Authorization", basic(clientA, secretA)),
		"body + json":  h.tokenRequest(`{"grant_type":"client_credentials","client_id":"`+clientA+`","client_secret":"`+secretA+`"}`, "application/json"),
		"body + form":  h.tokenRequest(form, "application/x-www-form-urlencoded"),
	}
	for name, got := range cases {
		t.Run(name, func(t *testing.T) {
			if got.Status != http.StatusOK {
				t.Fatalf("status %d: %s", got.Status, got.Body)
			}
			v := got.json(t)
			token, _ := field(t, v, "access_token").(string)
			if len(token) != 30 {
				t.Errorf("access_token %q: want 30 characters", token)
			}
			if field(t, v, "expires_in") != 36000.0 || field(t, v, "token_type") != "Bearer" || field(t, v, "scope") != "read write" {
				t.Errorf("answer %s", got.Body)
			}
			if got.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", got.Header.Get("Cache-Control"))
			}
			// The token acts for its client's organization, and only that.
			if a := h.do(http.MethodGet, contractsURL(orgA, userA1), token, ""); a.Status != http.StatusOK {
				t.Errorf("GET with the issued token: %d %s", a.Status, a.Body)
			}
			mustJSON(t, h.do(http.MethodGet, contractsURL(orgB, userB1), token, ""), 403, `{"detail":"Forbidden"}`)
		})
	}
}

func TestTokenErrors(t *testing.T) {
	h := newHarness(t, Options{})
	for name, tc := range map[string]struct {
		got    answer
		status int
		want   string
	}{
		"wrong secret": {h.tokenRequest(`{"grant_type":"client_credentials"}`, "application/json", "Authorization", basic(clientA, "nope")),
			401, `{"error":"invalid_client"}`},
		"unknown client in body": {h.tokenRequest(`{"grant_type":"client_credentials","client_id":"who","client_secret":"x"}`, "application/json"),
			401, `{"error":"invalid_client"}`},
		"no client at all": {h.tokenRequest("grant_type=client_credentials", "application/x-www-form-urlencoded"),
			401, `{"error":"invalid_client"}`},
		"password grant": {h.tokenRequest(`{"grant_type":"password"}`, "application/json", "Authorization", basic(clientA, secretA)),
			400, `{"error":"unsupported_grant_type"}`},
		"grant checked before client": {h.tokenRequest(`{"grant_type":"authorization_code"}`, "application/json", "Authorization", basic(clientA, "nope")),
			400, `{"error":"unsupported_grant_type"}`},
		"no grant": {h.tokenRequest(`{}`, "application/json", "Authorization", basic(clientA, secretA)),
			400, `{"error":"unsupported_grant_type"}`},
		"malformed json": {h.tokenRequest(`{"grant_type":`, "application/json", "Authorization", basic(clientA, secretA)),
			400, `{"error":"unsupported_grant_type"}`},
	} {
		t.Run(name, func(t *testing.T) {
			mustJSON(t, tc.got, tc.status, tc.want)
			if tc.status == 401 && tc.got.Header.Get("WWW-Authenticate") != `Bearer error="invalid_client"` {
				t.Errorf("WWW-Authenticate %q", tc.got.Header.Get("WWW-Authenticate"))
			}
		})
	}
}

func TestTokenLivesFor36000Seconds(t *testing.T) {
	c := mocktest.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	h := newHarness(t, Options{Now: c.Now})
	got := h.tokenRequest(`{"grant_type":"client_credentials"}`, "application/json", "Authorization", basic(clientA, secretA))
	token, _ := field(t, got.json(t), "access_token").(string)

	c.Advance(36000*time.Second - time.Second)
	if a := h.do(http.MethodGet, contractsURL(orgA, userA1), token, ""); a.Status != http.StatusOK {
		t.Fatalf("a second before expiry: %d", a.Status)
	}
	c.Advance(time.Second)
	mustJSON(t, h.do(http.MethodGet, contractsURL(orgA, userA1), token, ""), 401, `{"detail":"Unauthorized"}`)
	// Static fixture tokens do not expire.
	if a := h.do(http.MethodGet, contractsURL(orgA, userA1), tokenA, ""); a.Status != http.StatusOK {
		t.Fatalf("static token after 10 h: %d", a.Status)
	}
}

func TestBearerTokenRequired(t *testing.T) {
	h := newHarness(t, Options{})
	body := `{"meter_id":"X"}`
	path := contractURL(orgA, userA1, contractA1)
	for name, hdr := range map[string][]string{
		"no header":      nil,
		"basic scheme":   {"Authorization", basic(clientA, secretA)},
		"unknown token":  {"Authorization", "Bearer not-a-token"},
		"empty token":    {"Authorization", "Bearer "},
		"token, no kind": {"Authorization", tokenA},
	} {
		t.Run(name, func(t *testing.T) {
			mustJSON(t, h.do(http.MethodPut, path, "", body, hdr...), 401, `{"detail":"Unauthorized"}`)
		})
	}
	// The scheme is case-insensitive, as in django-ninja's HttpBearer.
	if a := h.do(http.MethodPut, path, "", body, "Authorization", "bearer "+tokenA); a.Status != http.StatusOK {
		t.Fatalf("lower-case scheme: %d %s", a.Status, a.Body)
	}
}

// issuedTokens is the count GET /__admin/state shows.
func (h *harness) issuedTokens() int {
	h.t.Helper()
	var st struct {
		Podero struct {
			IssuedTokens int `json:"issued_tokens"`
		} `json:"podero"`
	}
	if err := json.Unmarshal(h.do(http.MethodGet, "/__admin/state", "", "").Body, &st); err != nil {
		h.t.Fatal(err)
	}
	return st.Podero.IssuedTokens
}

func TestIssuingForgetsExpiredTokens(t *testing.T) {
	c := mocktest.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	h := newHarness(t, Options{Now: c.Now})
	issue := func() string {
		got := h.tokenRequest(`{"grant_type":"client_credentials"}`, "application/json", "Authorization", basic(clientA, secretA))
		token, _ := field(t, got.json(t), "access_token").(string)
		return token
	}
	for range 3 {
		issue()
	}
	c.Advance(time.Hour)
	live := issue()
	if n := h.issuedTokens(); n != 4 {
		t.Fatalf("%d tokens kept before any expired, want 4", n)
	}
	// The first three expire, never presented again; the fourth lives on.
	c.Advance(tokenLifetime - time.Hour)
	issue()
	if n := h.issuedTokens(); n != 2 {
		t.Errorf("%d tokens kept after three expired, want 2", n)
	}
	if a := h.do(http.MethodGet, contractsURL(orgA, userA1), live, ""); a.Status != http.StatusOK {
		t.Errorf("the unexpired token: %d", a.Status)
	}
}
