package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis keeps every session in one Redis database, shared by every mock
// process pointed at it. Each write is a Lua script, so it is atomic across
// processes: a record update is a compare-and-set of the record the caller
// read (retried on conflict), a counter hit and a token issue run wholly in
// Redis. Keys:
//
//	gridtwin:sessions                     sorted set: named session -> last use (ms)
//	gridtwin:default:…, gridtwin:s:NAME:… one session's keys:
//	  keys                                set of the session's data keys (what Reset deletes)
//	  rec:TABLE                           hash: key -> encoded record
//	  cnt:COUNTER                         hash: key -> "start_ms:count"
//	  tok:KIND, tokx:KIND                 hash token -> "expires_ms:value"; sorted set token -> expires_ms
//
// Scripts touch keys they compute, so the store needs a single Redis
// server (or a primary), not a cluster.
type Redis struct {
	opts   Options
	client *redis.Client
	// writes queues this process's updates of one record, so the
	// compare-and-set only ever races another replica, not a neighbour
	// goroutine, and commits the updates that queued up meanwhile in one
	// round trip (see groupQueue); counts does the same for the hits of
	// one counter.
	writes groupQueue[writeOp]
	counts groupQueue[countOp]
	seen   seenRecords
}

// seenRecords remembers the bytes this process last saw of each record,
// the guess Update's compare-and-set starts from. It is only a guess (the
// script checks it), so it may be dropped at any time: it is cleared
// whole when it reaches seenLimit, which bounds it without bookkeeping.
type seenRecords struct {
	mu      sync.Mutex
	records map[string]seenRecord
}

type seenRecord struct {
	raw   string
	found bool
	// value is raw decoded, when this process wrote it: records are never
	// changed in place (see Table), so the next update can start from it
	// without decoding raw again while it holds the record's writer lock.
	value any
}

const seenLimit = 100_000

func (c *seenRecords) get(field string) (r seenRecord, known bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, known = c.records[field]
	return r, known
}

func (c *seenRecords) put(field string, r seenRecord) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.records == nil || len(c.records) >= seenLimit {
		c.records = map[string]seenRecord{}
	}
	c.records[field] = r
}

const (
	redisPrefix      = "gridtwin:"
	redisSessionsKey = redisPrefix + "sessions"
	redisNamedPrefix = redisPrefix + "s:"
	redisDefault     = redisPrefix + "default:"
	// maxUpdateAttempts bounds the compare-and-set retries of one Update; a
	// key written this often at once is contention no client would cause.
	maxUpdateAttempts = 64
	// redisTimeout bounds every round trip: a lost Redis must turn into a
	// quick 503, never a hanging request.
	redisTimeout = 500 * time.Millisecond
)

// OpenRedis connects to rawURL (redis://HOST:PORT/DB) and checks that the
// server answers.
func OpenRedis(ctx context.Context, rawURL string, opts Options) (*Redis, error) {
	ro, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("--store %s: %w", rawURL, err)
	}
	ro.DialTimeout = redisTimeout
	ro.ReadTimeout = redisTimeout
	ro.WriteTimeout = redisTimeout
	ro.PoolTimeout = 2 * redisTimeout
	ro.ContextTimeoutEnabled = true
	// A retried script may already have run: a counter would count twice.
	ro.MaxRetries = -1
	ro.DialerRetries = 1
	r := &Redis{opts: opts.withDefaults(), client: redis.NewClient(ro)}
	pingCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := r.client.Ping(pingCtx).Err(); err != nil {
		_ = r.client.Close()
		return nil, fmt.Errorf("%w: redis at %s: %v", ErrUnavailable, ro.Addr, err)
	}
	return r, nil
}

// Close closes the connection pool.
func (r *Redis) Close() error { return r.client.Close() }

