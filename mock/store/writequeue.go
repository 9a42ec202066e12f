package store

import "sync"

// writeQueue lines up one process's updates of each record (group commit).
// The first update of a record leads: it takes every update queued so far,
// itself included, and commits them in one round trip. Updates that arrive
// meanwhile wait in the queue; when the leader's own batch is committed it
// hands the lead to the first of them, which commits the next batch. So no
// update waits for more than the batch before its own, and a record under a
// burst costs one round trip per batch instead of one per update.
type writeQueue struct {
	mu      sync.Mutex
	records map[string]*recordQueue
}

type recordQueue struct {
	waiting []*queuedWrite
}

// queuedWrite is one update in a queue; done is closed when it has its
// result (next, err), or when lead is set and it is to commit a batch.
type queuedWrite struct {
	fn   func(any, bool) (any, error)
	next any
	err  error
	lead bool
	done chan struct{}
}

// join queues w for field; it reports whether w leads (no one else is
// committing the record), in which case the caller commits right away.
func (q *writeQueue) join(field string, w *queuedWrite) (lead bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.records == nil {
		q.records = map[string]*recordQueue{}
	}
	rq, busy := q.records[field]
	if !busy {
		rq = &recordQueue{}
		q.records[field] = rq
	}
	rq.waiting = append(rq.waiting, w)
	return !busy
}

// take hands the leader every queued update of field, oldest first; the
// leader's own is among the first batch it takes.
func (q *writeQueue) take(field string) []*queuedWrite {
	q.mu.Lock()
	defer q.mu.Unlock()
	rq := q.records[field]
	batch := rq.waiting
	rq.waiting = nil
	return batch
}

// handOver ends a leader's turn: the oldest update queued since leads the
// next batch, or, with none, the record is idle again.
func (q *writeQueue) handOver(field string) {
	q.mu.Lock()
	rq := q.records[field]
	if len(rq.waiting) == 0 {
		delete(q.records, field)
		q.mu.Unlock()
		return
	}
	next := rq.waiting[0]
	q.mu.Unlock()
	next.lead = true
	close(next.done)
}
