package suite

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
)

// schemaFindings are the distinct ways an API's answers broke its OpenAPI
// document. A broken schema is one rule, <api>/response-schema, so it
// fails once per distinct violation however many checks read such an
// answer; the behavioural checks that read it judge their own rule only.
type schemaFindings struct {
	seen  int               // answers validated
	order []string          // distinct violations, first seen first
	first map[string]string // violation → the check and exchange that showed it first
}

// maxFindings bounds what a hostile server can make the report carry.
const maxFindings = 50

func (f *schemaFindings) record(violation string, x *Exchange) {
	if _, dup := f.first[violation]; dup || len(f.order) >= maxFindings {
		return
	}
	f.order = append(f.order, violation)
	f.first[violation] = fmt.Sprintf("first seen in check %q\n\n%s", CurrentSpecReport().FullText(), x.String())
}

// describeResponseSchema is the last check of every API: it runs after
// the checks whose answers it judges.
func describeResponseSchema(e *Env) {
	It("should answer only what its OpenAPI document allows", Rule("response-schema"), Documented, func() {
		f := e.Client.findings
		e.Client.health.stopIfBroken()
		if f.seen == 0 {
			Skip("no check of this run reached the server, so no answer was there to judge")
		}
		if len(f.order) == 0 {
			return
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %d distinct violation(s) of the %s OpenAPI document in %d answers\n",
			CurrentRule(), len(f.order), e.API.Name, f.seen)
		for i, v := range f.order {
			fmt.Fprintf(&b, "\n--- violation %d: expected an answer the document allows; received %s\n%s\n", i+1, v, f.first[v])
		}
		Fail(b.String())
	})
}
