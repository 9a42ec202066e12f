package esmart

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

	"github.com/gridtwin/gridtwin/conformance/internal/suitetest"
	"github.com/gridtwin/gridtwin/conformance/suite"
	"github.com/gridtwin/gridtwin/fixtures"
	"github.com/gridtwin/gridtwin/mock"
)

// The esmart faults join the fault table of faults_test.go, which runs each
// and asserts that the check for its rule fails.
// fault is the framework's Fault; the table holds this API's.
type fault = suitetest.Fault

var faults = []fault{
	{
		Name: "esmart: letters in PhoneNumber are accepted", API: "esmart", Rule: "phone-digits-only",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteRequest(next, func(_ *http.Request, body map[string]any) {
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
		Name: "esmart: 15 digits are accepted", API: "esmart", Rule: "phone-max-length",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteRequest(next, func(_ *http.Request, body map[string]any) {
				for _, field := range []string{"PhoneNumber", "MobileNumber"} {
					if number, ok := body[field].(string); ok && len(number) > 14 {
						body[field] = number[:14]
					}
				}
			})
		},
	},
	{
		Name: "esmart: the e-mail address is not checked", API: "esmart", Rule: "email-valid",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteRequest(next, func(_ *http.Request, body map[string]any) {
				email, ok := body["Email"].(string)
				if local, domain, found := strings.Cut(email, "@"); ok && (!found || local == "" || domain == "") {
					delete(body, "Email") // the mock would refuse it; this server lets it pass
				}
			})
		},
	},
	{
		Name: "esmart: an e-mail address of 101 characters is accepted", API: "esmart", Rule: "email-max-length",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteRequest(next, func(_ *http.Request, body map[string]any) {
				if email, ok := body["Email"].(string); ok && len(email) > 100 {
					body["Email"] = email[:100]
				}
			})
		},
	},
	{
		Name: "esmart: FirstName is applied", API: "esmart", Rule: "other-properties-unchanged",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			// The server remembers the last FirstName a successful PATCH
			// sent and shows it from then on, as if it had stored it.
			var mu sync.Mutex
			var firstName any
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				raw, _ := io.ReadAll(r.Body)
				rec := suitetest.Serve(next, r.Method, r.URL.Path, r.Header, string(raw))
				var body map[string]any
				_ = json.Unmarshal(raw, &body)
				mu.Lock()
				if v, sent := body["FirstName"]; sent && r.Method == http.MethodPatch && rec.Code == http.StatusOK {
					firstName = v
				}
				applied := firstName
				mu.Unlock()
				if applied != nil && rec.Code == http.StatusOK {
					c := suitetest.DecodeJSON(rec)
					c["FirstName"] = applied
					suitetest.SetJSON(rec, c)
				}
				suitetest.CopyResponse(w, rec)
			})
		},
	},
	{
		Name: "esmart: validation errors are not in the ModelState shape", API: "esmart", Rule: "modelstate-shape",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code != http.StatusBadRequest {
					return
				}
				p := suitetest.DecodeJSON(rec)
				var flat []any
				for _, messages := range suitetest.AsMap(p["ModelState"]) {
					flat = append(flat, messages.([]any)...)
				}
				suitetest.SetJSON(rec, map[string]any{"Message": p["Message"], "Errors": flat})
			})
		},
	},
	{
		Name: "esmart: 401 without a Basic challenge", API: "esmart", Rule: "auth-missing",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusUnauthorized {
					rec.Header().Del("WWW-Authenticate")
				}
			})
		},
	},
	{
		Name: "esmart: a wrong password is accepted", API: "esmart", Rule: "auth-wrong-password",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if user, _, ok := r.BasicAuth(); ok && user == Config(t).Username {
					r.SetBasicAuth(Config(t).Username, Config(t).Password)
				}
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		Name: "esmart: a denied request has no Message", API: "esmart", Rule: "auth-denied-message",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteResponse(next, func(_ *http.Request, rec *httptest.ResponseRecorder) {
				if rec.Code == http.StatusUnauthorized {
					suitetest.SetJSON(rec, map[string]any{"message": "Unauthorized"}) // not ASP.NET's "Message"
				}
			})
		},
	},
	{
		Name: "esmart: another user's customer is reachable", API: "esmart", Rule: "own-customer-only",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			foreign, own := esmartPath(Config(t).ForeignCustomerID), esmartPath(Config(t).CustomerID)
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == foreign {
					r.URL.Path = own
				}
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		Name: "esmart: text/json is refused", API: "esmart", Rule: "text-json",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.Header.Get("Content-Type"), "text/json") {
					r.Header.Set("Content-Type", "text/plain")
				}
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		Name: "esmart: text/plain is accepted", API: "esmart", Rule: "unsupported-media-type",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
					r.Header.Set("Content-Type", "application/json")
				}
				next.ServeHTTP(w, r)
			})
		},
	},
	{
		Name: "esmart: DELETE answers 404", API: "esmart", Rule: "method-not-allowed",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
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
		Name: "esmart: a value of the wrong type is ignored", API: "esmart", Rule: "binding-type-error",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteRequest(next, func(_ *http.Request, body map[string]any) {
				if _, isBool := body["IsPowerCustomer"].(bool); !isBool {
					delete(body, "IsPowerCustomer")
				}
			})
		},
	},
	{
		Name: "esmart: property names are bound case-sensitively", API: "esmart", Rule: "case-insensitive-binding",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.RewriteRequest(next, func(_ *http.Request, body map[string]any) {
				for k := range body {
					if k != "" && k[0] >= 'a' && k[0] <= 'z' {
						delete(body, k)
					}
				}
			})
		},
	},
	{
		Name: "esmart: an unknown property is refused", API: "esmart", Rule: "unknown-properties-ignored",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
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
	{
		Name: "esmart: a customer's Email is a number", API: "esmart", Rule: "response-schema",
		Wrap: func(t *suite.Target, next http.Handler) http.Handler {
			return suitetest.EveryAnswer(next, http.StatusOK, func(c map[string]any) {
				if _, ok := c["Email"]; ok {
					c["Email"] = 7
				}
			})
		},
	},
}

