package podero

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	verrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	"github.com/gridtwin/gridtwin/mock/internal/jsonparse"
	"github.com/gridtwin/gridtwin/specs"
)

// fieldSpec is what specs/podero.yaml says about one value: read once in New
// so that a validator finding can be answered in pydantic's words, and so
// that errors come out in the model's field order, as pydantic lists them.
type fieldSpec struct {
	types     []string
	format    string
	enum      []string // without null
	maxLength int      // -1: no limit
	props     []string // declaration order
	children  map[string]*fieldSpec
	required  []string
	items     *fieldSpec
	// kind and nullable are what coerce asks of types, worked out once.
	kind     fieldKind
	nullable bool
}

// fieldKind is which of pydantic's conversions a value gets; the first
// that fits, in this order, wins.
type fieldKind int

const (
	kindAny fieldKind = iota
	kindEnum
	kindNumber
	kindBool
	kindUUID
	kindDatetime
	kindString
	kindList
	kindObject
)

func kindOf(f *fieldSpec) fieldKind {
	switch {
	case len(f.enum) > 0:
		return kindEnum
	case f.allows("number"):
		return kindNumber
	case f.allows("boolean"):
		return kindBool
	case f.allows("string") && f.format == "uuid":
		return kindUUID
	case f.allows("string") && f.format == "date-time":
		return kindDatetime
	case f.allows("string"):
		return kindString
	case f.allows("array"):
		return kindList
	case f.allows("object"):
		return kindObject
	}
	return kindAny
}

func specOf(s *base.Schema) *fieldSpec {
	f := &fieldSpec{types: s.Type, format: s.Format, maxLength: -1, required: s.Required, children: map[string]*fieldSpec{}}
	if s.MaxLength != nil {
		f.maxLength = int(*s.MaxLength)
	}
	for _, n := range s.Enum {
		if n.Tag != "!!null" {
			f.enum = append(f.enum, n.Value)
		}
	}
	if s.Properties != nil {
		for name, proxy := range s.Properties.FromOldest() {
			f.props = append(f.props, name)
			f.children[name] = specOf(proxy.Schema())
		}
	}
	if s.Items != nil && s.Items.IsA() {
		f.items = specOf(s.Items.A.Schema())
	}
	f.kind, f.nullable = kindOf(f), f.allows("null")
	return f
}

func (f *fieldSpec) allows(t string) bool { return slices.Contains(f.types, t) }

// operation is one documented operation with what validation needs of it.
type operation struct {
	method   string
	template string
	params   []string
	param    map[string]*fieldSpec
	body     *fieldSpec // nil when the operation takes no body
	// schema is the body's schema compiled once, with the options of the
	// API's validator; nil when the operation takes no body.
	schema *specs.Schema
	// schemaAfterCoerce is whether the schema can find anything on a body
	// coerce passed (see schemaCanAdd): when it cannot, a valid body is
	// not validated twice.
	schemaAfterCoerce bool
	// quick is whether a body may be read by quickContract: a contract
	// object whose schema says nothing coerce does not read.
	quick bool
}

func newOperation(model *v3.Document, method, template string) (*operation, error) {
	item := model.Paths.PathItems.GetOrZero(template)
	if item == nil {
		return nil, fmt.Errorf("specs/podero.yaml has no path %s", template)
	}
	op := item.GetOperations().GetOrZero(strings.ToLower(method))
	if op == nil {
		return nil, fmt.Errorf("specs/podero.yaml has no %s %s", method, template)
	}
	o := &operation{method: method, template: template, param: map[string]*fieldSpec{}}
	for _, p := range slices.Concat(item.Parameters, op.Parameters) {
		if p.In == "path" {
			o.params = append(o.params, p.Name)
			o.param[p.Name] = specOf(p.Schema.Schema())
		}
	}
	if op.RequestBody != nil {
		media := op.RequestBody.Content.GetOrZero("application/json")
		if media == nil || media.Schema == nil {
			return nil, fmt.Errorf("%s %s: no application/json body schema", method, template)
		}
		o.body = specOf(media.Schema.Schema())
		o.schemaAfterCoerce = schemaCanAdd(media.Schema.Schema(), map[*base.Schema]bool{})
		o.quick = o.body.kind == kindObject && !o.schemaAfterCoerce
	}
	return o, nil
}

