package suite

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Target describes the server under test: one section per registered
// API, as in the "conformance target file" section of the contract. An
// absent section means the API is not offered and its checks are skipped.
type Target struct {
	// Name optionally names the implementation in the reports.
	Name string
	// sections holds each present section, decoded by its API's type.
	sections map[string]Section
}

// Section is one API's part of a target file, a type the API's package
// owns. It embeds Common, which carries the keys every section has.
type Section interface {
	// Shared returns the keys every section has.
	Shared() *Common
	// Missing names the required keys the section lacks, each as
	// "<api>.<key>"; base_url is checked for every section already.
	Missing() []string
	// Secrets are the section's credentials, redacted in every output.
	Secrets() []string
}

// Key is a required key of a section and whether the file gives it.
type Key struct {
	Name  string
	Given bool
}

// Required names, as "<api>.<key>", the keys that are not given, in the
// order listed: what a section's Missing returns for its plain keys.
func Required(api string, keys ...Key) []string {
	var missing []string
	for _, k := range keys {
		if !k.Given {
			missing = append(missing, api+"."+k.Name)
		}
	}
	return missing
}

// Common holds the keys of every section; a section type embeds it
// inline.
type Common struct {
	BaseURL string `yaml:"base_url"`
	// Headers are sent with every request of the API (a tenant header).
	Headers map[string]string `yaml:"headers"`
}

// Shared makes an embedding section a Section.
func (c *Common) Shared() *Common { return c }

// Section returns the API's section, nil when the target file has none.
func (t *Target) Section(api string) Section { return t.sections[api] }

// SetSection puts an API's section into the target, as if the target
// file had it; a vendor building a Target in Go uses it.
func (t *Target) SetSection(api string, s Section) {
	if t.sections == nil {
		t.sections = map[string]Section{}
	}
	t.sections[api] = s
}

// maxTargetFile bounds what --config reads: a target file is a few
// hundred bytes, and a path to a device or a huge file must not take the
// suite's memory.
const maxTargetFile = 1 << 20

// LoadTarget reads and checks a target file.
func LoadTarget(path string) (*Target, error) {
	data, err := readBounded(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("target file %s does not exist (pass --config FILE; fixtures/conformance.yaml describes the mock)", path)
		}
		return nil, fmt.Errorf("target file: %w", err)
	}
	t, err := ParseTarget(data)
	if err != nil {
		return nil, fmt.Errorf("target file %s: %w", path, err)
	}
	return t, nil
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxTargetFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxTargetFile {
		return nil, fmt.Errorf("larger than %d bytes (1 MiB), the most --config reads", maxTargetFile)
	}
	return data, nil
}

// Secrets are the target file's credentials, redacted in every output.
func (t *Target) Secrets() []string {
	var out []string
	for _, a := range registered {
		if s := t.Section(a.Name); s != nil {
			out = append(out, s.Secrets()...)
		}
	}
	return out
}

// knownSections are the top-level keys of a target file. An unknown one is
// almost always a typo ("otrak:"), and silently skipping an API because of
// it would make a run look greener than it is.
func knownSections() []string {
	return append([]string{"name"}, registeredNames()...)
}

// ParseTarget decodes a target file. Required keys are checked by Validate,
// once --target has had its say.
func ParseTarget(data []byte) (*Target, error) {
	var top map[string]yaml.Node
	if err := yaml.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("not valid YAML: %w", err)
	}
	known := knownSections()
	for key := range top {
		if !slices.Contains(known, key) {
			return nil, fmt.Errorf("unknown section %q (known: %s)", key, strings.Join(known, ", "))
		}
	}
	file := reflect.New(targetFileType())
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(file.Interface()); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("not a valid target file: %w", err)
	}
	t := &Target{Name: file.Elem().Field(0).String()}
	for i, a := range registered {
		if f := file.Elem().Field(i + 1); !f.IsNil() {
			t.SetSection(a.Name, f.Interface().(Section))
		}
	}
	if len(t.sections) == 0 {
		return nil, fmt.Errorf("no API section: add at least one of %s", strings.Join(registeredNames(), ", "))
	}
	return t, nil
}

// targetFileType is the struct a target file decodes into: name, then one
// pointer field per registered API of the type its Section returns. One
// decode of the whole file keeps the decoder's line numbers and its
// unknown-key check in every section.
func targetFileType() reflect.Type {
	fields := []reflect.StructField{{Name: "Name", Type: reflect.TypeFor[string](), Tag: `yaml:"name"`}}
	for i, a := range registered {
		fields = append(fields, reflect.StructField{
			Name: fmt.Sprintf("API%d", i),
			Type: reflect.TypeOf(a.Section()),
			Tag:  reflect.StructTag(fmt.Sprintf("yaml:%q", a.Name)),
		})
	}
	return reflect.StructOf(fields)
}

// Validate reports every key a present section cannot run without. It runs
// after --target has filled in base_url.
func (t *Target) Validate() error {
	var missing []string
	for _, a := range registered {
		s := t.Section(a.Name)
		if s == nil {
			continue
		}
		if s.Shared().BaseURL == "" {
			missing = append(missing, a.Name+".base_url")
		}
		missing = append(missing, s.Missing()...)
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing required keys: %s", strings.Join(missing, ", "))
	}
	for _, api := range registeredNames() {
		if err := validateHeaders(t.Headers(api)); err != nil {
			return fmt.Errorf("%s.headers: %w", api, err)
		}
		if base := t.BaseURL(api); base != "" {
			if _, err := ParseBaseURL(base); err != nil {
				return fmt.Errorf("%s.base_url (or --target): %w", api, err)
			}
		}
	}
	return nil
}

// OverrideBaseURL points every present section at url (--target).
func (t *Target) OverrideBaseURL(url string) {
	for _, s := range t.sections {
		s.Shared().BaseURL = url
	}
}

// BaseURL returns the base URL of an API's section, "" when absent.
func (t *Target) BaseURL(api string) string {
	if s := t.Section(api); s != nil {
		return s.Shared().BaseURL
	}
	return ""
}

// Headers returns the extra headers of an API's section.
func (t *Target) Headers(api string) map[string]string {
	if s := t.Section(api); s != nil {
		return s.Shared().Headers
	}
	return nil
}

// reservedHeaders are the client's own: credentials (the checks send, omit
// and spoil them on purpose) and the framing of the request.
var reservedHeaders = []string{"Authorization", "Proxy-Authorization", "X-Api-Key", "Cookie",
	"Host", "Content-Type", "Content-Length", "Transfer-Encoding", "Connection"}

// headerName is RFC 9110's token.
var headerName = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

func validateHeaders(h map[string]string) error {
	for name, value := range h {
		switch {
		case !headerName.MatchString(name):
			return fmt.Errorf("%q is not a header name", name)
		case slices.Contains(reservedHeaders, http.CanonicalHeaderKey(name)):
			return fmt.Errorf("%s is set by the suite itself (credentials come from the section's own keys)", http.CanonicalHeaderKey(name))
		case strings.ContainsAny(value, "\r\n\x00"):
			return fmt.Errorf("the value of %s has a line break or NUL", name)
		}
	}
	return nil
}
