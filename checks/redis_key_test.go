package checks

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeRedis answers the commands the Redis checks send from a table of
// keys, and INFO from a table of counters.
type fakeRedis struct {
	keys map[string]fakeKeyValue
	info map[string]int64
	err  error
	sent [][]any
}

type fakeKeyValue struct {
	typ    string
	value  string
	fields map[string]string
	pttl   int64 // 0 means -1: no expiry
}

func (r *fakeRedis) Do(ctx context.Context, args ...any) (any, error) {
	r.sent = append(r.sent, args)
	if r.err != nil {
		return nil, r.err
	}
	cmd := strings.ToUpper(fmt.Sprint(args[0]))
	if cmd == "INFO" {
		var b strings.Builder
		b.WriteString("# Stats\r\n")
		for _, k := range slices.Sorted(maps.Keys(r.info)) {
			name, sub, ok := strings.Cut(k, ".")
			if ok {
				fmt.Fprintf(&b, "%s:%s=%d,usec=12\r\n", name, sub, r.info[k])
			} else {
				fmt.Fprintf(&b, "%s:%d\r\n", k, r.info[k])
			}
		}
		b.WriteString("redis_version:7.0.15\r\n")
		return b.String(), nil
	}
	kv, ok := r.keys[fmt.Sprint(args[1])]
	switch cmd {
	case "TYPE":
		if !ok {
			return "none", nil
		}
		return kv.typ, nil
	case "GET":
		if !ok {
			return nil, nil
		}
		if kv.typ != "string" {
			return nil, errors.New("WRONGTYPE Operation against a key holding the wrong kind of value")
		}
		return kv.value, nil
	case "HGET":
		v, ok := kv.fields[fmt.Sprint(args[2])]
		if !ok {
			return nil, nil
		}
		return v, nil
	case "PTTL":
		switch {
		case !ok:
			return int64(-2), nil
		case kv.pttl == 0:
			return int64(-1), nil
		}
		return kv.pttl, nil
	}
	return nil, fmt.Errorf("fake: unknown command %v", args)
}

func ttlRange(min, max time.Duration) *TTLRange {
	return &TTLRange{Min: Duration{min}, Max: Duration{max}}
}