// schemaCanAdd reports whether the schema, on a body coerce passed, could
// find something translateBody keeps. coerce reads the same schema: every
// finding but "required" is answered by running coerce on the value it
// points at, which on a body coerce passed finds nothing, and coerce checks
// the required properties it knows of, the declared ones. What is left is
// a required property that is not declared, or a keyword coerce does not
// read (allOf, anyOf, oneOf, not, if) whose branches may require more.
func schemaCanAdd(s *base.Schema, seen map[*base.Schema]bool) bool {
	if s == nil || seen[s] {
		return false
	}
	seen[s] = true
	if len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) > 0 || s.Not != nil || s.If != nil {
		return true
	}
	for _, name := range s.Required {
		if s.Properties == nil || s.Properties.GetOrZero(name) == nil {
			return true
		}
	}
	if s.Properties != nil {
		for _, proxy := range s.Properties.FromOldest() {
			if schemaCanAdd(proxy.Schema(), seen) {
				return true
			}
		}
	}
	return s.Items != nil && s.Items.IsA() && schemaCanAdd(s.Items.A.Schema(), seen)
}

// coerce does what pydantic does with value where the spec describes it:
// the lax conversion on success, pydantic's error otherwise. Objects keep
// only declared properties: unknown fields are ignored, as pydantic does.
// A value pydantic keeps as it is comes back as the same interface, so a
// valid body is not boxed a second time.
func coerce(f *fieldSpec, value any, at *place) (any, []fieldError) {
	if value == nil && f.nullable {
		return nil, nil
	}
	switch f.kind {
	case kindEnum:
		s, e := pyEnum(value, f.enum)
		return sameString(value, s, e, at)
	case kindNumber:
		n, e := pyFloat(value)
		if x, ok := value.(float64); ok && e == nil && x == n {
			return value, nil
		}
		return result(n, e, at)
	case kindBool:
		b, e := pyBool(value)
		return result(b, e, at)
	case kindUUID:
		s, e := pyUUID(value)
		return sameString(value, s, e, at)
	case kindDatetime:
		s, e := pyDatetime(value)
		return sameString(value, s, e, at)
	case kindString:
		s, e := pyString(value, f.maxLength)
		return sameString(value, s, e, at)
	case kindList:
		return coerceList(f, value, at)
	case kindObject:
		return coerceObject(f, value, at)
	}
	return value, nil
}

// coerceList and coerceObject hand back their input itself when pydantic
// keeps it as it is (every item, or every member, unchanged, and no member
// it drops): a valid body is then not copied. Anything else is built anew
// from the first item or member that differs.
func coerceList(f *fieldSpec, value any, at *place) (any, []fieldError) {
	list, ok := value.([]any)
	if !ok {
		return result(nil, typeError("list_type", "Input should be a valid list"), at)
	}
	var out []any
	var errs []fieldError
	for i, item := range list {
		v, e := coerce(f.items, item, at.push(segment{index: i}))
		at.pop()
		if out == nil && (len(e) > 0 || !unchanged(item, v)) {
			out = make([]any, len(list))
			copy(out, list[:i])
		}
		if out != nil {
			out[i] = v
		}
		errs = append(errs, e...)
	}
	if out == nil {
		return value, errs
	}
	return out, errs
}

func coerceObject(f *fieldSpec, value any, at *place) (any, []fieldError) {
	if !isObject(value) {
		return result(nil, typeError("model_attributes_type", "Input should be a valid dictionary or object to extract fields from"), at)
	}
	var out *jsonparse.Object
	if !onlyDeclared(f, value) {
		out = &jsonparse.Object{Members: make([]jsonparse.Member, 0, len(f.props))}
	}
	var errs []fieldError
	for i, name := range f.props {
		seg := segment{name: name, named: true}
		v, present := member(value, name)
		if !present {
			if slices.Contains(f.required, name) {
				errs = append(errs, missing(at.push(seg).loc()))
				at.pop()
			}
			continue
		}
		cv, e := coerce(f.children[name], v, at.push(seg))
		at.pop()
		if out == nil && (len(e) > 0 || !unchanged(v, cv)) {
			out = membersOf(value, f.props[:i], len(f.props))
		}
		if out != nil && len(e) == 0 {
			out.Members = append(out.Members, jsonparse.Member{Key: name, Value: cv})
		}
		errs = append(errs, e...)
	}
	if out == nil {
		return value, errs
	}
	return out, errs
}

// onlyDeclared is whether every member of a decoded object is a declared
// property, so that pydantic drops none of them.
func onlyDeclared(f *fieldSpec, value any) bool {
	obj, ok := value.(*jsonparse.Object)
	if !ok {
		return false // a plain map, from translateBody: built anew
	}
	for _, m := range obj.Members {
		if f.children[m.Key] == nil {
			return false
		}
	}
	return true
}

// membersOf copies the given properties value has, as they are.
func membersOf(value any, props []string, capacity int) *jsonparse.Object {
	out := &jsonparse.Object{Members: make([]jsonparse.Member, 0, capacity)}
	for _, name := range props {
		if v, ok := member(value, name); ok {
			out.Members = append(out.Members, jsonparse.Member{Key: name, Value: v})
		}
	}
	return out
}

