package checks

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// noSQLEnv is a fakeEnv whose service has no SQL database.
type noSQLEnv struct{ fakeEnv }

func (noSQLEnv) SQL() (SQL, error) { return nil, errors.New("service web is not a postgres service") }

func TestSQLAssert(t *testing.T) {
	five := "5"
	const q = "SELECT x"
	one := func(v any) *Rows { return rows([]string{"x"}, []any{v}) }
	tests := []struct {
		name   string
		check  SQLAssert
		hidden bool // the check may not reveal expected values
		result *Rows
		err    error
		want   Outcome
	}{
		{"true passes", SQLAssert{}, false, one("true"), nil, Passed()},
		{"a boolean passes", SQLAssert{}, false, one(true), nil, Passed()},
		{"false fails", SQLAssert{Message: "orders must not be empty"}, false, one("false"), nil,
			Failed("orders must not be empty: expected true, got false")},
		{"false fails with the default message", SQLAssert{}, false, one(false), nil,
			Failed("the assertion did not hold: expected true, got false")},
		{"false fails without the values when hidden", SQLAssert{Message: "orders must not be empty"}, true, one("false"), nil,
			Failed("orders must not be empty")},
		{"the default message when hidden", SQLAssert{}, true, one("false"), nil,
			Failed("the assertion did not hold")},
		{"expected scalar", SQLAssert{Expect: &five}, false, one("5"), nil, Passed()},
		{"expected scalar of a number", SQLAssert{Expect: &five}, false, one(int64(5)), nil, Passed()},
		{"wrong scalar", SQLAssert{Expect: &five}, false, one("4"), nil,
			Failed("the assertion did not hold: expected 5, got 4")},
		// A value that is not a boolean is compared as text with "true".
		{"not a boolean", SQLAssert{}, false, one(int64(42)), nil,
			Failed("the assertion did not hold: expected true, got 42")},
		{"NULL", SQLAssert{}, false, one(nil), nil,
			Failed("the assertion did not hold: expected true, got NULL")},
		{"no row", SQLAssert{}, false, rows([]string{"x"}), nil,
			Errored("the assertion query returned 0 rows of 1 columns; it must return one value")},
		{"two rows", SQLAssert{}, false, rows([]string{"x"}, []any{true}, []any{true}), nil,
			Errored("the assertion query returned 2 rows of 1 columns; it must return one value")},
		{"two columns", SQLAssert{}, false, rows([]string{"x", "y"}, []any{true, true}), nil,
			Errored("the assertion query returned 1 rows of 2 columns; it must return one value")},
		{"query error", SQLAssert{}, false, nil, errors.New(`relation "orders" does not exist`),
			Errored(`query failed: relation "orders" does not exist`)},
		{"query past its deadline", SQLAssert{}, false, nil, fmt.Errorf("read: %w", context.DeadlineExceeded),
			Errored("your query ran past the check's time limit and was cancelled")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.check
			c.Query = q
			wantValidate(t, &c, "")
			env := &fakeEnv{reveal: !tt.hidden, results: map[fakeKey]*Rows{}, errs: map[fakeKey]error{}}
			if tt.result != nil {
				env.results[fakeKey{Learner, q}] = tt.result
			}
			if tt.err != nil {
				env.errs[fakeKey{Learner, q}] = tt.err
			}
			if got := c.Run(context.Background(), env); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if len(env.queries) != 1 || env.queries[0] != (fakeKey{Learner, q}) {
				t.Errorf("queries = %+v, want one learner query %q", env.queries, q)
			}
		})
	}
}

func TestSQLAssertCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := &SQLAssert{Query: "SELECT pg_sleep(60)"}
	env := &fakeEnv{errs: map[fakeKey]error{{Learner, c.Query}: errors.New("conn closed")}}
	// An interruption (Ctrl-C) is not the learner's slow query.
	want := Errored("not finished: the run was interrupted")
	if got := c.Run(ctx, env); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestSQLAssertNoDatabase(t *testing.T) {
	c := &SQLAssert{Query: "SELECT true"}
	want := Errored("service web is not a postgres service")
	if got := c.Run(context.Background(), &noSQLEnv{}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestSQLAssertValidate(t *testing.T) {
	tests := []struct {
		name  string
		check SQLAssert
		want  string
	}{
		{"ok", SQLAssert{Query: "SELECT true"}, ""},
		{"no query", SQLAssert{}, "query: must not be empty"},
		{"blank query", SQLAssert{Query: " \n\t"}, "query: must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantValidate(t, &tt.check, tt.want) })
	}
}
