package suite

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	liberrors "github.com/pb33f/libopenapi-validator/errors"

	"github.com/gridtwin/gridtwin/specs"
)

// Client is the only way a check talks to the server under test. Every
// response it receives is validated against the API's OpenAPI document, so
// no check can forget to: a response the spec does not allow fails the check
// that received it, in the spec's own words.
//
// It treats the server as possibly hostile: it reads at most
// MaxResponseBody of an answer, follows no redirect (a 3xx is an answer to
// judge, and no credential goes to another host), redacts every credential
// it knows in whatever it shows, and stops asking a server that does not
// answer (see health).
type Client struct {
	API     string
	BaseURL *url.URL
	Spec    *specs.Document
	HTTP    *http.Client
	// Header is sent with every request unless the request overrides it
	// (credentials, usually).
	Header http.Header
	// Secrets are replaced by "<redacted>" wherever anything is shown; the
	// client adds every credential header it sends and every token it is
	// given.
	Secrets []string

	// Reconstructed are the spec's constraints no seed states
	// (specs.Reconstructed): the validator's complaints about them are
	// notes, never failures.
	Reconstructed []string

	// health is shared by copies of the client (a check may copy it to
	// send one request unvalidated): the server is one server.
	health *health
	// findings are the spec violations seen in any answer, shared by
	// copies too; the check <api>/response-schema judges them.
	findings *schemaFindings
	// cleanup is the running check's undo steps, shared by copies too.
	cleanup *cleanupSlot
}

// MaxResponseBody bounds what the suite reads of one response: a check
// needs a customer or an error, not a file, and a server streaming
// gigabytes must not take the suite's memory with it.
const MaxResponseBody = 8 << 20

// maxResponseHeader bounds the header block of one response.
const maxResponseHeader = 1 << 20

// NewClient builds a client for one API. The spec is loaded by the caller
// once per run: building its validator compiles every schema.
func NewClient(api, baseURL string, spec *specs.Document, timeout time.Duration) (*Client, error) {
	u, err := ParseBaseURL(baseURL)
	if err != nil {
		return nil, fmt.Errorf("%s.base_url: %w", api, err)
	}
	if u.User != nil {
		// Go sends userinfo as Basic credentials; either spelling is a secret.
		password, _ := u.User.Password()
		addSecrets(u.User.String(), password,
			base64.StdEncoding.EncodeToString([]byte(u.User.Username()+":"+password)))
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxResponseHeaderBytes = maxResponseHeader
	transport.ResponseHeaderTimeout = timeout
	return &Client{
		API:     api,
		BaseURL: u,
		Spec:    spec,
		HTTP: &http.Client{
			Timeout:   timeout,
			Transport: transport,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
		Header:   http.Header{},
		health:   &health{api: api, timeout: timeout},
		findings: &schemaFindings{first: map[string]string{}},
		cleanup:  &cleanupSlot{},
	}, nil
}

// ParseBaseURL accepts only an absolute http or https URL with a host: a
// base URL without a scheme ("127.0.0.1:8080") would otherwise be read as
// a path and fail every check for a reason that is not the server's.
func ParseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return nil, fmt.Errorf("%q is not a URL: %v", redactURL(raw), errors.Unwrap(err))
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("%q is not an absolute http:// or https:// URL", redactURL(raw))
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("%q has no host", redactURL(raw))
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("%q has a query or fragment; a base URL is scheme, host and an optional path", redactURL(raw))
	}
	return u, nil
}

// Request is what a check sends. Body is raw JSON when it is a string or
// []byte, and is encoded as JSON otherwise; nil sends no body.
type Request struct {
	Method string
	Path   string // relative to the base URL, e.g. /v1/customers/cust_1
	Header http.Header
	Body   any
}

// Exchange is one request and the response it got, kept for assertions and
// for failure messages.
type Exchange struct {
	client      *Client
	Request     *http.Request
	RequestBody []byte
	Response    *http.Response
	Body        []byte
}

// Do sends the request, reads the whole response and validates it against
// the spec. A transport error means the check could not run; a spec
// violation fails the check.
func (c *Client) Do(r Request) *Exchange {
	GinkgoHelper()
	x := c.send(r)
	for attempt := 0; x.Status() == http.StatusTooManyRequests; attempt++ {
		x = c.waitOutRateLimit(r, x, attempt)
	}
	c.Validate(x)
	return x
}

// maxRateLimitWait bounds how long the suite waits for a rate-limit window.
const maxRateLimitWait = 65 * time.Second

