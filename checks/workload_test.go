package checks

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func i64(n int64) *int64 { return &n }

// workloadEnv is a runtime whose runs act on a fake Redis and a fake
// Postgres: each run is a lookup that hits the cache or, on a miss, scans
// the users table and fills the cache (unless cache is false).
type workloadEnv struct {
	*fakeEnv
	redis  *fakeRedis
	db     *pollDB
	scans  int64
	cached bool
	cache  bool
	exit   int
	runs   int
	// open is how many times the wait for connections still sees one.
	open int
	// lagging is how many times the wait for earlier programs' backends
	// still sees one; when it ends, its scan is published (counted).
	lagging int
}

const sinceTS = "2026-01-02 03:04:05.678+00"

func newWorkloadEnv(cache bool) *workloadEnv {
	w := &workloadEnv{cache: cache, redis: &fakeRedis{info: map[string]int64{"keyspace_hits": 10, "keyspace_misses": 4, "cmdstat_get.calls": 7}}}
	w.db = &pollDB{fakeEnv: &fakeEnv{results: map[fakeKey]*Rows{}}, w: w}
	w.fakeEnv = &fakeEnv{
		reveal:   true,
		services: map[string]Env{"cache": &fakeEnv{redis: w.redis}, "db": w.db},
		exec: func(ctx context.Context, cmd []string, opts ExecOptions) (ExecResult, error) {
			w.runs++
			w.redis.info["cmdstat_get.calls"]++
			if w.cached {
				w.redis.info["keyspace_hits"]++
			} else {
				w.redis.info["keyspace_misses"]++
				w.scans++
				w.cached = w.cache
			}
			w.setScans()
			return ExecResult{ExitCode: w.exit, Stderr: "Traceback: boom"}, nil
		},
	}
	w.setScans()
	return w
}

func (w *workloadEnv) setScans() {
	tq := (&tableScans{table: "users"}).query()
	w.db.results[fakeKey{Learner, tq}] = rows([]string{"n", "t"}, []any{fmt.Sprint(w.scans), sinceTS})
	w.db.results[fakeKey{Learner, "SELECT pg_stat_clear_snapshot()"}] = rows([]string{"pg_stat_clear_snapshot"}, []any{nil})
}

// pollDB answers the wait for the program's connections: still open
// (w.open times), then closed.
type pollDB struct {
	*fakeEnv
	w     *workloadEnv
	polls int
}

func (p *pollDB) SQL() (SQL, error) { return p, nil }