// openScript touches a named session: a live one gets its last use moved
// to now; an expired one, and every other expired one, loses its keys; a
// new one is refused (0) when the limit is reached.
var openScript = redis.NewScript(`
local now, cutoff = tonumber(ARGV[2]), tonumber(ARGV[2]) - tonumber(ARGV[3])
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) >= cutoff then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
  return 1
end
local function drop(name)
  local set = ARGV[5] .. name .. ':keys'
  for _, k in ipairs(redis.call('SMEMBERS', set)) do redis.call('DEL', k) end
  redis.call('DEL', set)
  redis.call('ZREM', KEYS[1], name)
end
if score then drop(ARGV[1]) end
for _, name in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. string.format('%d', cutoff))) do
  drop(name)
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
`)

// Open touches a named session in Redis; the default session needs no
// round trip.
func (r *Redis) Open(ctx context.Context, name string) (Session, error) {
	if name == DefaultSession {
		return &redisSession{r: r, name: name, prefix: redisDefault}, nil
	}
	if err := ValidSessionName(name); err != nil {
		return nil, err
	}
	ok, err := openScript.Run(ctx, r.client, []string{redisSessionsKey},
		name, millis(r.opts.Now()), r.opts.SessionTTL.Milliseconds(), r.opts.MaxSessions, redisNamedPrefix).Int()
	if err != nil {
		return nil, unavailable(err)
	}
	if ok == 0 {
		return nil, ErrTooManySessions
	}
	return &redisSession{r: r, name: name, prefix: redisNamedPrefix + name + ":"}, nil
}

type redisSession struct {
	r      *Redis
	name   string
	prefix string
}

func (s *redisSession) Name() string   { return s.name }
func (s *redisSession) keySet() string { return s.prefix + "keys" }
func (s *redisSession) key(parts ...string) string {
	return s.prefix + strings.Join(parts, ":")
}

func (s *redisSession) Get(ctx context.Context, table, key string, c Codec) (any, bool, error) {
	raw, err := s.r.client.HGet(ctx, s.key("rec", table), key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, unavailable(err)
	}
	v, err := c.Decode(raw)
	return v, err == nil, err
}

// casScript writes ARGV[4] at field ARGV[1] only if the field still holds
// what the caller read: ARGV[3] when ARGV[2] is "1", nothing when "0". On
// a mismatch it answers what the field holds, so the retry needs no read.
var casScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local stale = (ARGV[2] == '1' and cur ~= ARGV[3]) or (ARGV[2] == '0' and cur)
if stale then
  if cur then return {0, cur} end
  return {0}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('SADD', KEYS[2], KEYS[1])
