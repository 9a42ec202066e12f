package store

import "sync"

// groupQueue lines up one process's operations on each Redis field (group
// commit). The first operation on a field leads: it takes every operation
// queued so far, itself included, and commits them in one round trip.
// Operations that arrive meanwhile wait in the queue; when the leader's own
// batch is committed it hands the lead to the first of them, which commits
// the next batch. So no operation waits for more than the batch before its
// own, and a field under a burst costs one round trip per batch instead of
// one per operation. Updates of a record and hits of a counter queue so.
type groupQueue[T any] struct {
	mu     sync.Mutex
	fields map[string]*fieldQueue[T]
}

type fieldQueue[T any] struct {
	waiting []*queued[T]
}

// queued is one operation in a queue; done is closed when op holds its
// result, or when lead is set and it is to commit a batch.
type queued[T any] struct {
	op   T
	lead bool
	done chan struct{}
}

func newQueued[T any](op T) *queued[T] { return &queued[T]{op: op, done: make(chan struct{})} }

// run queues w on field and returns once w.op holds its result: commit
// runs on each batch this caller leads, and must give every operation of
// it a result; if it panics, abandon gives one to the others of the batch,
// so that they do not wait forever.
func (q *groupQueue[T]) run(field string, w *queued[T], commit, abandon func(batch []*queued[T])) {
	if !q.join(field, w) {
		<-w.done
		if !w.lead {
			return
		}
	}
	batch := q.take(field)
	committed := false
	defer func() {
		if !committed {
			abandon(batch[1:])
		}
		for _, other := range batch[1:] {
			close(other.done)
		}
		q.handOver(field)
	}()
	commit(batch)
	committed = true
}

// join queues w for field; it reports whether w leads (no one else is
// committing the field), in which case the caller commits right away.
func (q *groupQueue[T]) join(field string, w *queued[T]) (lead bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.fields == nil {
		q.fields = map[string]*fieldQueue[T]{}
	}
	fq, busy := q.fields[field]
	if !busy {
		fq = &fieldQueue[T]{}
		q.fields[field] = fq
	}
	fq.waiting = append(fq.waiting, w)
	return !busy
}

// take hands the leader every queued operation of field, oldest first; the
// leader's own is among the first batch it takes.
func (q *groupQueue[T]) take(field string) []*queued[T] {
	q.mu.Lock()
	defer q.mu.Unlock()
	fq := q.fields[field]
	batch := fq.waiting
	fq.waiting = nil
	return batch
}

// handOver ends a leader's turn: the oldest operation queued since leads
// the next batch, or, with none, the field is idle again.
func (q *groupQueue[T]) handOver(field string) {
	q.mu.Lock()
	fq := q.fields[field]
	if len(fq.waiting) == 0 {
		delete(q.fields, field)
		q.mu.Unlock()
		return
	}
	next := fq.waiting[0]
	q.mu.Unlock()
	next.lead = true
	close(next.done)
}
