package jsonparse

import "fmt"

// Object is a JSON object with its members in body order. A key given
// twice is one member, at its first place, with its last value.
type Object struct {
	Members []Member
}

// Member is one key and its value.
type Member struct {
	Key   string
	Value any
}

// indexFrom is the size from which the decoder indexes an object's keys: a
// scan of a few members is cheaper than hashing.
const indexFrom = 16

// Get returns the value of key.
func (o *Object) Get(key string) (any, bool) {
	for _, m := range o.Members {
		if m.Key == key {
			return m.Value, true
		}
	}
	return nil, false
}

// Plain converts an Ordered value into the plain form Decode returns
// without Ordered (map[string]any for objects), which schema validators
// take. Like Decode it needs no recursion, however deep the value.
func Plain(v any) any {
	root, ok := openFrame(v)
	if !ok {
		return v
	}
	stack := []plainFrame{root}
	for {
		top := &stack[len(stack)-1]
		_, child, more := top.child()
		if !more {
			out := top.out()
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return out
			}
			stack[len(stack)-1].store(out)
			continue
		}
		if f, ok := openFrame(child); ok {
			stack = append(stack, f)
			continue
		}
		top.store(child)
	}
}

// plainFrame is a container being converted by Plain.
type plainFrame struct {
	object *Object
	array  []any
	next   int
	plain  map[string]any
	list   []any
}

func openFrame(v any) (plainFrame, bool) {
	switch t := v.(type) {
	case *Object:
		return plainFrame{object: t, plain: make(map[string]any, len(t.Members))}, true
	case []any:
		return plainFrame{array: t, list: make([]any, 0, len(t))}, true
	}
	return plainFrame{}, false
}

// child is the next member to convert; more is false past the last.
func (f *plainFrame) child() (key string, v any, more bool) {
	if f.object != nil {
		if f.next == len(f.object.Members) {
			return "", nil, false
		}
		m := f.object.Members[f.next]
		return m.Key, m.Value, true
	}
	if f.next == len(f.array) {
		return "", nil, false
	}
	return "", f.array[f.next], true
}

// store puts the converted value of the current child in place.
func (f *plainFrame) store(v any) {
	if f.object != nil {
		f.plain[f.object.Members[f.next].Key] = v
	} else {
		f.list = append(f.list, v)
	}
	f.next++
}

func (f *plainFrame) out() any {
	if f.object != nil {
		return f.plain
	}
	return f.list
}

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
