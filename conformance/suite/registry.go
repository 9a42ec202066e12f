package suite

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/pb33f/libopenapi-validator/config"

	"github.com/gridtwin/gridtwin/specs"
)

// API is one vendor API's checks. Each API lives in its own package
// (one per API under conformance/) and registers itself with RegisterAPI; the
// framework knows it only through this description.
type API struct {
	// Name is the short name: the --api value, the Ginkgo label, and the
	// target-file section.
	Name string
	// Spec names the embedded OpenAPI document (a specs constant).
	Spec string
	// Title describes what is checked: the vendor, the API and its endpoints.
	Title string
	// Section returns a new, empty section of the API's own type (a
	// pointer to a struct embedding Common inline); the target file's
	// section of the API's name is decoded into it.
	Section func() Section
	// Configure prepares the API's client from its target section: default
	// credentials and the secrets to redact. It runs only when the target
	// file has a section for this API.
	Configure func(s Section, c *Client)
	// Destructive says, for --help, what the API's destructive checks
	// change; empty when it has none.
	Destructive string
	// Checks declares the API's specs (Describe/It). It runs while Ginkgo
	// builds its tree, before any request is sent, so it must only capture
	// e and read e.Target/e.Client inside the It bodies.
	Checks func(e *Env)
}

var (
	registry = map[string]API{}
	// registered keeps the registration order, which is the order of the
	// target file's sections in messages and --help.
	registered []API
)

// RegisterAPI adds an API's checks to the suite.
func RegisterAPI(a API) {
	if _, dup := registry[a.Name]; dup {
		panic("conformance: API registered twice: " + a.Name)
	}
	registry[a.Name] = a
	registered = append(registered, a)
}

// registeredNames are the APIs' names in registration order.
func registeredNames() []string {
	names := make([]string, 0, len(registered))
	for _, a := range registered {
		names = append(names, a.Name)
	}
	return names
}

// registeredAPIs returns the APIs in name order, so reports are stable.
func registeredAPIs() []API {
	out := slices.Clone(registered)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Env is what a check sees, in the spirit of csi-sanity's TestContext: the
// target and the API's validated client, which also keeps the running
// check's cleanups. Fields are filled in by the registry's setup.
type Env struct {
	API              API
	Target           *Target
	AllowDestructive bool
	Client           *Client

	selected   bool
	timeout    time.Duration
	clientErr  error
	configured bool
	prepared   bool
}

// describeAPIs builds Ginkgo's tree: one container per registered API,
// labelled with the API's name, whose every check runs between the
// registry's setup and teardown.
func describeAPIs(run *runConfig) {
	for _, a := range registeredAPIs() {
		env := &Env{
			API:              a,
			Target:           run.target,
			AllowDestructive: run.allowDestructive,
			selected:         run.selected(a.Name),
			timeout:          run.requestTimeout,
		}
		Describe(a.Name, Label(a.Name), func() {
			BeforeEach(env.setup)
			AfterEach(env.teardown)
			a.Checks(env)
			describeResponseSchema(env)
		})
	}
}

func (e *Env) setup() {
	if !e.selected {
		Skip(fmt.Sprintf("%s is not selected by --api", e.API.Name))
	}
	if !e.prepared {
		e.prepared = true
		e.prepare()
	}
	if !e.configured {
		Skip(fmt.Sprintf("the target file has no %s section", e.API.Name))
	}
	if e.clientErr != nil {
		CouldNotRun(e.clientErr.Error())
	}
	e.Client.beginCheck()
}

// prepare loads the spec and builds the client once per API, only for APIs
// that run: a run of one API never compiles another's schemas.
func (e *Env) prepare() {
	section := e.Target.Section(e.API.Name)
	if e.configured = section != nil; !e.configured {
		return
	}
	c := &Client{API: e.API.Name}
	e.API.Configure(section, c)
	// Formats (date-time, uri, uuid) are part of the documents' contract,
	// so the suite asserts them where the mock, for speed, need not.
	doc, err := specs.Load(e.API.Spec, config.WithFormatAssertions())
	if err != nil {
		e.clientErr = fmt.Errorf("loading the %s OpenAPI document: %w", e.API.Name, err)
		return
	}
	client, err := NewClient(e.API.Name, e.Target.BaseURL(e.API.Name), doc, e.timeout)
	if err != nil {
		e.clientErr = err
		return
	}
	if client.Reconstructed, err = specs.Reconstructed(e.API.Spec); err != nil {
		e.clientErr = err
		return
	}
	client.Header, client.Secrets = c.Header, c.Secrets
	if client.Header == nil {
		client.Header = make(map[string][]string)
	}
	for name, value := range e.Target.Headers(e.API.Name) {
		client.Header.Set(name, value)
	}
	e.Client = client
}

func (e *Env) teardown() {
	if e.Client != nil {
		e.Client.endCheck()
	}
}

// Labels used by every check. A check carries its API (from the registry's
// container), one Rule, one of Documented or Framework, and Destructive
// when it changes something that cannot be undone.
var (
	Documented  = Label("documented")
	Framework   = Label("framework")
	Destructive = Label("destructive")
)

// Rule labels a check with the contract rule it checks, e.g.
// Rule("metadata-merge") → label "rule:metadata-merge".
func Rule(name string) Labels { return Label("rule:" + name) }

// currentRule names the rule of the running check for failure messages.
func CurrentRule() string {
	labels := CurrentSpecReport().Labels()
	api, rule, kind := "", "", ""
	for _, l := range labels {
		switch {
		case strings.HasPrefix(l, "rule:"):
			rule = strings.TrimPrefix(l, "rule:")
		case l == "documented" || l == "framework":
			kind = l
		case registry[l].Name == l:
			api = l
		}
	}
	if rule == "" {
		return "rule (unlabelled)"
	}
	id := api + "/" + rule
	if r, ok := contractRules[id]; ok {
		return fmt.Sprintf("rule %s [%s], see %s", id, kind, r.Anchor())
	}
	return fmt.Sprintf("rule %s [%s] (not in docs/contract.md)", id, kind)
}

// RequireDestructive skips a check that cannot be undone unless the run
// allows it.
func (e *Env) RequireDestructive() {
	if !e.AllowDestructive {
		Skip("destructive: changes the server in a way that cannot be undone; run with --allow-destructive")
	}
}

// Need skips the check when an optional target-file key is absent: an
// empty string, a zero number or a nil pointer.
func Need(value any, key string) {
	if value != nil && !reflect.ValueOf(value).IsZero() {
		return
	}
	Skip(fmt.Sprintf("needs %s in the target file", key))
}
