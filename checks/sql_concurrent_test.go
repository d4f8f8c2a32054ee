package checks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSessions is a SQL whose sessions answer from one function, for
// sql.concurrent: exec gets the data set, the session (0… the workers,
// then the grader's) and each statement with its arguments. The grader's
// look at pg_locks is answered here: every session still in a call is
// waiting, as behind a gate.
type fakeSessions struct {
	variants []string
	exec     func(ctx context.Context, db DB, session int, query string, args []any) (*Rows, error)

	mu  sync.Mutex
	log []string // "set/session: statement [args]", in the order run
}

func (f *fakeSessions) Query(context.Context, DB, string) (*Rows, error) {
	return nil, errors.New("fake: sql.concurrent uses sessions")
}
func (f *fakeSessions) Variants() []string { return f.variants }

func (f *fakeSessions) Sessions(_ context.Context, db DB, n int) ([]Session, error) {
	out := make([]Session, n)
	for i := range n {
		out[i] = &fakeSession{f: f, db: db, i: i}
	}
	return out, nil
}

// SplitScript cuts at every semicolon (the tests' scripts quote none)
// and leaves out pieces of only blanks and -- comments.
func (f *fakeSessions) SplitScript(script string) []string {
	var out []string
	for _, st := range strings.Split(script, ";") {
		empty := true
		for _, line := range strings.Split(st, "\n") {
			if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "--") {
				empty = false
			}
		}
		if !empty {
			out = append(out, strings.TrimSpace(st))
		}
	}
	return out
}

// logged returns the statements run by the workers, without the
// grader's.
func (f *fakeSessions) logged() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.log)
}

type fakeSession struct {
	f  *fakeSessions
	db DB
	i  int
}

func (s *fakeSession) PID() int              { return 1000 + s.i }
func (s *fakeSession) Close(context.Context) {}
func (s *fakeSession) Exec(ctx context.Context, q string, args ...any) (*Rows, error) {
	if strings.Contains(q, "pg_locks") {
		n := len(strings.Split(strings.Trim(args[0].(string), "{}"), ","))
		return rows([]string{"count"}, []any{fmt.Sprint(n)}), nil
	}
	s.f.mu.Lock()
	s.f.log = append(s.f.log, fmt.Sprintf("%s/%d: %s %v", s.db.Variant, s.i, q, args))
	s.f.mu.Unlock()
	return s.f.exec(ctx, s.db, s.i, q, args)
}

// concEnv is an Env whose SQL is a fakeSessions.
type concEnv struct {
	fakeEnv
	sql SQL
}

func (e *concEnv) SQL() (SQL, error) { return e.sql, nil }

// bankExec answers a two-row calls query, a true invariant, and every
// other statement with no rows; fail, when set, answers the call
// statements ("SELECT f…") first.
func bankExec(fail func(db DB, session int, args []any) error) func(context.Context, DB, int, string, []any) (*Rows, error) {
	return func(_ context.Context, db DB, session int, q string, args []any) (*Rows, error) {
		switch {
		case q == "SELECT a, b FROM calls":
			return rows([]string{"a", "b"}, []any{"1", "x"}, []any{"2", nil}), nil
		case strings.HasPrefix(q, "SELECT f(") && fail != nil:
			if err := fail(db, session, args); err != nil {
				return nil, err
			}
		case q == "SELECT ok":
			return rows([]string{"ok"}, []any{"true"}), nil
		case q == "SELECT not_ok":
			return rows([]string{"ok"}, []any{"false"}), nil
		case q == "SELECT ok_on_main":
			return rows([]string{"ok"}, []any{fmt.Sprint(db.Variant == "")}), nil
		case q == "SELECT two":
			return rows([]string{"ok"}, []any{"true"}, []any{"true"}), nil
		}
		return rows(nil), nil
	}
}

func concurrent(mod func(c *SQLConcurrent)) SQLConcurrent {
	c := SQLConcurrent{
		Sessions:   2,
		Calls:      "SELECT a, b FROM calls",
		Statements: []string{"SELECT f($1, $2)"},
		Invariants: []*Invariant{{Query: "SELECT ok", Message: "the total changed"}},
	}
	if mod != nil {
		mod(&c)
	}
	return c
}