return {1}
`)

// Update applies fn to the record and compare-and-sets the result,
// retrying when another writer got in between. Comparing bytes is enough:
// fn's answer depends only on the record it was given. Updates of one
// record from this process take turns (writeQueue): the first to arrive
// commits, and the ones that arrive during its round trip are applied one
// after the other and committed together next, each seeing the one before.
func (s *redisSession) Update(ctx context.Context, table, key string, c Codec, fn func(any, bool) (any, error)) (any, error) {
	hash := s.key("rec", table)
	w := newQueued(writeOp{fn: fn})
	// The batch is not this request's alone: its client hanging up must not
	// fail the others (the round trips have their own timeout).
	s.r.writes.run(hash+"\x00"+key, w,
		func(batch []*queued[writeOp]) { s.commit(context.WithoutCancel(ctx), hash, key, c, batch) },
		func(rest []*queued[writeOp]) {
			fail(rest, fmt.Errorf("%w: an update of record %s/%s failed", ErrUnavailable, table, key))
		})
	return w.op.next, w.op.err
}

// writeOp is one update in a batch, and its outcome.
type writeOp struct {
	fn   func(any, bool) (any, error)
	next any
	err  error
}

// commit applies the batch's updates in order and compare-and-sets the
// outcome. The first attempt compares against what this process last
// wrote or read (its own writes to a record take turns, so that is usually
// still current), which makes a commit one round trip instead of two; a
// stale guess costs nothing but the retry, since the script answers the
// current bytes. Each write ends with its result or its error.
func (s *redisSession) commit(ctx context.Context, hash, key string, c Codec, batch []*queued[writeOp]) {
	field := hash + "\x00" + key
	cur, known := s.r.seen.get(field)
	if !known {
		var err error
		if cur.raw, cur.found, err = s.read(ctx, hash, key); err != nil {
			fail(batch, err)
			return
		}
	}
	for attempt := range maxUpdateAttempts {
		if attempt > 1 {
			// Another replica keeps winning: let it finish first.
			time.Sleep(time.Duration(rand.N(attempt*500)) * time.Microsecond)
		}
		next, changed, err := applyAll(c, batch, cur)
		if err != nil {
			fail(batch, err)
			return
		}
		if !changed {
			return // every update failed: nothing to write
		}
		res, err := casScript.Run(ctx, s.r.client, []string{hash, s.keySet()}, key, flag(cur.found), cur.raw, next.raw).Slice()
		if err != nil {
			fail(batch, unavailable(err))
			return
		}
		if swapped, _ := res[0].(int64); swapped == 1 {
			s.r.seen.put(field, next)
			return
		}
		cur = seenRecord{found: len(res) > 1}
		if cur.found {
			cur.raw, _ = res[1].(string)
		}
		s.r.seen.put(field, cur)
	}
	fail(batch, fmt.Errorf("%w: record %s/%s kept changing under %d attempts", ErrUnavailable, hash, key, maxUpdateAttempts))
}

func (s *redisSession) read(ctx context.Context, hash, key string) (string, bool, error) {
	raw, err := s.r.client.HGet(ctx, hash, key).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, unavailable(err)
	}
	return raw, true, nil
}

// applyAll runs each write's update on the record the one before left,
// starting from rec; a write whose update fails keeps its error and leaves
// the record as it was. It answers the record after the last one, encoded,
// and whether any update succeeded; an error is the codec's, which fails
// the whole batch.
func applyAll(c Codec, batch []*queued[writeOp], rec seenRecord) (seenRecord, bool, error) {
	cur := rec.value
	if rec.found && cur == nil {
		var err error
		if cur, err = c.Decode([]byte(rec.raw)); err != nil {
			return rec, false, err
		}
	}
	found, changed := rec.found, false
	for _, w := range batch {
		op := &w.op
		op.next, op.err = op.fn(cur, found)
		if op.err == nil {
			cur, found, changed = op.next, true, true
		}
	}
	if !changed {
		return rec, false, nil
	}
	enc, err := c.Encode(cur)
	return seenRecord{raw: string(enc), found: true, value: cur}, true, err
}

func fail(batch []*queued[writeOp], err error) {
	for _, w := range batch {
		w.op.next, w.op.err = nil, err
	}
}

func flag(found bool) string {
	if found {
		return "1"
	}
	return "0"
}

func (s *redisSession) All(ctx context.Context, table string, c Codec) (map[string]any, error) {
	raw, err := s.r.client.HGetAll(ctx, s.key("rec", table)).Result()
	if err != nil {
		return nil, unavailable(err)
	}
	out := make(map[string]any, len(raw))
	for k, b := range raw {
		if out[k], err = c.Decode([]byte(b)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// countScript counts ARGV[4] hits in the fixed window at field ARGV[1]; it
// answers the window's start (ms) and count.
var countScript = redis.NewScript(`
local now, window = tonumber(ARGV[2]), tonumber(ARGV[3])
local start, count = now, 0
local v = redis.call('HGET', KEYS[1], ARGV[1])
if v then
  local s, c = string.match(v, '^(%d+):(%d+)$')
  s, c = tonumber(s), tonumber(c)
  if s and now < s + window then start, count = s, c end