// waitOutRateLimit retries a request the server rate-limited. Rate limits
// are the server's choice (none of them is a documented rule), so a 429 is
// never a failure: the suite waits for Retry-After and tries again, and
// gives up as "could not run" when asked to wait too long.
func (c *Client) waitOutRateLimit(r Request, x *Exchange, attempt int) *Exchange {
	GinkgoHelper()
	wait, err := strconv.Atoi(strings.TrimSpace(x.Response.Header.Get("Retry-After")))
	if err != nil || wait < 0 || time.Duration(wait)*time.Second > maxRateLimitWait || attempt >= 3 {
		CouldNotRun(x.Explanation("the server rate-limited the suite (429) and Retry-After does not allow a short wait; run again later or raise the limit for the suite's key"))
	}
	By(fmt.Sprintf("rate-limited: waiting %d s as Retry-After asks", wait))
	time.Sleep(time.Duration(wait) * time.Second)
	return c.send(r)
}

func (c *Client) send(r Request) *Exchange {
	GinkgoHelper()
	c.health.stopIfBroken()
	req, body := c.newRequest(r)
	c.registerSecrets(req)
	c.health.reach(req)
	x := &Exchange{client: c, Request: req, RequestBody: body}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		reason := fmt.Sprintf("%s %s: %v", r.Method, redactURL(req.URL.String()), transportError(err))
		c.health.strike(reason)
		CouldNotRun(reason)
	}
	defer resp.Body.Close()
	x.Response = resp
	// One byte past the bound tells a body of exactly MaxResponseBody from
	// a longer one without reading the rest.
	x.Body, err = io.ReadAll(io.LimitReader(resp.Body, MaxResponseBody+1))
	if err != nil {
		reason := fmt.Sprintf("reading the response of %s %s: %v", r.Method, redactURL(req.URL.String()), transportError(err))
		c.health.strike(reason)
		CouldNotRun(reason)
	}
	if len(x.Body) > MaxResponseBody {
		Fail(x.Explanation(fmt.Sprintf("response larger than %d bytes (8 MiB), the most the suite reads of one answer; a %s answer is a JSON document, not a stream",
			MaxResponseBody, c.API)))
	}
	registerTokens(x.Body)
	return x
}