func TestSQLConcurrent(t *testing.T) {
	serialization := pgErr{"could not serialize access due to concurrent update", "40001"}
	deadlock := pgErr{"deadlock detected", "40P01"}
	raised := pgErr{"insufficient funds", "P0001"}
	tests := []struct {
		name     string
		check    SQLConcurrent
		reveal   bool
		variants []string
		fail     func(db DB, session int, args []any) error
		want     Outcome
		// log, when set, is what the workers (sessions 0 to Sessions-1) ran, each
		// in its order; grader is what the grader's session ran.
		log, grader []string
	}{
		{
			name:  "every call commits and the invariant holds",
			check: concurrent(nil),
			want:  Passed(),
			log: []string{
				"/0: BEGIN []", "/0: SELECT f($1, $2) [1 x]", "/0: COMMIT []",
				"/1: BEGIN []", "/1: SELECT f($1, $2) [2 <nil>]", "/1: COMMIT []",
			},
		},
		{
			name:  "the isolation level begins each call",
			check: concurrent(func(c *SQLConcurrent) { c.Isolation = "Serializable"; c.Sessions = 1 }),
			want:  Passed(),
			log: []string{
				"/0: BEGIN ISOLATION LEVEL SERIALIZABLE []", "/0: SELECT f($1, $2) [1 x]", "/0: COMMIT []",
				"/0: BEGIN ISOLATION LEVEL SERIALIZABLE []", "/0: SELECT f($1, $2) [2 <nil>]", "/0: COMMIT []",
			},
		},
		{
			name:  "an invariant that does not hold fails with its message",
			check: concurrent(func(c *SQLConcurrent) { c.Invariants[0].Query = "SELECT not_ok" }),
			want:  Failed("the total changed, after 2 calls from 2 sessions at once (0 refused)"),
		},
		{
			name:   "revealed, the failure shows what the invariant returned",
			check:  concurrent(func(c *SQLConcurrent) { c.Invariants[0].Query = "SELECT not_ok" }),
			reveal: true,
			want:   Failed("the total changed, after 2 calls from 2 sessions at once (0 refused): the invariant returned false"),
		},
		{
			name: "the first invariant that does not hold is the one named",
			check: concurrent(func(c *SQLConcurrent) {
				c.Invariants = append(c.Invariants, &Invariant{Query: "SELECT not_ok", Message: "a balance went below zero"},
					&Invariant{Query: "SELECT not_ok", Message: "never reached"})
			}),
			want: Failed("a balance went below zero, after 2 calls from 2 sessions at once (0 refused)"),
		},
		{
			name:  "an invariant of two rows is the lab's error",
			check: concurrent(func(c *SQLConcurrent) { c.Invariants[0].Query = "SELECT two" }),
			want:  Errored("the invariant query returned 2 rows; it must return one value"),
		},
		{
			name:     "a hidden data set's failure does not show its data",
			check:    concurrent(func(c *SQLConcurrent) { c.Invariants[0].Query = "SELECT ok_on_main" }),
			reveal:   true,
			variants: []string{"other"},
			want:     Failed("on a hidden data set: the total changed, after 2 calls from 2 sessions at once (0 refused)"),
		},
		{
			name:     "a call that fails only on a hidden data set",
			check:    concurrent(nil),
			reveal:   true,
			variants: []string{"other"},
			fail: func(db DB, session int, _ []any) error {
				if db.Variant == "other" && session == 1 {
					return deadlock
				}
				return nil
			},
			want: Failed("on a hidden data set: session 2, call 2 of 2 (arguments (2, NULL)): deadlock detected (SQLSTATE 40P01)"),
		},
		{
			name:  "an error outside allow fails, naming the session and the call",
			check: concurrent(func(c *SQLConcurrent) { c.Allow = []string{"P0"} }),
			fail: func(_ DB, session int, _ []any) error {
				if session == 1 {
					return deadlock
				}
				return nil
			},
			want: Failed("session 2, call 2 of 2 (arguments (2, NULL)): deadlock detected (SQLSTATE 40P01)"),
		},
		{
			name:  "an error of an allowed class refuses the call and is counted",
			check: concurrent(func(c *SQLConcurrent) { c.Allow = []string{"P0"}; c.Invariants[0].Query = "SELECT not_ok" }),
			fail: func(_ DB, session int, _ []any) error {
				if session == 0 {
					return raised
				}
				return nil
			},
			want: Failed("the total changed, after 2 calls from 2 sessions at once (1 refused)"),
		},
		{
			name:  "a refused call is rolled back",
			check: concurrent(func(c *SQLConcurrent) { c.Allow = []string{"P0001"}; c.Sessions = 1 }),
			fail: func(_ DB, _ int, args []any) error {
				if args[0] == "1" {
					return raised
				}
				return nil
			},
			want: Passed(),
			log: []string{
				"/0: BEGIN []", "/0: SELECT f($1, $2) [1 x]", "/0: ROLLBACK []",
				"/0: BEGIN []", "/0: SELECT f($1, $2) [2 <nil>]", "/0: COMMIT []",
			},
		},
		{
			name:  "outcome commit: a refused call fails",
			check: concurrent(func(c *SQLConcurrent) { c.Allow = []string{"P0"}; c.Outcome = "commit" }),
			fail: func(_ DB, session int, _ []any) error {
				if session == 0 {
					return raised
				}
				return nil
			},
			want: Failed("session 1, call 1 of 2 (arguments (1, x)): refused with insufficient funds (SQLSTATE P0001); this call must succeed"),
		},
		{
			name:  "outcome refuse: every call refused passes",
			check: concurrent(func(c *SQLConcurrent) { c.Allow = []string{"P0"}; c.Outcome = "refuse" }),
			fail:  func(DB, int, []any) error { return raised },
			want:  Passed(),
		},
		{
			name:  "outcome refuse: a call that commits fails",
			check: concurrent(func(c *SQLConcurrent) { c.Allow = []string{"P0"}; c.Outcome = "refuse" }),
			fail: func(_ DB, session int, _ []any) error {
				if session == 0 {
					return raised
				}
				return nil
			},
			want: Failed("session 2, call 2 of 2 (arguments (2, NULL)): committed; this call must be refused with an error"),
		},
		{
			name:  "outcome refuse: an error outside allow is not a refusal",
			check: concurrent(func(c *SQLConcurrent) { c.Allow = []string{"23"}; c.Outcome = "refuse" }),
			fail:  func(DB, int, []any) error { return raised },
			want:  Failed("session 1, call 1 of 2 (arguments (1, x)): insufficient funds (SQLSTATE P0001)"),
		},
		{
			name:  "an error without a SQLSTATE matches no list",
			check: concurrent(func(c *SQLConcurrent) { c.Allow = []string{"P0"}; c.Retry = []string{"40001"} }),
			fail:  func(DB, int, []any) error { return errors.New("conn closed") },
			want:  Failed("session 1, call 1 of 2 (arguments (1, x)): conn closed"),
		},
		{
			name: "a call that retries commits in the end",
			check: concurrent(func(c *SQLConcurrent) {
				c.Retry = []string{"40001"}
				c.Sessions = 1
				c.Calls = "SELECT a, b FROM calls"
			}),
			fail: func() func(DB, int, []any) error {
				n := 0
				return func(_ DB, _ int, args []any) error {
					if args[0] == "1" && n < 2 {
						n++
						return serialization
					}
					return nil
				}
			}(),
			want: Passed(),
			log: []string{
				"/0: BEGIN []", "/0: SELECT f($1, $2) [1 x]", "/0: ROLLBACK []",
				"/0: BEGIN []", "/0: SELECT f($1, $2) [1 x]", "/0: ROLLBACK []",
				"/0: BEGIN []", "/0: SELECT f($1, $2) [1 x]", "/0: COMMIT []",
				"/0: BEGIN []", "/0: SELECT f($1, $2) [2 <nil>]", "/0: COMMIT []",
			},
		},
		{
			name:  "a call that fails every retry fails the check",
			check: concurrent(func(c *SQLConcurrent) { c.Retry = []string{"40"}; c.MaxRetries = 2 }),
			fail:  func(DB, int, []any) error { return serialization },
			want:  Failed("session 1, call 1 of 2 (arguments (1, x)): still failing after 2 retries: could not serialize access due to concurrent update (SQLSTATE 40001)"),
		},
		{
			name:  "the grader's session runs setup, the calls query and the invariants",
			check: concurrent(func(c *SQLConcurrent) { c.Setup = []string{"CREATE TEMP TABLE x ()"} }),
			want:  Passed(),
			grader: []string{
				"/2: CREATE TEMP TABLE x () []", "/2: SELECT a, b FROM calls []", "/2: SELECT ok []",
			},
		},
		{
			name:  "the gate is held in a transaction while each round starts, then rolled back",
			check: concurrent(func(c *SQLConcurrent) { c.Gate = "SELECT FROM t FOR UPDATE"; c.Sessions = 1 }),
			want:  Passed(),
			grader: []string{
				"/1: SELECT a, b FROM calls []",
				"/1: BEGIN []", "/1: SELECT FROM t FOR UPDATE []", "/1: ROLLBACK []",
				"/1: BEGIN []", "/1: SELECT FROM t FOR UPDATE []", "/1: ROLLBACK []",
				"/1: SELECT ok []",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sql := &fakeSessions{variants: tt.variants, exec: bankExec(tt.fail)}
			env := &concEnv{fakeEnv: fakeEnv{reveal: tt.reveal}, sql: sql}
			if err := tt.check.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if got := tt.check.Run(context.Background(), env); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if tt.log != nil {
				var workers []string
				for i := range tt.check.Sessions {
					workers = append(workers, fmt.Sprintf("/%d:", i))
				}
				if got := ranBy(sql.logged(), workers...); !slices.Equal(got, tt.log) {
					t.Errorf("the workers ran\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.log, "\n"))
				}
			}
			if tt.grader != nil {
				prefix := fmt.Sprintf("/%d:", tt.check.Sessions)
				if got := ranBy(sql.logged(), prefix); !slices.Equal(got, tt.grader) {
					t.Errorf("the grader ran\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.grader, "\n"))
				}
			}
		})
	}
}

// ranBy returns the lines of log of the sessions with these prefixes,
// session by session, each in the order it ran them.
func ranBy(log []string, prefixes ...string) []string {
	var out []string
	for _, p := range prefixes {
		for _, l := range log {
			if strings.HasPrefix(l, p) {
				out = append(out, l)
			}
		}
	}
	return out
}

// TestSQLConcurrentPastItsLimit: calls that never end (a lock never
// released) are stopped at the check's deadline and fail, saying how many
// were stuck; the check does not wait for them longer.
func TestSQLConcurrentPastItsLimit(t *testing.T) {
	stuck := func(ctx context.Context, _ DB, session int, q string, args []any) (*Rows, error) {
		if strings.HasPrefix(q, "SELECT f(") && session == 1 {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return bankExec(nil)(ctx, DB{}, session, q, args)
	}
	sql := &fakeSessions{exec: stuck}
	env := &concEnv{sql: sql}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	c := concurrent(nil)
	got := c.Run(WithLimit(ctx, 30*time.Second), env)
	want := Failed("1 of 2 sessions were still in a call at the 30 s limit and were stopped: " +
		"a lock never released, a wait the server does not see as a deadlock, or a loop that never ends")
	if got != want {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}

	// Past the deadline in the grader's own queries (an invariant), no
	// call is stuck: the check ran out of time, the lab's error.
	sql.exec = func(ctx context.Context, db DB, session int, q string, args []any) (*Rows, error) {
		if q == "SELECT ok" {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return bankExec(nil)(ctx, db, session, q, args)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if got, want := c.Run(WithLimit(ctx2, 30*time.Second), env), Errored("the check ran past the 30 s limit and was stopped"); got != want {
		t.Errorf("slow invariant: got %+v, want %+v", got, want)
	}

	// Ctrl-C is not the learner's fail.
	ictx, stop := context.WithCancel(context.Background())
	sql.exec = func(ctx context.Context, db DB, session int, q string, args []any) (*Rows, error) {
		if strings.HasPrefix(q, "SELECT f(") {
			stop()
		}
		return stuck(ctx, db, session, q, args)
	}
	if got := c.Run(ictx, env); got != interrupted {
		t.Errorf("interrupted: got %+v, want %+v", got, interrupted)
	}
}

func TestSQLConcurrentValidate(t *testing.T) {
	tests := []struct {
		name string
		mod  func(c *SQLConcurrent)
		want string
	}{
		{"a minimal check", nil, ""},
		{"every field", func(c *SQLConcurrent) {
			c.Setup = []string{"CREATE TEMP TABLE x ()"}
			c.Isolation = "repeatable read"
			c.Gate = "SELECT FROM t FOR UPDATE"
			c.Allow = []string{"P0", "23505"}
			c.Retry = []string{"40001", "40P01"}
			c.Outcome = "any"
			c.MaxRetries = 5
		}, ""},
		{"no sessions", func(c *SQLConcurrent) { c.Sessions = 0 }, "sessions: needs how many connections make calls at once (1 to 16)"},
		{"too many sessions", func(c *SQLConcurrent) { c.Sessions = 17 }, "sessions: 17 is not between 1 and 16"},
		{"negative sessions", func(c *SQLConcurrent) { c.Sessions = -1 }, "sessions: -1 is not between 1 and 16"},
		{"no calls query", func(c *SQLConcurrent) { c.Calls = " " }, "calls: needs a query"},
		{"no statements", func(c *SQLConcurrent) { c.Statements = nil }, "statements: needs at least one statement"},
		{"an empty statement", func(c *SQLConcurrent) { c.Statements = append(c.Statements, "") }, "statements: statement 2 must not be empty"},
		{"an empty setup statement", func(c *SQLConcurrent) { c.Setup = []string{"\t"} }, "setup: statement 1 must not be empty"},
		{"an unknown isolation", func(c *SQLConcurrent) { c.Isolation = "snapshot" }, `isolation: "snapshot" is not one of`},
		{"isolation in any case", func(c *SQLConcurrent) { c.Isolation = "SERIALIZABLE" }, ""},
		{"a SQLSTATE name", func(c *SQLConcurrent) { c.Retry = []string{"serialization_failure"} }, `retry: "serialization_failure" is not a SQLSTATE`},
		{"a lower-case class", func(c *SQLConcurrent) { c.Allow = []string{"p0"} }, `allow: "p0" is not a SQLSTATE`},
		{"an unknown outcome", func(c *SQLConcurrent) { c.Outcome = "always" }, `outcome: "always" is not one of commit, refuse, any`},
		{"refuse without allow", func(c *SQLConcurrent) { c.Outcome = "refuse" }, "outcome: refuse needs allow"},
		{"negative retries", func(c *SQLConcurrent) { c.MaxRetries = -1 }, "max_retries: must not be negative"},
		{"no invariants", func(c *SQLConcurrent) { c.Invariants = nil }, "invariants: needs at least one query"},
		{"a null invariant", func(c *SQLConcurrent) { c.Invariants = []*Invariant{nil} }, "invariants: invariant 1 needs a query and a message"},
		{"an invariant without a query", func(c *SQLConcurrent) { c.Invariants[0].Query = "" }, "invariants: invariant 1 needs a query"},
		{"an invariant without a message", func(c *SQLConcurrent) { c.Invariants[0].Message = "" }, "invariants: invariant 1 needs a message"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := concurrent(tt.mod)
			wantValidate(t, &c, tt.want)
		})
	}
}

func TestMatchState(t *testing.T) {
	tests := []struct {
		list  []string
		state string
		want  bool
	}{
		{[]string{"40001"}, "40001", true},
		{[]string{"40"}, "40P01", true},
		{[]string{"40001"}, "40P01", false},
		{[]string{"P0", "23"}, "23505", true},
		{[]string{"P0"}, "", false},
		{nil, "40001", false},
	}
	for _, tt := range tests {
		if got := matchState(tt.list, tt.state); got != tt.want {
			t.Errorf("matchState(%q, %q) = %v, want %v", tt.list, tt.state, got, tt.want)
		}
	}
}

// TestSQLConcurrentStatementsFile: the calls run the statements of the
// learner's file, each with the call's arguments; a file with none, or
// one that ends the grader's transaction itself, fails saying so.
func TestSQLConcurrentStatementsFile(t *testing.T) {
	raised := pgErr{"no such doctor", "P0001"}
	tests := []struct {
		name string
		file string
		fail func(db DB, session int, args []any) error
		want Outcome
		log  []string
	}{
		{
			name: "each statement of the file runs in the call's transaction",
			file: "-- lock first\nSELECT f($1, $2) FOR UPDATE;\nUPDATE t SET x = $2 WHERE id = $1;\n",
			want: Passed(),
			log: []string{
				"/0: BEGIN []", "/0: -- lock first\nSELECT f($1, $2) FOR UPDATE [1 x]", "/0: UPDATE t SET x = $2 WHERE id = $1 [1 x]", "/0: COMMIT []",
				"/0: BEGIN []", "/0: -- lock first\nSELECT f($1, $2) FOR UPDATE [2 <nil>]", "/0: UPDATE t SET x = $2 WHERE id = $1 [2 <nil>]", "/0: COMMIT []",
			},
		},
		{
			name: "a failing statement is named by its place in the file",
			file: "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; SELECT f($1, $2)",
			fail: func(DB, int, []any) error { return raised },
			want: Failed("session 1, call 1 of 2 (arguments (1, x)): statement 2 of off_call.sql: no such doctor (SQLSTATE P0001)"),
		},
		{
			name: "a file of comments only",
			file: "-- TODO\n",
			want: Failed("off_call.sql has no statement: write the statements of one call there"),
		},
		{
			name: "a file that begins its own transaction",
			file: "/* mine */ begin; SELECT f($1, $2)",
			want: Failed("statement 1 of off_call.sql is BEGIN: leave out BEGIN, COMMIT and ROLLBACK; each call runs in a transaction the grader begins and commits, as the app does"),
		},
		{
			name: "a file that commits",
			file: "SELECT f($1, $2); COMMIT",
			want: Failed("statement 2 of off_call.sql is COMMIT: leave out BEGIN, COMMIT and ROLLBACK; each call runs in a transaction the grader begins and commits, as the app does"),
		},
		{
			name: "START TRANSACTION and END too",
			file: "START TRANSACTION; SELECT f($1, $2); END",
			want: Failed("statement 1 of off_call.sql is START: leave out BEGIN, COMMIT and ROLLBACK; each call runs in a transaction the grader begins and commits, as the app does"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := concurrent(func(c *SQLConcurrent) {
				c.Sessions = 1
				c.Statements = nil
				c.StatementsFile = "off_call.sql"
			})
			if err := c.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			sql := &fakeSessions{exec: bankExec(tt.fail)}
			env := &concEnv{fakeEnv: fakeEnv{files: map[string]string{"off_call.sql": tt.file}}, sql: sql}
			if got := c.Run(context.Background(), env); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if tt.log != nil {
				if got := ranBy(sql.logged(), "/0:"); !slices.Equal(got, tt.log) {
					t.Errorf("the worker ran\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.log, "\n"))
				}
			}
		})
	}
}

func TestFirstKeyword(t *testing.T) {
	for st, want := range map[string]string{
		"BEGIN;":                          "BEGIN",
		"  commit":                        "COMMIT",
		"-- a\n-- b\nRollback;":           "ROLLBACK",
		"/* a /* nested */ */ END":        "END",
		"SELECT 1":                        "SELECT",
		"SET TRANSACTION ISOLATION":       "SET",
		"-- only a comment":               "",
		"/* unterminated":                 "",
		"begin_work()":                    "BEGIN_WORK",
		"(SELECT 1)":                      "",
		"\n\tstart transaction read only": "START",
	} {
		if got := firstKeyword(st); got != want {
			t.Errorf("firstKeyword(%q) = %q, want %q", st, got, want)
		}
	}
}
