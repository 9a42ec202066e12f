// Package pathtemplate matches a request path against a route template the
// way gorilla/mux does for a template without patterns ("/a/{id}/b"): each
// {name} is one non-empty path segment, everything else literal, the whole
// path anchored. mux compiles such a template to a regexp and runs it twice
// per matching request (once to match, once to extract the variables), for
// every route it tries; on the vendors' hot routes that was a tenth of the
// request's CPU. A Matcher splits the path once instead.
package pathtemplate

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gorilla/mux"
)

// part is a literal or, when name is set, one variable segment.
type part struct {
	literal, name string
}

// Matcher is a compiled template, for mux's Route.MatcherFunc.
type Matcher struct {
	parts []part
	vars  int // how many parts are variables
}

// Compile parses a mux template whose variables have no pattern.
func Compile(template string) (*Matcher, error) {
	m := &Matcher{}
	rest := template
	for rest != "" {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			m.parts = append(m.parts, part{literal: rest})
			break
		}
		if open > 0 {
			m.parts = append(m.parts, part{literal: rest[:open]})
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return nil, fmt.Errorf("template %q: unclosed {", template)
		}
		name := rest[open+1 : open+end]
		if name == "" || strings.ContainsAny(name, ":{/") {
			return nil, fmt.Errorf("template %q: variable %q must be a plain name", template, name)
		}
		if open > 0 && !strings.HasSuffix(rest[:open], "/") || strings.HasPrefix(rest[open+end+1:], "{") {
			return nil, fmt.Errorf("template %q: a variable must fill a whole segment", template)
		}
		m.parts = append(m.parts, part{name: name})
		m.vars++
		rest = rest[open+end+1:]
	}
	return m, nil
}

// MustCompile is Compile for templates fixed in the source.
func MustCompile(template string) *Matcher {
	m, err := Compile(template)
	if err != nil {
		panic(err)
	}
	return m
}

// Match reports whether path fits the template and returns its variables.
func (m *Matcher) Match(path string) (map[string]string, bool) {
	// Every request tries the routes in turn, and most tries fail: the
	// variables are gathered only once the whole path is known to match.
	if !m.walk(path, nil) {
		return nil, false
	}
	if m.vars == 0 {
		return nil, true
	}
	vars := make(map[string]string, m.vars)
	m.walk(path, vars)
	return vars, true
}

// walk reports whether path matches, filling vars (when not nil) with the
// segments the parameters took.
func (m *Matcher) walk(path string, vars map[string]string) bool {
	for _, p := range m.parts {
		if p.name == "" {
			var ok bool
			if path, ok = strings.CutPrefix(path, p.literal); !ok {
				return false
			}
			continue
		}
		end := strings.IndexByte(path, '/')
		if end < 0 {
			end = len(path)
		}
		if end == 0 {
			return false
		}
		if vars != nil {
			vars[p.name] = path[:end]
		}
		path = path[end:]
	}
	return path == ""
}

// MatchRoute is the mux.MatcherFunc: on a match it hands mux the variables
// (a fresh map, so a route tried before cannot leave its own behind), which
// mux.Vars then returns to the handler.
func (m *Matcher) MatchRoute(r *http.Request, match *mux.RouteMatch) bool {
	vars, ok := m.Match(r.URL.Path)
	if !ok {
		return false
	}
	if vars == nil {
		vars = map[string]string{}
	}
	match.Vars = vars
	return true
}

// Prefix is the mux.MatcherFunc of mux's PathPrefix for a prefix without
// variables: a vendor's catch-all routes sit before the next vendor's
// routes, and as regexps they were tried on every request of that vendor.
func Prefix(prefix string) mux.MatcherFunc {
	return func(r *http.Request, match *mux.RouteMatch) bool {
		if !strings.HasPrefix(r.URL.Path, prefix) {
			return false
		}
		match.Vars = map[string]string{}
		return true
	}
}