// newRequest builds the HTTP request of r: the client's default headers,
// then the request's own (an explicit empty value removes a default).
func (c *Client) newRequest(r Request) (*http.Request, []byte) {
	GinkgoHelper()
	var body []byte
	switch b := r.Body.(type) {
	case nil:
	case string:
		body = []byte(b)
	case []byte:
		body = b
	default:
		var err error
		if body, err = json.Marshal(b); err != nil {
			CouldNotRun(fmt.Sprintf("encoding the request body: %v", err))
		}
	}
	// r.Path is already escaped (ids go through url.PathEscape), so it is
	// parsed rather than assigned, which would escape it twice.
	ref, err := url.Parse(r.Path)
	if err != nil {
		CouldNotRun(fmt.Sprintf("request path %q: %v", r.Path, err))
	}
	u := *c.BaseURL
	u.Path = c.BaseURL.Path + ref.Path
	u.RawPath = c.BaseURL.EscapedPath() + ref.EscapedPath()
	u.RawQuery = ref.RawQuery
	req, err := http.NewRequest(r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		CouldNotRun(fmt.Sprintf("building the request %s %s: %v", r.Method, redactURL(u.String()), err))
	}
	for k, vs := range c.Header {
		req.Header[k] = vs
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range r.Header {
		if len(vs) == 0 {
			req.Header.Del(k) // an explicit empty value removes a default
			continue
		}
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	return req, body
}

// registerSecrets adds the client's secrets and every credential the
// request carries (whole header values, the part after the scheme, and the
// password of a Basic value) to the run's secrets before anything can show
// them.
func (c *Client) registerSecrets(req *http.Request) {
	addSecrets(c.Secrets...)
	for name := range sensitiveHeaders {
		for _, v := range req.Header.Values(name) {
			addSecrets(v)
			scheme, credentials, found := strings.Cut(v, " ")
			if !found {
				continue
			}
			addSecrets(credentials)
			if strings.EqualFold(scheme, "Basic") {
				if decoded, err := base64.StdEncoding.DecodeString(credentials); err == nil {
					_, password, _ := strings.Cut(string(decoded), ":")
					addSecrets(string(decoded), password)
				}
			}
		}
	}
}

// tokenMembers are the OAuth 2.0 members (RFC 6749 section 5.1, OpenID
// Connect) whose values are credentials, whatever endpoint answers them.
var tokenMembers = []string{"access_token", "refresh_token", "id_token"}

// registerTokens adds every token an answer hands out to the run's
// secrets, before the answer can be shown.
func registerTokens(body []byte) {
	if !bytes.Contains(body, []byte("_token")) {
		return
	}
	var answer map[string]any
	if json.Unmarshal(body, &answer) != nil {
		return
	}
	for _, k := range tokenMembers {
		if v, ok := answer[k].(string); ok {
			addSecrets(v)
		}
	}
}

// transportError drops the *url.Error wrapper, whose text repeats the URL
// (userinfo included).
func transportError(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		if uerr.Timeout() {
			return fmt.Errorf("no answer within the request timeout (%v)", uerr.Err)
		}
		return uerr.Err
	}
	return err
}

// Validate checks the response against the spec; Do calls it on every
// answer, and a check calls it on an answer it got unvalidated. The validator matches the
// request against the spec's paths, so it is shown the path relative to the
// base URL: a server mounted under a prefix is still recognised.
func (c *Client) Validate(x *Exchange) {
	GinkgoHelper()
	if c.Spec == nil {
		return
	}
	specURL := *x.Request.URL
	specURL.Path = strings.TrimPrefix(x.Request.URL.Path, c.BaseURL.Path)
	specURL.RawPath = strings.TrimPrefix(x.Request.URL.EscapedPath(), c.BaseURL.EscapedPath())
	specReq := x.Request.Clone(x.Request.Context())
	specReq.URL = &specURL
	specReq.Body = io.NopCloser(bytes.NewReader(x.RequestBody))
	specResp := *x.Response
	specResp.Body = io.NopCloser(bytes.NewReader(x.Body))
	// Media-type case and parameters (charset) are never significant: the
	// validator is shown the bare, lower-case media type.
	if mt, _, err := mime.ParseMediaType(x.Response.Header.Get("Content-Type")); err == nil {
		specResp.Header = x.Response.Header.Clone()
		specResp.Header.Set("Content-Type", mt)
	}
	ok, errs := c.Spec.Validator.ValidateHttpResponse(specReq, &specResp)
	c.findings.seen++
	if ok || len(errs) == 0 {
		return
	}
	if errs = c.withoutReconstructed(errs); len(errs) == 0 {
		return
	}
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "  - %s", e.Message)
		if e.Reason != "" && e.Reason != e.Message {
			fmt.Fprintf(&b, ": %s", e.Reason)
		}
		if e.SpecLine > 0 {
			fmt.Fprintf(&b, " (spec line %d)", e.SpecLine)
		}
		b.WriteString("\n")
		for _, f := range e.SchemaValidationErrors {
			where := f.FieldPath
			if where == "" {
				where = "$ (the whole body)"
			}
			fmt.Fprintf(&b, "      at %s: %s", where, f.Reason)
			if f.KeywordLocation != "" {
				fmt.Fprintf(&b, " [schema %s]", f.KeywordLocation)
			}
			b.WriteString("\n")
		}
		if e.HowToFix != "" {
			fmt.Fprintf(&b, "      how to fix: %s\n", e.HowToFix)
		}
	}
	// One violation on many customers is one finding: the concrete path
	// is not part of what went wrong.
	found := strings.NewReplacer(specURL.EscapedPath(), "{path}", specURL.Path, "{path}").Replace(b.String())
	c.findings.record(fmt.Sprintf("%s answer %d to %s\n%s", c.API, x.Status(), x.Request.Method, found), x)
}

// withoutReconstructed drops the schema failures at constraints the spec
// marks as reconstructed, and the errors left with none; each dropped one
// is noted in the check's steps.
func (c *Client) withoutReconstructed(errs []*liberrors.ValidationError) []*liberrors.ValidationError {
	if len(c.Reconstructed) == 0 {
		return errs
	}
	var kept []*liberrors.ValidationError
	for _, e := range errs {
		var real []*liberrors.SchemaValidationFailure
		for _, f := range e.SchemaValidationErrors {
			if c.isReconstructed(f.KeywordLocation) {
				By(fmt.Sprintf("note: %s: %s [schema %s]; a reconstructed constraint, not a failure", f.FieldPath, f.Reason, f.KeywordLocation))
				continue
			}
			real = append(real, f)
		}
		if len(e.SchemaValidationErrors) > 0 && len(real) == 0 {
			continue
		}
		e.SchemaValidationErrors = real
		kept = append(kept, e)
	}
	return kept
}