func TestEsmartSuitePassesAgainstTheMockAndLeavesItsStateAlone(t *testing.T) {
	t.Parallel()
	srv := suitetest.StartMock(t, nil)
	config, _ := suitetest.MockTargetFile(t, "esmart")
	before := suitetest.AdminState(t, srv.URL)

	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--api", "esmart")
	if run.ExitCode != suite.ExitPassed {
		t.Fatalf("exit status %d, want %d\n%s", run.ExitCode, suite.ExitPassed, run.Output)
	}
	esmart := run.API("esmart")
	if esmart.Failed+esmart.CouldNotRun+esmart.Skipped != 0 || esmart.Passed < 20 {
		t.Fatalf("esmart: %+v\n%s", esmart, run.Output)
	}
	if after := suitetest.AdminState(t, srv.URL); !bytes.Equal(before, after) {
		t.Errorf("the suite changed the mock's state\nbefore: %s\nafter:  %s", before, after)
	}
}

// A server without the GET sibling (it is [C]) is read with PATCH {}.
func TestEsmartSuiteReadsWithPatchWhenGetIsUnavailable(t *testing.T) {
	t.Parallel()
	var gets, patches int
	var mu sync.Mutex
	srv := suitetest.StartMock(t, func(next http.Handler) http.Handler {
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
	config, _ := suitetest.MockTargetFile(t, "esmart")
	before := suitetest.AdminState(t, srv.URL)

	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--api", "esmart")
	esmart := run.API("esmart")
	if run.ExitCode != suite.ExitPassed || esmart.Failed+esmart.CouldNotRun+esmart.Skipped != 0 {
		t.Fatalf("exit status %d, esmart %+v\n%s", run.ExitCode, esmart, run.Output)
	}
	// One GET finds out; every later read is a PATCH.
	mu.Lock()
	defer mu.Unlock()
	if gets != 1 || patches < 2*esmart.Passed {
		t.Errorf("%d GETs and %d PATCHes for %d checks; want 1 GET and reads by PATCH", gets, patches, esmart.Passed)
	}
	if after := suitetest.AdminState(t, srv.URL); !bytes.Equal(before, after) {
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
	config, _ := suitetest.MockTargetFile(t, "esmart")
	before := suitetest.AdminState(t, srv.URL)

	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--api", "esmart")
	if run.ExitCode != suite.ExitPassed {
		t.Fatalf("exit status %d\n%s", run.ExitCode, run.Output)
	}
	skipped := map[string]bool{}
	for _, c := range run.API("esmart").Checks {
		if c.Outcome != suite.OutcomeSkipped {
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
	if esmart := run.API("esmart"); esmart.Passed < 10 {
		t.Errorf("the checks that leave PhoneNumber alone should still run: %+v", esmart)
	}
	if after := suitetest.AdminState(t, srv.URL); !bytes.Equal(before, after) {
		t.Errorf("the suite changed the mock's state\nbefore: %s\nafter:  %s", before, after)
	}
}

// A server that echoes the credentials it was sent in its answer must not
// get them into the report: neither the password nor either Basic token.
func TestEsmartFailureMessagesHideTheCredentials(t *testing.T) {
	t.Parallel()
	config, target := suitetest.MockTargetFile(t, "esmart")
	srv := suitetest.StartMock(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			auth := r.Header.Get("Authorization")
			decoded, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(auth, "Basic "))
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.WriteHeader(http.StatusForbidden)
			body, _ := json.Marshal(map[string]string{"Message": "denied for " + string(decoded) + " (" + auth + ")"})
			_, _ = w.Write(body)
		})
	})
	run := suitetest.RunSuite(t, "--config", config, "--target", srv.URL, "--api", "esmart",
		"--ginkgo.label-filter", "rule:auth-wrong-password || rule:auth-missing")
	failures := run.API("esmart").Failures
	if run.ExitCode != suite.ExitFailed || len(failures) == 0 {
		t.Fatalf("exit %d, failures %+v\n%s", run.ExitCode, failures, run.Output)
	}
	e := Config(target)
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
		if strings.Contains(run.Output, secret) {
			t.Errorf("the suite's output shows %q", secret)
		}
	}
}