// unchanged is whether coerce answered in itself: the same scalar, or the
// same list or object.
func unchanged(in, out any) bool {
	switch o := out.(type) {
	case []any:
		i, ok := in.([]any)
		return ok && len(i) == len(o) && (len(o) == 0 || &i[0] == &o[0])
	case map[string]any:
		return false // a field of any type may hold one: maps cannot be compared
	}
	return in == out
}

// isObject and member read a JSON object as the body's decoder gives it
// (*jsonparse.Object, members in body order) or as the schema validator
// takes it (map[string]any, which translateBody's values come from).
func isObject(value any) bool {
	switch value.(type) {
	case *jsonparse.Object, map[string]any:
		return true
	}
	return false
}

func member(obj any, name string) (any, bool) {
	switch o := obj.(type) {
	case *jsonparse.Object:
		return o.Get(name)
	case map[string]any:
		v, ok := o[name]
		return v, ok
	}
	return nil, false
}

func result(v any, e *fieldError, at *place) (any, []fieldError) {
	if e != nil {
		e.Loc = at.loc()
		return nil, []fieldError{*e}
	}
	return v, nil
}

// sameString answers with the input itself when pydantic kept the string
// unchanged.
func sameString(value any, s string, e *fieldError, at *place) (any, []fieldError) {
	if in, ok := value.(string); ok && e == nil && in == s {
		return value, nil
	}
	return result(s, e, at)
}

// place is where coerce is in the request: a stack of segments it pushes
// as it descends. pydantic's loc is built from it only for an error, so a
// valid field costs no allocation for its location.
type place struct {
	root  []any  // the loc of the value coerce started from
	param string // or, when set, that path parameter's: ("path", param)
	path  []segment
	// inline holds the first segments, so a contract's depth
	// (body, energy_prices, index, field) grows no slice.
	inline [4]segment
}

type segment struct {
	name  string
	named bool // name is the segment, else index
	index int
}

func startAt(loc []any) *place {
	p := &place{root: loc}
	p.path = p.inline[:0]
	return p
}

func (p *place) push(s segment) *place { p.path = append(p.path, s); return p }
func (p *place) pop()                  { p.path = p.path[:len(p.path)-1] }

func (p *place) loc() []any {
	root := p.root
	if p.param != "" {
		root = []any{"path", p.param}
	}
	loc := make([]any, len(root), len(root)+len(p.path))
	copy(loc, root)
	for _, s := range p.path {
		if s.named {
			loc = append(loc, s.name)
		} else {
			loc = append(loc, s.index)
		}
	}
	return loc
}

func missing(loc []any) fieldError {
	return fieldError{Type: "missing", Loc: loc, Msg: "Field required"}
}

func appendLoc(loc []any, seg any) []any {
	return append(slices.Clip(loc), seg)
}

var bodyLoc = []any{"body", "payload"}

// checked is a request that passed validation, in pydantic's lax terms.
type checked struct {
	ids      map[string]string // path parameters, canonical lower-case UUIDs
	contract Contract          // the body's, when the operation takes one
}

// requestBody is a body on its way to validation: raw (nil when empty), and
// either the contract quickContract read from it (quick) or its decoded
// JSON.
type requestBody struct {
	raw      []byte
	payload  any
	contract Contract
	quick    bool
}

// validate checks the request against the spec and answers what
// django-ninja would: every path and body error together.
func (a *API) validate(op *operation, vars map[string]string, in requestBody) (out checked, outErrs []fieldError) {
	var errs []fieldError
	seen := map[string]bool{}
	add := func(es ...fieldError) {
		for _, e := range es {
			if key := locKey(e.Loc); !seen[key] {
				seen[key] = true
				errs = append(errs, e)
			}
		}
	}
	defer func() {
		// Every finding of the body's compiled schema is one coerce reports
		// at the same place in the same words (coerce runs on the value
		// the finding points at), so the schema is asked only when coerce
		// found nothing (on 140,000 bad items it took most of the time),
		// and then only if it can find more (on a valid PUT it was a
		// third of the handler for nothing).
		if len(errs) == 0 && op.schema != nil && op.schemaAfterCoerce && in.raw != nil && !in.quick {
			plain := jsonparse.Plain(in.payload)
			add(a.translateBody(op.body, plain, op.schema.Validate(plain))...)
			if len(errs) > 0 {
				out = checked{}
			}
		}
		if len(errs) > 0 {
			a.sortErrors(op, errs)
		}
		outErrs = errs
	}()

	// pydantic's lax rules decide the value; anything pydantic refuses that
	// the JSON Schema allowed (a leap second, say) is reported as well.
	out = checked{ids: make(map[string]string, len(op.params))}
	param := startAt(nil) // one for every parameter: its loc is built only for an error
	for _, name := range op.params {
		f, id := op.param[name], vars[name]
		if f.kind == kindUUID && isCanonicalUUID(id) {
			out.ids[name] = id // coerce's answer, without boxing the id in an any
			continue
		}
		param.root, param.param = nil, name
		v, e := coerce(f, id, param)
		add(e...)
		if s, ok := v.(string); ok {
			out.ids[name] = s
		}
	}
	switch {
	case op.body == nil:
	case in.raw == nil:
		add(missing(bodyLoc))
	case in.quick:
		out.contract = in.contract
		add(contractRules(out.contract, nil)...)
	default:
		v, e := coerce(op.body, in.payload, startAt(bodyLoc))
		// coerce visits each place once, so its errors need no look-up in
		// seen: on 140,000 bad items that look-up cost as much as the
		// rest of the request.
		errs = append(errs, e...)
		if body, ok := v.(*jsonparse.Object); ok && body != nil {
			// Podero's own rules run beside the field checks, on the
			// fields that passed, as pydantic field validators do.
			out.contract = contractFrom(body)
			add(contractRules(out.contract, e)...)
		}
	}
	if len(errs) > 0 {
		return checked{}, nil // the deferred func adds errs
	}
	return out, nil
}

