package conformance

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock"
)

// The esmart faults join the fault table of faults_test.go, which runs each
// and asserts that the check for its rule fails.
func init() {
	faults = append(faults, esmartFaults...)
}

var esmartFaults = []fault{
	{
		name: "esmart: letters in PhoneNumber are accepted", api: "esmart", rule: "phone-digits-only",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteRequest(next, func(_ *http.Request, body map[string]any) {
				if phone, ok := body["PhoneNumber"].(string); ok {
					body["PhoneNumber"] = strings.Map(func(r rune) rune {
						if r >= '0' && r <= '9' {
							return r
						}
						return -1
					}, phone)
				}
			})
		},
	},
	{
		name: "esmart: 15 digits are accepted", api: "esmart", rule: "phone-max-length",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteRequest(next, func(_ *http.Request, body map[string]any) {
				for _, field := range []string{"PhoneNumber", "MobileNumber"} {
					if number, ok := body[field].(string); ok && len(number) > 14 {
						body[field] = number[:14]
					}
				}
			})
		},
	},
	{
		name: "esmart: the e-mail address is not checked", api: "esmart", rule: "email-valid",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteRequest(next, func(_ *http.Request, body map[string]any) {
				email, ok := body["Email"].(string)
				if local, domain, found := strings.Cut(email, "@"); ok && (!found || local == "" || domain == "") {
					delete(body, "Email") // the mock would refuse it; this server lets it pass
				}
			})
		},
	},
	{
		name: "esmart: an e-mail address of 101 characters is accepted", api: "esmart", rule: "email-max-length",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteRequest(next, func(_ *http.Request, body map[string]any) {
				if email, ok := body["Email"].(string); ok && len(email) > 100 {
					body["Email"] = email[:100]
				}
			})
		},
	},
	{
		name: "esmart: FirstName is applied", api: "esmart", rule: "other-properties-unchanged",
		wrap: func(t *Target, next http.Handler) http.Handler {
			// The server remembers the last FirstName a successful PATCH
			// sent and shows it from then on, as if it had stored it.
			var mu sync.Mutex
			var firstName any
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ := io.ReadAll(r.Body)
				rec := serve(next, r.Method, r.URL.Path, r.Header, string(raw))
				var body map[string]any
				_ = json.Unmarshal(raw, &body)
				mu.Lock()
				if v, sent := body["FirstName"]; sent && r.Method == http.MethodPatch && rec.Code == http.StatusOK {
					firstName = v
				}
				applied := firstName
				mu.Unlock()
				if applied != nil && rec.Code == http.StatusOK {
					c := decodeJSON(rec)
					c["FirstName"] = applied
					setJSON(rec, c)
				}
				copyResponse(w, rec)
			})
		},
	},
	{
		name: "esmart: validation errors are not in the ModelState shape", api: "esmart", rule: "modelstate-shape",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code != http.StatusBadRequest {
					return
				}
				p := decodeJSON(rec)
				var flat []any
				for _, messages := range asMap(p["ModelState"]) {
					flat = append(flat, messages.([]any)...)
				}
				setJSON(rec, map[string]any{"Message": p["Message"], "Errors": flat})
			})
		},
	},
	{
		name: "esmart: 401 without a Basic challenge", api: "esmart", rule: "auth-missing",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusUnauthorized {
					rec.Header().Del("WWW-Authenticate")
				}
			})
		},
	},
	{
		name: "esmart: a wrong password is accepted", api: "esmart", rule: "auth-wrong-password",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if user, _, ok := r.BasicAuth(); ok && user == t.Esmart.Username {
					r.SetBasicAuth(t.Esmart.Username, t.Esmart.Password)
				}
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		name: "esmart: a denied request has no Message", api: "esmart", rule: "auth-denied-message",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusUnauthorized {
					setJSON(rec, map[string]any{"message": "Unauthorized"}) // not ASP.NET's "Message"
				}
			})
		},
	},
	{
		name: "esmart: another user's customer is reachable", api: "esmart", rule: "own-customer-only",
		wrap: func(t *Target, next http.Handler) http.Handler {
			foreign, own := esmartPath(t.Esmart.ForeignCustomerID), esmartPath(t.Esmart.CustomerID)
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == foreign {
					r.URL.Path = own
				}
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		name: "esmart: text/json is refused", api: "esmart", rule: "text-json",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.Header.Get("Content-Type"), "text/json") {
					r.Header.Set("Content-Type", "text/plain")
				}
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		name: "esmart: text/plain is accepted", api: "esmart", rule: "unsupported-media-type",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
					r.Header.Set("Content-Type", "application/json")
				}
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		name: "esmart: DELETE answers 404", api: "esmart", rule: "method-not-allowed",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodDelete {
					w.WriteHeader(http.StatusNotFound)
					return
				}
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		name: "esmart: a value of the wrong type is ignored", api: "esmart", rule: "binding-type-error",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteRequest(next, func(_ *http.Request, body map[string]any) {
				if _, isBool := body["IsPowerCustomer"].(bool); !isBool {
					delete(body, "IsPowerCustomer")
				}
			})
		},
	},
	{
		name: "esmart: property names are bound case-sensitively", api: "esmart", rule: "case-insensitive-binding",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return rewriteRequest(next, func(_ *http.Request, body map[string]any) {
				for k := range body {
					if k != "" && k[0] >= 'a' && k[0] <= 'z' {
						delete(body, k)
					}
				}
			})
		},
	},
	{
		name: "esmart: an unknown property is refused", api: "esmart", rule: "unknown-properties-ignored",
		wrap: func(t *Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ := io.ReadAll(r.Body)
				if bytes.Contains(raw, []byte(esmartUnknownProperty)) {
					w.Header().Set("Content-Type", "application/json; charset=utf-8")
					w.WriteHeader(http.StatusBadRequest)
					_, _ = io.WriteString(w, `{"Message":"The request is invalid.","ModelState":{"customer.`+esmartUnknownProperty+`":["Unknown property."]}}`)
					return
				}
				r.Body = io.NopCloser(bytes.NewReader(raw))
				next.ServeHTTP(w, r)
			})
		},
	},
}