func (c *Client) isReconstructed(keywordLocation string) bool {
	for _, suffix := range c.Reconstructed {
		if strings.HasSuffix(keywordLocation, suffix) || (strings.HasSuffix(suffix, "/") && strings.Contains(keywordLocation+"/", suffix)) {
			return true
		}
	}
	return false
}

// Status is the response's status code.
func (x *Exchange) Status() int { return x.Response.StatusCode }

// MediaType is the response's media type without parameters.
func (x *Exchange) MediaType() string {
	mt, _, err := mime.ParseMediaType(x.Response.Header.Get("Content-Type"))
	if err != nil {
		return x.Response.Header.Get("Content-Type")
	}
	return mt
}

// Path is the request path as sent, base path included.
func (x *Exchange) Path() string { return x.Request.URL.Path }

// DecodeJSON decodes the response body. A body that is not JSON where the
// check needs JSON means the check cannot go on.
func (x *Exchange) DecodeJSON(into any) {
	GinkgoHelper()
	if err := json.Unmarshal(x.Body, into); err != nil {
		CouldNotRun(x.Explanation(fmt.Sprintf("the response body is not the JSON the check needs: %v", err)))
	}
}

// JSON decodes the response body as a JSON object.
func (x *Exchange) JSON() map[string]any {
	GinkgoHelper()
	var m map[string]any
	x.DecodeJSON(&m)
	return m
}

// Explain returns a Gomega description: the rule under test, what is being
// checked, and the exchange with secrets redacted. It is evaluated only when
// the assertion fails.
func (x *Exchange) Explain(what string, args ...any) func() string {
	return func() string { return x.Explanation(fmt.Sprintf(what, args...)) }
}

func (x *Exchange) Explanation(what string) string {
	return fmt.Sprintf("%s: %s\n\n%s", CurrentRule(), what, x.String())
}

// String shows the exchange the way a person would paste it into an issue,
// with credentials redacted.
func (x *Exchange) String() string {
	var b strings.Builder
	b.WriteString("request sent:\n")
	fmt.Fprintf(&b, "  %s %s\n", x.Request.Method, redactURL(x.Request.URL.String()))
	writeHeaders(&b, x.Request.Header)
	if len(x.RequestBody) > 0 {
		fmt.Fprintf(&b, "\n  %s\n", redact(string(x.RequestBody)))
	}
	if x.Response == nil {
		b.WriteString("no response\n")
		return b.String()
	}
	b.WriteString("response got:\n")
	fmt.Fprintf(&b, "  %s\n", x.Response.Status)
	writeHeaders(&b, x.Response.Header)
	if len(x.Body) > 0 {
		// Redacted before it is cut, so no secret is cut in two and half
		// shown.
		const max = 4096
		body := redact(string(x.Body))
		if len(body) > max {
			body = strings.ToValidUTF8(body[:max], "") + fmt.Sprintf("... (%d bytes in all)", len(x.Body))
		}
		fmt.Fprintf(&b, "\n  %s\n", strings.TrimRight(body, "\n"))
	}
	return b.String()
}

// sensitiveHeaders carry credentials; their values never reach a report.
var sensitiveHeaders = map[string]bool{"X-Api-Key": true, "Authorization": true, "Cookie": true, "Set-Cookie": true}

// writeHeaders shows headers sorted, credentials redacted (by name, and by
// value wherever a server echoes one under another name), and without
// Date, Vary and Content-Length, which only add noise to a failure message.
func writeHeaders(b *strings.Builder, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		if k == "Date" || k == "Vary" || k == "Content-Length" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := redact(strings.Join(h[k], ", "))
		if sensitiveHeaders[k] {
			v = redacted
		}
		fmt.Fprintf(b, "  %s: %s\n", redact(k), v)
	}
}

// MustJSON shows a value as JSON in a failure message, or the reason it
// cannot.
func MustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// CanonicalInstant spells an RFC 3339 date-time one way (UTC, fractional
// seconds only when there are any), so that `2026-01-10T09:00:00Z`,
// `2026-01-10T09:00:00.000Z` and `2026-01-10T10:00:00+01:00` compare equal.
// Anything else is returned as it is: the spec's validator judges formats.
func CanonicalInstant(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.UTC().Format(time.RFC3339Nano)
}
