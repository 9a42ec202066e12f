package podero

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gridtwin/gridtwin/mock/internal/reqbody"
)

// tokenLifetime is django-oauth-toolkit's ACCESS_TOKEN_EXPIRE_SECONDS as
// Podero documents it (expires_in 36000).
const tokenLifetime = 36000 * time.Second

type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
}

type oauthError struct {
	Error string `json:"error"`
}

// token is POST /oauth2/token/ for the client-credentials grant. As in
// oauthlib, the grant type is checked before the client.
func (a *API) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	params := tokenParams(w, r)
	if params.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, oauthError{Error: "unsupported_grant_type"})
		return
	}
	clientID, secret, basic := r.BasicAuth()
	if basic {
		// RFC 6749 2.3.1: the Basic credentials are form-encoded first.
		clientID, _ = url.QueryUnescape(clientID)
		secret, _ = url.QueryUnescape(secret)
	} else {
		clientID, secret = params.Get("client_id"), params.Get("client_secret")
	}

	org := a.dir.byClient[clientID]
	if org == nil || subtle.ConstantTimeCompare([]byte(org.ClientSecret), []byte(secret)) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_client"`)
		writeJSON(w, http.StatusUnauthorized, oauthError{Error: "invalid_client"})
		return
	}
	access := newAccessToken()
	now := a.now()
	if err := a.session(r).Issue(r.Context(), tokenKind, access, org.ID, now.Add(tokenLifetime), now); err != nil {
		a.writeStoreError(w, r, err)
		return
	}

	writeJSON(w, http.StatusOK, tokenAnswer{
		AccessToken: access,
		ExpiresIn:   int(tokenLifetime / time.Second),
		TokenType:   "Bearer",
		Scope:       "read write",
	})
}

// tokenParams reads a form body, or a JSON object of strings when the
// request says JSON. Anything unreadable is no parameters at all, which ends
// in unsupported_grant_type.
func tokenParams(w http.ResponseWriter, r *http.Request) url.Values {
	params := url.Values{}
	media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if media == "application/json" {
		var body map[string]any
		raw, err := reqbody.Read(w, r, maxBody)
		if err != nil || json.Unmarshal(raw, &body) != nil {
			return params
		}
		for k, v := range body {
			if s, ok := v.(string); ok {
				params.Set(k, s)
			}
		}
		return params
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	if err := r.ParseForm(); err != nil {
		return params
	}
	return r.PostForm
}

// authenticate reads the bearer token the way django-ninja's HttpBearer
// does and returns the organization it acts for: a static token of the
// fixtures, or one the session was issued and that has not expired.
func (a *API) authenticate(r *http.Request) (string, bool, error) {
	scheme, token, found := strings.Cut(r.Header.Get("Authorization"), " ")
	if !found || !strings.EqualFold(scheme, "bearer") || token == "" {
		return "", false, nil
	}
	if org, ok := a.dir.static[token]; ok {
		return org, true, nil
	}
	return a.session(r).Lookup(r.Context(), tokenKind, token, a.now())
}

// newAccessToken has the shape of oauthlib's generate_token: 30 characters
// of ASCII letters and digits.
func newAccessToken() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 30)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