func TestEsmartSuitePassesAgainstTheMockAndLeavesItsStateAlone(t *testing.T) {
	t.Parallel()
	srv := startMock(t, nil)
	config, _ := mockTargetFile(t)
	before := adminState(t, srv.URL)

	run := runSuite(t, "--config", config, "--target", srv.URL, "--api", "esmart")
	if run.exitCode != ExitPassed {
		t.Fatalf("exit status %d, want %d\n%s", run.exitCode, ExitPassed, run.output)
	}
	esmart := run.summary.api("esmart")
	if esmart.Failed+esmart.CouldNotRun+esmart.Skipped != 0 || esmart.Passed < 20 {
		t.Fatalf("esmart: %+v\n%s", esmart, run.output)
	}
	if after := adminState(t, srv.URL); !bytes.Equal(before, after) {
		t.Errorf("the suite changed the mock's state\nbefore: %s\nafter:  %s", before, after)
	}
}

// A server without the GET sibling (it is [C]) is read with PATCH {}.
func TestEsmartSuiteReadsWithPatchWhenGetIsUnavailable(t *testing.T) {
	t.Parallel()
	var gets, patches int
	var mu sync.Mutex
	srv := startMock(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.URL.Path, "/api/customers/") {
				next.ServeHTTP(w, r)
				return
			}
			mu.Lock()
			if r.Method == http.MethodGet {
				gets++
			} else if r.Method == http.MethodPatch {
				patches++
			}
			mu.Unlock()
			if r.Method == http.MethodGet {
				w.Header().Set("Allow", "PATCH")
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(http.StatusMethodNotAllowed)
				_, _ = io.WriteString(w, `{"Message":"The requested resource does not support http method 'GET'."}`)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	config, _ := mockTargetFile(t)
	before := adminState(t, srv.URL)

	run := runSuite(t, "--config", config, "--target", srv.URL, "--api", "esmart")
	esmart := run.summary.api("esmart")
	if run.exitCode != ExitPassed || esmart.Failed+esmart.CouldNotRun+esmart.Skipped != 0 {
		t.Fatalf("exit status %d, esmart %+v\n%s", run.exitCode, esmart, run.output)
	}
	// One GET finds out; every later read is a PATCH.
	mu.Lock()
	defer mu.Unlock()
	if gets != 1 || patches < 2*esmart.Passed {
		t.Errorf("%d GETs and %d PATCHes for %d checks; want 1 GET and reads by PATCH", gets, patches, esmart.Passed)
	}
	if after := adminState(t, srv.URL); !bytes.Equal(before, after) {
		t.Errorf("the suite changed the mock's state\nbefore: %s\nafter:  %s", before, after)
	}
}

// A contact field that is empty cannot be emptied again through PATCH, so
// the checks that would change it are skipped and say why.
func TestEsmartChecksThatWouldChangeAnEmptyFieldAreSkipped(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{}
	for _, name := range []string{"otark.yaml", "podero.yaml", "esmart.yaml", "conformance.yaml"} {
		data, err := fs.ReadFile(fixtures.FS(), name)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	esmartYAML := string(fsys["esmart.yaml"].Data)
	const kariPhone = `PhoneNumber: "4722334455"`
	if !strings.Contains(esmartYAML, kariPhone) {
		t.Fatalf("fixtures/esmart.yaml no longer has %s", kariPhone)
	}
	fsys["esmart.yaml"].Data = []byte(strings.Replace(esmartYAML, kariPhone, `PhoneNumber: ""`, 1))
	h, err := mock.New(mock.Config{Fixtures: fsys})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	config, _ := mockTargetFile(t)
	before := adminState(t, srv.URL)

	run := runSuite(t, "--config", config, "--target", srv.URL, "--api", "esmart")
	if run.exitCode != ExitPassed {
		t.Fatalf("exit status %d\n%s", run.exitCode, run.output)
	}
	skipped := map[string]bool{}
	for _, c := range run.summary.api("esmart").Checks {
		if c.Outcome != OutcomeSkipped {
			continue
		}
		skipped[c.Rule] = true
		if !strings.Contains(c.Reason, "has no PhoneNumber") {
			t.Errorf("check %q skipped for %q", c.Check, c.Reason)
		}
	}
	for _, rule := range []string{"phone-digits-only", "text-json", "case-insensitive-binding", "other-properties-unchanged"} {
		if !skipped[rule] {
			t.Errorf("no check of rule %s was skipped", rule)
		}
	}
	if esmart := run.summary.api("esmart"); esmart.Passed < 10 {
		t.Errorf("the checks that leave PhoneNumber alone should still run: %+v", esmart)
	}
	if after := adminState(t, srv.URL); !bytes.Equal(before, after) {
		t.Errorf("the suite changed the mock's state\nbefore: %s\nafter:  %s", before, after)
	}
}

// A server that echoes the credentials it was sent in its answer must not
// get them into the report: neither the password nor either Basic token.
func TestEsmartFailureMessagesHideTheCredentials(t *testing.T) {
	t.Parallel()
	config, target := mockTargetFile(t)
	srv := startMock(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			auth := r.Header.Get("Authorization")
			decoded, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(auth, "Basic "))
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusForbidden)
			body, _ := json.Marshal(map[string]string{"Message": "denied for " + string(decoded) + " (" + auth + ")"})
			_, _ = w.Write(body)
		})
	})
	run := runSuite(t, "--config", config, "--target", srv.URL, "--api", "esmart",
		"--ginkgo.label-filter", "rule:auth-wrong-password || rule:auth-missing")
	failures := run.summary.api("esmart").Failures
	if run.exitCode != ExitFailed || len(failures) == 0 {
		t.Fatalf("exit %d, failures %+v\n%s", run.exitCode, failures, run.output)
	}
	e := target.Esmart
	secrets := []string{e.Password,
		strings.TrimPrefix(esmartBasic(e.Username, e.Password), "Basic "),
		strings.TrimPrefix(esmartWrongPassword(e), "Basic ")}
	for _, f := range failures {
		for _, secret := range secrets {
			if strings.Contains(f.Message, secret) {
				t.Errorf("the failure of %q shows %q:\n%s", f.Check, secret, f.Message)
			}
		}
	}
	for _, secret := range secrets {
		if strings.Contains(run.output, secret) {
			t.Errorf("the suite's output shows %q", secret)
		}
	}
}

// Wrong credentials in the target file are the file's fault, not the
// server's: every check that needs them could not run, none fails.
func TestEsmartWrongCredentialsInTheTargetFileAreCouldNotRun(t *testing.T) {
	t.Parallel()
	srv := startMock(t, nil)
	_, target := mockTargetFile(t)
	e := target.Esmart
	config := writeTarget(t, fmt.Sprintf("esmart:\n  base_url: %s\n  username: %s\n  password: %s\n  customer_id: %d\n  foreign_customer_id: %d\n",
		srv.URL, e.Username, e.Password+"-not", e.CustomerID, e.ForeignCustomerID))

	run := runSuite(t, "--config", config, "--api", "esmart")
	esmart := run.summary.api("esmart")
	if run.exitCode != ExitCouldNotRun || esmart.Failed != 0 || esmart.CouldNotRun < 15 {
		t.Fatalf("exit %d, esmart %+v\n%s", run.exitCode, esmart, run.output)
	}
	for _, c := range esmart.Failures {
		if !strings.Contains(c.Message, "esmart.password") && !strings.Contains(c.Message, "username and password") {
			t.Errorf("check %q could not run for another reason: %s", c.Check, c.Message)
		}
	}
}