// Wrong credentials in the target file are the file's fault, not the
// server's: every check that needs them could not run, none fails.
func TestEsmartWrongCredentialsInTheTargetFileAreCouldNotRun(t *testing.T) {
	t.Parallel()
	srv := suitetest.StartMock(t, nil)
	_, target := suitetest.MockTargetFile(t, "esmart")
	e := Config(target)
	config := suitetest.WriteTarget(t, fmt.Sprintf("esmart:\n  base_url: %s\n  username: %s\n  password: %s\n  customer_id: %d\n  foreign_customer_id: %d\n",
		srv.URL, e.Username, e.Password+"-not", e.CustomerID, e.ForeignCustomerID))

	run := suitetest.RunSuite(t, "--config", config, "--api", "esmart")
	esmart := run.API("esmart")
	if run.ExitCode != suite.ExitCouldNotRun || esmart.Failed != 0 || esmart.CouldNotRun < 15 {
		t.Fatalf("exit %d, esmart %+v\n%s", run.ExitCode, esmart, run.Output)
	}
	for _, c := range esmart.Failures {
		if !strings.Contains(c.Message, "esmart.password") && !strings.Contains(c.Message, "username and password") {
			t.Errorf("check %q could not run for another reason: %s", c.Check, c.Message)
		}
	}
}

func TestEveryFaultFailsTheCheckForItsRule(t *testing.T) {
	t.Parallel()
	suitetest.CheckFaults(t, faults)
}