func TestRedisKey(t *testing.T) {
	keys := map[string]fakeKeyValue{
		"user:1":    {typ: "string", value: `{"id": 1, "email": "ada@example.com", "tags": ["a"]}`, pttl: 299_500},
		"user:2":    {typ: "string", value: `{"id": 2}`},
		"plain":     {typ: "string", value: "hello world"},
		"h":         {typ: "hash", fields: map[string]string{"email": "bob@example.com"}},
		"l":         {typ: "list"},
		"shortlive": {typ: "string", value: "x", pttl: 400},
	}
	tests := []struct {
		name   string
		check  RedisKey
		reveal bool
		status Status
		msg    string
	}{
		{"exists", RedisKey{Key: "plain"}, true, Pass, ""},
		{"missing", RedisKey{Key: "user:9"}, true, Fail, "key user:9 does not exist"},
		{"absent passes", RedisKey{Key: "user:9", Absent: true}, true, Pass, ""},
		{"absent fails", RedisKey{Key: "plain", Absent: true}, true, Fail, "key plain exists (a string); it must not"},
		{"type", RedisKey{Key: "h", KeyType: "hash"}, true, Pass, ""},
		{"wrong type", RedisKey{Key: "l", KeyType: "hash"}, true, Fail, "key l is a list, expected a hash"},
		{"value equals", RedisKey{Key: "plain", Value: &Match{Equals: str("hello world")}}, true, Pass, ""},
		{"value differs", RedisKey{Key: "plain", Value: &Match{Matches: "^bye"}}, true, Fail, `the value of plain is "hello world", expected a value matching /^bye/`},
		{"value hidden", RedisKey{Key: "plain", Value: &Match{Equals: str("x")}}, false, Fail, "which is not the expected value"},
		{"hash field", RedisKey{Key: "h", Field: "email", Value: &Match{Contains: "bob@"}}, true, Pass, ""},
		{"hash field missing", RedisKey{Key: "h", Field: "name", Value: &Match{Equals: str("Bob")}}, true, Fail, `field name of h is missing, expected "Bob"`},
		{"field of a string", RedisKey{Key: "plain", Field: "x", Value: &Match{Equals: str("1")}}, true, Fail, "key plain is a string, expected a hash with field x"},
		{"value of a list", RedisKey{Key: "l", Value: &Match{Equals: str("1")}}, true, Fail, "its value can be compared only when it is a string"},
		{"json fields", RedisKey{Key: "user:1", JSON: map[string]*Match{"email": {Equals: str("ada@example.com")}, "id": {Equals: str("1")}, "tags.0": {Equals: str("a")}}}, true, Pass, ""},
		{"json field differs", RedisKey{Key: "user:1", JSON: map[string]*Match{"email": {Equals: str("x@example.com")}}}, true, Fail, `JSON field email is "ada@example.com", expected "x@example.com"`},
		{"json field missing", RedisKey{Key: "user:2", JSON: map[string]*Match{"email": {Contains: "@"}}}, true, Fail, "JSON field email is missing"},
		{"not json", RedisKey{Key: "plain", JSON: map[string]*Match{"a": {}}}, true, Fail, "the value of plain is not JSON"},
		{"ttl in range", RedisKey{Key: "user:1", TTL: ttlRange(time.Second, 10*time.Minute)}, true, Pass, ""},
		{"no ttl", RedisKey{Key: "user:2", TTL: ttlRange(time.Second, 10*time.Minute)}, true, Fail, "key user:2 has no TTL; it must expire in 1s to 10m0s"},
		{"no ttl hidden", RedisKey{Key: "user:2", TTL: ttlRange(time.Second, 10*time.Minute)}, false, Fail, "key user:2 has no TTL; it must expire"},
		{"ttl too long", RedisKey{Key: "user:1", TTL: ttlRange(0, time.Minute)}, true, Fail, "key user:1 expires in 5m0s; expected within 1m0s"},
		{"ttl too short", RedisKey{Key: "shortlive", TTL: ttlRange(time.Second, 0)}, true, Fail, "key shortlive expires in 400ms; expected in 1s or more"},
		{"any ttl", RedisKey{Key: "shortlive", TTL: &TTLRange{}}, true, Pass, ""},
		{"must not expire", RedisKey{Key: "user:1", TTL: &TTLRange{None: true}}, true, Fail, "key user:1 expires in 5m0s; it must not expire"},
		{"does not expire", RedisKey{Key: "user:2", TTL: &TTLRange{None: true}}, true, Pass, ""},
		{"message first", RedisKey{Key: "user:9", Message: "get_user must cache under user:<id>"}, true, Fail, "get_user must cache under user:<id>: key user:9 does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.check.Validate(); err != nil {
				t.Fatalf("validate: %v", err)
			}
			env := &fakeEnv{reveal: tt.reveal, redis: &fakeRedis{keys: keys}}
			out := tt.check.Run(context.Background(), env)
			if out.Status != tt.status || !strings.Contains(out.Message, tt.msg) {
				t.Errorf("got %s %q, want %s containing %q", out.Status, out.Message, tt.status, tt.msg)
			}
		})
	}
}

func TestRedisKeyErrors(t *testing.T) {
	out := (&RedisKey{Key: "a"}).Run(context.Background(), &fakeEnv{})
	if out.Status != Error || !strings.Contains(out.Message, "not a redis service") {
		t.Errorf("no redis: got %s %q", out.Status, out.Message)
	}
	out = (&RedisKey{Key: "a"}).Run(context.Background(), &fakeEnv{redis: &fakeRedis{err: errors.New("connection refused")}})
	if out.Status != Error || out.Message != "redis: connection refused" {
		t.Errorf("refused: got %s %q", out.Status, out.Message)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out = (&RedisKey{Key: "a"}).Run(ctx, &fakeEnv{redis: &fakeRedis{err: context.Canceled}})
	if out.Status != Error || !strings.Contains(out.Message, "the run was interrupted") {
		t.Errorf("cancelled: got %s %q", out.Status, out.Message)
	}
}

func TestRedisKeyValidate(t *testing.T) {
	tests := []struct {
		name  string
		check RedisKey
		want  string
	}{
		{"no key", RedisKey{}, "key: must not be empty"},
		{"bad type", RedisKey{Key: "a", KeyType: "str"}, `key_type: "str" is not a Redis type`},
		{"absent and more", RedisKey{Key: "a", Absent: true, TTL: &TTLRange{}}, "absent: a key that must not exist"},
		{"field of a list", RedisKey{Key: "a", KeyType: "list", Field: "f", Value: &Match{}}, "field: only a hash has fields"},
		{"field without value", RedisKey{Key: "a", Field: "f"}, "field: set value or json"},
		{"ttl none and max", RedisKey{Key: "a", TTL: &TTLRange{None: true, Max: Duration{time.Second}}}, "ttl: none cannot be combined"},
		{"ttl min over max", RedisKey{Key: "a", TTL: ttlRange(time.Minute, time.Second)}, "ttl: min must not be greater than max"},
		{"json bad regexp", RedisKey{Key: "a", JSON: map[string]*Match{"x": {Matches: "["}}}, "json.x.matches:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantValidate(t, &tt.check, tt.want) })
	}
}