end
count = count + tonumber(ARGV[4])
redis.call('HSET', KEYS[1], ARGV[1], string.format('%d:%d', start, count))
redis.call('SADD', KEYS[2], KEYS[1])
return {string.format('%d', start), count}
`)

// Count counts a hit. The hits of one counter that arrive while this
// process's last count is in flight are counted together in the next
// round trip, each with its own place in the window, at the time of the
// latest of them: the rate limit reads a counter on every request.
func (s *redisSession) Count(ctx context.Context, counter, key string, now time.Time, window time.Duration) (Window, error) {
	hash := s.key("cnt", counter)
	w := newQueued(countOp{now: now})
	field := hash + "\x00" + key + "\x00" + strconv.FormatInt(window.Milliseconds(), 10)
	s.r.counts.run(field, w,
		func(batch []*queued[countOp]) { s.count(context.WithoutCancel(ctx), hash, key, window, batch) },
		func(rest []*queued[countOp]) {
			for _, c := range rest {
				c.op.err = fmt.Errorf("%w: a count of %s/%s failed", ErrUnavailable, counter, key)
			}
		})
	return w.op.window, w.op.err
}

// countOp is one hit in a batch, and the window it was counted in.
type countOp struct {
	now    time.Time
	window Window
	err    error
}

func (s *redisSession) count(ctx context.Context, hash, key string, window time.Duration, batch []*queued[countOp]) {
	now := batch[0].op.now
	for _, c := range batch[1:] {
		if c.op.now.After(now) {
			now = c.op.now
		}
	}
	res, err := countScript.Run(ctx, s.r.client, []string{hash, s.keySet()},
		key, millis(now), window.Milliseconds(), len(batch)).Slice()
	switch {
	case err != nil:
		err = unavailable(err)
	case len(res) != 2:
		err = fmt.Errorf("%w: counter script answered %v", ErrUnavailable, res)
	}
	if err != nil {
		for _, c := range batch {
			c.op.err = err
		}
		return
	}
	start, _ := strconv.ParseInt(fmt.Sprint(res[0]), 10, 64)
	last, _ := res[1].(int64)
	for i, c := range batch {
		c.op.window = Window{Start: time.UnixMilli(start), Count: int(last) - len(batch) + 1 + i}
	}
}

// issueScript records a token and prunes the expired ones.
var issueScript = redis.NewScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
for _, t in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])) do redis.call('HDEL', KEYS[1], t) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
redis.call('SADD', KEYS[3], KEYS[1], KEYS[2])
return 1
`)

func (s *redisSession) Issue(ctx context.Context, kind, token, value string, expires, now time.Time) error {
	err := issueScript.Run(ctx, s.r.client, []string{s.key("tok", kind), s.key("tokx", kind), s.keySet()},
		token, millis(expires), value, millis(now)).Err()
	return unavailable(err)
}

func (s *redisSession) Lookup(ctx context.Context, kind, token string, now time.Time) (string, bool, error) {
	raw, err := s.r.client.HGet(ctx, s.key("tok", kind), token).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, unavailable(err)
	}
	exp, value, ok := strings.Cut(raw, ":")
	ms, perr := strconv.ParseInt(exp, 10, 64)
	if !ok || perr != nil || millis(now) >= ms {
		return "", false, nil // the next Issue prunes it
	}
	return value, true, nil
}

func (s *redisSession) LiveTokens(ctx context.Context, kind string, now time.Time) (int, error) {
	n, err := s.r.client.ZCount(ctx, s.key("tokx", kind), "("+strconv.FormatInt(millis(now), 10), "+inf").Result()
	return int(n), unavailable(err)
}

// resetScript deletes every data key of a session in one step.
var resetScript = redis.NewScript(`
for _, k in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('DEL', k) end
redis.call('DEL', KEYS[1])
return 1
`)

func (s *redisSession) Reset(ctx context.Context) error {
	return unavailable(resetScript.Run(ctx, s.r.client, []string{s.keySet()}).Err())
}

func millis(t time.Time) int64 { return t.UnixMilli() }