func (p *pollDB) Query(ctx context.Context, db DB, q string) (*Rows, error) {
	wait := fmt.Sprintf(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_start >= %s::timestamptz`, quoteLiteral(sinceTS))
	if q == settledQuery {
		if p.w.lagging > 0 {
			p.w.lagging--
			if p.w.lagging == 0 {
				p.w.scans++ // the earlier program's backend ends and publishes its scan
				p.w.setScans()
			}
			return rows([]string{"count"}, []any{"1"}), nil
		}
		return rows([]string{"count"}, []any{"0"}), nil
	}
	if q == (&tableScans{table: "users"}).query() && p.w.lagging > 0 {
		// A reading taken while the earlier backend still ends: it
		// publishes its scan right after.
		r, err := p.fakeEnv.Query(ctx, db, q)
		p.w.lagging = 0
		p.w.scans++
		p.w.setScans()
		return r, err
	}
	if q != wait {
		return p.fakeEnv.Query(ctx, db, q)
	}
	p.polls++
	if p.w.open > 0 {
		p.w.open--
		return rows([]string{"count"}, []any{"1"}), nil
	}
	return rows([]string{"count"}, []any{"0"}), nil
}

func cachedWorkload() Workload {
	return Workload{
		Command: []string{"python3", "/lab/harness.py", `["get_user", 4]`},
		Repeat:  3,
		Counters: []*Counter{
			{Label: "reads of the users table", Service: "db", Table: "users", Max: i64(1)},
			{Service: "cache", Stat: "keyspace_hits", Min: i64(2)},
		},
	}
}

func TestWorkload(t *testing.T) {
	t.Run("cached lookups pass", func(t *testing.T) {
		w := newWorkloadEnv(true)
		c := cachedWorkload()
		if out := c.Run(context.Background(), w); out.Status != Pass {
			t.Fatalf("got %s %q", out.Status, out.Message)
		}
		if w.runs != 3 {
			t.Errorf("ran %d times, want 3", w.runs)
		}
	})
	t.Run("an earlier program's backend ending late is not counted", func(t *testing.T) {
		// The previous check's program has exited, but its backend is
		// still ending: its scan is published after this check began.
		w := newWorkloadEnv(true)
		w.lagging = 3
		c := cachedWorkload()
		if out := c.Run(context.Background(), w); out.Status != Pass {
			t.Fatalf("got %s %q; the late scan of an earlier program was counted", out.Status, out.Message)
		}
	})
	t.Run("no cache fails on both counters", func(t *testing.T) {
		w := newWorkloadEnv(false)
		c := cachedWorkload()
		out := c.Run(context.Background(), w)
		want := "over 3 run(s), reads of the users table went up by 3, expected at most 1; keyspace_hits of cache went up by 0, expected at least 2"
		if out.Status != Fail || out.Message != want {
			t.Errorf("got %s %q\nwant %q", out.Status, out.Message, want)
		}
		if !strings.Contains(out.Output, "reads of the users table +3") {
			t.Errorf("output = %q", out.Output)
		}
	})
	t.Run("hidden ranges", func(t *testing.T) {
		w := newWorkloadEnv(false)
		w.reveal = false
		c := cachedWorkload()
		out := c.Run(context.Background(), w)
		if out.Status != Fail || strings.Contains(out.Message, "at most") || !strings.Contains(out.Message, "not in the expected range") {
			t.Errorf("got %s %q", out.Status, out.Message)
		}
	})
	t.Run("sub-field of INFO", func(t *testing.T) {
		w := newWorkloadEnv(true)
		c := Workload{Command: []string{"x"}, Repeat: 2, Counters: []*Counter{{Service: "cache", Stat: "cmdstat_get.calls", Min: i64(2), Max: i64(2)}}}
		if out := c.Run(context.Background(), w); out.Status != Pass {
			t.Errorf("got %s %q", out.Status, out.Message)
		}
		c.Counters[0].Max = i64(1)
		c.Counters[0].Min = i64(1)
		if out := c.Run(context.Background(), w); out.Status != Fail || !strings.Contains(out.Message, "went up by 2, expected exactly 1") {
			t.Errorf("got %s %q", out.Status, out.Message)
		}
	})
	t.Run("a failing run fails", func(t *testing.T) {
		w := newWorkloadEnv(true)
		w.exit = 1
		c := cachedWorkload()
		c.Message = "get_user must work"
		out := c.Run(context.Background(), w)
		if out.Status != Fail || out.Message != "get_user must work: run 1 of 3 exited with code 1" || !strings.Contains(out.Output, "Traceback") {
			t.Errorf("got %s %q %q", out.Status, out.Message, out.Output)
		}
	})
	t.Run("waits for the program's connections", func(t *testing.T) {
		w := newWorkloadEnv(true)
		w.open = 2 // still open at the first two looks
		c := cachedWorkload()
		if out := c.Run(context.Background(), w); out.Status != Pass {
			t.Fatalf("got %s %q", out.Status, out.Message)
		}
		if w.db.polls != 3 {
			t.Errorf("looked %d times, want 3", w.db.polls)
		}
	})
	t.Run("unknown service", func(t *testing.T) {
		w := newWorkloadEnv(true)
		c := Workload{Command: []string{"x"}, Counters: []*Counter{{Service: "nope", Stat: "keyspace_hits", Min: i64(1)}}}
		out := c.Run(context.Background(), w)
		if out.Status != Error || !strings.Contains(out.Message, `no service "nope"`) {
			t.Errorf("got %s %q", out.Status, out.Message)
		}
	})
	t.Run("unknown INFO field", func(t *testing.T) {
		w := newWorkloadEnv(true)
		c := Workload{Command: []string{"x"}, Counters: []*Counter{{Service: "cache", Stat: "keyspace_hit", Min: i64(1)}}}
		out := c.Run(context.Background(), w)
		if out.Status != Error || !strings.Contains(out.Message, `INFO has no numeric field "keyspace_hit"`) {
			t.Errorf("got %s %q", out.Status, out.Message)
		}
	})
	t.Run("program stopped at its limit", func(t *testing.T) {
		w := newWorkloadEnv(true)
		w.fakeEnv.exec = func(context.Context, []string, ExecOptions) (ExecResult, error) { return ExecResult{}, limitError{} }
		c := cachedWorkload()
		out := c.Run(context.Background(), w)
		if out.Status != Fail || out.Message != "run 1 of 3: the program did not finish within 4.3s; it was stopped" {
			t.Errorf("got %s %q", out.Status, out.Message)
		}
	})
}

// Service and Exec come from the embedded fakeEnv; Reveal must see the
// field set on the workloadEnv's fakeEnv.
var _ Env = (*workloadEnv)(nil)

func TestParseRedisInfo(t *testing.T) {
	info := "# Stats\r\nkeyspace_hits:12\r\nkeyspace_misses:0\r\nrole:master\r\n# Commandstats\r\ncmdstat_get:calls=3,usec=5,usec_per_call=1.67\r\n# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n"
	got := parseRedisInfo(info)
	want := map[string]int64{"keyspace_hits": 12, "keyspace_misses": 0, "cmdstat_get.calls": 3, "cmdstat_get.usec": 5, "db0.keys": 2, "db0.expires": 1, "db0.avg_ttl": 0}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestWorkloadValidate(t *testing.T) {
	ok := &Counter{Service: "cache", Stat: "keyspace_hits", Min: i64(1)}
	tests := []struct {
		name  string
		check Workload
		want  string
	}{
		{"no command", Workload{Counters: []*Counter{ok}}, "command: needs the program"},
		{"repeat", Workload{Command: []string{"x"}, Repeat: 1000, Counters: []*Counter{ok}}, "repeat: must be between 1 and 100"},
		{"no counters", Workload{Command: []string{"x"}}, "counters: needs at least one counter"},
		{"no service", Workload{Command: []string{"x"}, Counters: []*Counter{{Stat: "a", Min: i64(1)}}}, "counters.0.service: must name"},
		{"stat and table", Workload{Command: []string{"x"}, Counters: []*Counter{{Service: "s", Stat: "a", Table: "t", Min: i64(1)}}}, "counters.0: set one of stat (Redis INFO) and table (Postgres scans)"},
		{"no range", Workload{Command: []string{"x"}, Counters: []*Counter{{Service: "s", Table: "t"}}}, "counters.0: set min, max or both"},
		{"min over max", Workload{Command: []string{"x"}, Counters: []*Counter{{Service: "s", Table: "t", Min: i64(3), Max: i64(1)}}}, "counters.0: min must not be greater than max"},
		{"stat name", Workload{Command: []string{"x"}, Counters: []*Counter{{Service: "s", Stat: "keyspace_hits:1", Min: i64(1)}}}, `counters.0.stat: "keyspace_hits:1" is not an INFO field name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantValidate(t, &tt.check, tt.want) })
	}
}
