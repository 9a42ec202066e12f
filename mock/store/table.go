package store

import (
	"context"
	"encoding/json"
	"fmt"
)

// Table is a typed view of one kind of record of one API, over the
// fixtures: a key the session never wrote reads as its fixture record.
// Records are values shared between requests: fn gets the current one and
// returns a new one, never modifying what it was given.
type Table[T any] struct {
	name  string
	seed  map[string]T
	codec Codec
}

// NewTable names a table (unique across the APIs, e.g. "otark.customers")
// and takes its fixture records, which it keeps and never changes: the
// caller hands the map over (no copy: 100,000 fixture records are tens of
// megabytes) and must not change it after. T must survive a JSON round
// trip; the Redis store keeps it as JSON.
func NewTable[T any](name string, seed map[string]T) *Table[T] {
	return &Table[T]{name: name, seed: seed, codec: jsonCodec[T]{}}
}

// Name is the table's name.
func (t *Table[T]) Name() string { return t.name }

// Get returns the session's record at key: what it stored, else the fixture.
func (t *Table[T]) Get(ctx context.Context, s Session, key string) (T, bool, error) {
	v, found, err := s.Get(ctx, t.name, key, t.codec)
	if err != nil || !found {
		seed, ok := t.seed[key]
		return seed, ok && err == nil, err
	}
	return v.(T), true, nil
}

// Update replaces the record at key by fn's answer, atomically; a key with
// neither a stored record nor a fixture is ErrNotFound. fn may run more
// than once.
func (t *Table[T]) Update(ctx context.Context, s Session, key string, fn func(cur T) (T, error)) (T, error) {
	v, err := s.Update(ctx, t.name, key, t.codec, func(cur any, found bool) (any, error) {
		if found {
			return fn(cur.(T))
		}
		seed, ok := t.seed[key]
		if !ok {
			return nil, ErrNotFound
		}
		return fn(seed)
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}

// All returns every record of the session: the fixtures overlaid with what
// it stored.
func (t *Table[T]) All(ctx context.Context, s Session) (map[string]T, error) {
	out := make(map[string]T, len(t.seed))
	err := t.Each(ctx, s, func(k string, v T) { out[k] = v })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Each calls fn with every record All would return, in no order, without
// copying the table: a read of a few records need not pay for all of them.
// fn must not use the session: it may run while the session is locked.
func (t *Table[T]) Each(ctx context.Context, s Session, fn func(key string, v T)) error {
	each := func(stored map[string]any) {
		for k, v := range t.seed {
			if _, overridden := stored[k]; !overridden {
				fn(k, v)
			}
		}
		for k, v := range stored {
			fn(k, v.(T))
		}
	}
	if r, ok := s.(storedRanger); ok {
		r.rangeStored(t.name, each)
		return nil
	}
	stored, err := s.All(ctx, t.name, t.codec)
	if err != nil {
		return err
	}
	each(stored)
	return nil
}

// storedRanger is a session that can show a table's stored records in
// place, without the copy All makes: the in-memory store, where that copy
// was a list request's largest allocation once the session had written its
// customers.
type storedRanger interface {
	rangeStored(table string, fn func(stored map[string]any))
}

type jsonCodec[T any] struct{}

func (jsonCodec[T]) Encode(v any) ([]byte, error) { return json.Marshal(v.(T)) }

func (jsonCodec[T]) Decode(b []byte) (any, error) {
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("decode stored record: %w", err)
	}
	return v, nil
}