// locKey is a loc as a map key. fmt's %q made 2,048 item indexes (those that
// are UTF-16 surrogates) one key, dropping their errors.
func locKey(loc []any) string {
	var b strings.Builder
	for _, seg := range loc {
		switch s := seg.(type) {
		case int:
			b.WriteByte('#')
			b.WriteString(strconv.Itoa(s))
		case string:
			b.WriteByte('.')
			b.WriteString(strconv.Quote(s))
		default:
			b.WriteByte('.')
			b.WriteString(strconv.Quote(fmt.Sprint(s)))
		}
	}
	return b.String()
}

var quotedName = regexp.MustCompile(`'([^']*)'`)

// translateBody turns one validator finding on the body into pydantic's
// errors at the same place.
func (a *API) translateBody(root *fieldSpec, payload any, failures []*verrors.SchemaValidationFailure) []fieldError {
	var errs []fieldError
	for _, sf := range failures {
		spec, value, loc, ok := locate(root, payload, sf.InstancePath)
		if !ok {
			continue
		}
		keyword := sf.KeywordLocation[strings.LastIndexByte(sf.KeywordLocation, '/')+1:]
		if keyword == "required" {
			for _, m := range quotedName.FindAllStringSubmatch(sf.Reason, -1) {
				errs = append(errs, missing(appendLoc(loc, m[1])))
			}
			continue
		}
		_, e := coerce(spec, value, startAt(loc))
		if len(e) > 0 && len(e[0].Loc) == len(loc) {
			errs = append(errs, e[0])
		}
	}
	return errs
}

// locate follows a validator instance path through the body and its spec.
func locate(root *fieldSpec, payload any, path []string) (*fieldSpec, any, []any, bool) {
	spec, value, loc := root, payload, slices.Clone(bodyLoc)
	for _, seg := range path {
		switch v := value.(type) {
		case map[string]any:
			child := spec.children[seg]
			if child == nil {
				return nil, nil, nil, false
			}
			spec, value, loc = child, v[seg], append(loc, seg)
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(v) || spec.items == nil {
				return nil, nil, nil, false
			}
			spec, value, loc = spec.items, v[i], append(loc, i)
		default:
			return nil, nil, nil, false
		}
	}
	return spec, value, loc, true
}

// sortErrors orders errors as pydantic reports them: path parameters in
// signature order, then the body in field declaration order.
func (a *API) sortErrors(op *operation, errs []fieldError) {
	key := func(e fieldError) []int {
		if len(e.Loc) >= 2 && e.Loc[0] == "path" {
			return []int{0, slices.Index(op.params, e.Loc[1].(string))}
		}
		k := []int{1}
		spec := op.body
		for _, seg := range e.Loc[2:] {
			switch s := seg.(type) {
			case int:
				k = append(k, s)
				if spec != nil {
					spec = spec.items
				}
			case string:
				i := -1
				if spec != nil {
					i = slices.Index(spec.props, s)
					spec = spec.children[s]
				}
				k = append(k, i)
			}
		}
		return k
	}
	// Each key is computed once, not twice per comparison.
	type keyed struct {
		k []int
		e fieldError
	}
	ks := make([]keyed, len(errs))
	for i, e := range errs {
		ks[i] = keyed{key(e), e}
	}
	slices.SortStableFunc(ks, func(x, y keyed) int { return slices.Compare(x.k, y.k) })
	for i := range ks {
		errs[i] = ks[i].e
	}
}
