package checks

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// pgErr is a server error with a SQLSTATE, as SQL.Query returns one.
type pgErr struct{ msg, code string }

func (e pgErr) Error() string    { return e.msg }
func (e pgErr) SQLState() string { return e.code }

func TestSQLRejects(t *testing.T) {
	const (
		setup = "INSERT INTO customers (email) VALUES ('a@x')"
		dup   = "INSERT INTO customers (email) VALUES ('a@x')"
		null  = "INSERT INTO customers (email) VALUES (NULL)"
	)
	unique := pgErr{`duplicate key value violates unique constraint "customers_email_key"`, "23505"}
	notNull := pgErr{`null value in column "email" violates not-null constraint`, "23502"}
	noTable := pgErr{`relation "customers" does not exist`, "42P01"}
	empty := rows(nil)
	tests := []struct {
		name    string
		check   SQLRejects
		hidden  bool // the check may not reveal expected values
		results map[string]*Rows
		errs    map[string]error
		want    Outcome
		queries []string
	}{
		{
			name:    "every statement refused with class 23 passes",
			check:   SQLRejects{Statements: []string{dup, null}},
			errs:    map[string]error{dup: unique, null: notNull},
			want:    Passed(),
			queries: []string{dup, null},
		},
		{
			name:    "an exact code passes",
			check:   SQLRejects{Statements: []string{dup}, SQLState: "23505"},
			errs:    map[string]error{dup: unique},
			want:    Passed(),
			queries: []string{dup},
		},
		{
			name:    "another code of the class fails an exact code",
			check:   SQLRejects{Statements: []string{null}, SQLState: "23505"},
			errs:    map[string]error{null: notNull},
			want:    Failed(`statement 1 was refused with SQLSTATE 23502 (not_null_violation), not 23505 (unique_violation): INSERT INTO customers (email) VALUES (NULL): null value in column "email" violates not-null constraint`),
			queries: []string{null},
		},
		{
			name:    "an accepted statement fails and stops the check",
			check:   SQLRejects{Statements: []string{null, dup}},
			results: map[string]*Rows{null: empty},
			errs:    map[string]error{dup: unique},
			want:    Failed("statement 1 was accepted; it must be refused with SQLSTATE 23 (integrity constraint violation): INSERT INTO customers (email) VALUES (NULL)"),
			queries: []string{null},
		},
		{
			name:    "an accepted statement, hidden",
			check:   SQLRejects{Statements: []string{dup, null}},
			hidden:  true,
			results: map[string]*Rows{null: empty},
			errs:    map[string]error{dup: unique},
			want:    Failed("statement 2 of 2 was accepted; it must be refused"),
			queries: []string{dup, null},
		},
		{
			name:    "another code, hidden",
			check:   SQLRejects{Statements: []string{null}, SQLState: "23505"},
			hidden:  true,
			errs:    map[string]error{null: notNull},
			want:    Failed("statement 1 of 1 was refused with SQLSTATE 23502 (not_null_violation), not the one expected"),
			queries: []string{null},
		},
		{
			name:    "a missing table is not a constraint",
			check:   SQLRejects{Statements: []string{dup}},
			errs:    map[string]error{dup: noTable},
			want:    Failed(`statement 1 was refused with SQLSTATE 42P01 (class 42: syntax error or access rule violation), not 23 (integrity constraint violation): INSERT INTO customers (email) VALUES ('a@x'): relation "customers" does not exist`),
			queries: []string{dup},
		},
		{
			name:    "setup runs first",
			check:   SQLRejects{SQLSetup: SQLSetup{Setup: []string{setup + " -- setup"}}, Statements: []string{dup}},
			results: map[string]*Rows{setup + " -- setup": empty},
			errs:    map[string]error{dup: unique},
			want:    Passed(),
			queries: []string{setup + " -- setup", dup},
		},
		{
			name:    "a refused setup statement fails the check",
			check:   SQLRejects{SQLSetup: SQLSetup{Setup: []string{setup + " -- setup"}}, Statements: []string{dup}},
			errs:    map[string]error{setup + " -- setup": notNull},
			want:    Failed(`setup statement 1 failed: INSERT INTO customers (email) VALUES ('a@x'): null value in column "email" violates not-null constraint`),
			queries: []string{setup + " -- setup"},
		},
		{
			name:    "an error without SQLSTATE is no grade",
			check:   SQLRejects{Statements: []string{dup}},
			errs:    map[string]error{dup: errors.New("connection reset")},
			want:    Errored("query failed: connection reset"),
			queries: []string{dup},
		},
		{
			name:    "a deadline is the check's limit",
			check:   SQLRejects{Statements: []string{dup}},
			errs:    map[string]error{dup: fmt.Errorf("read: %w", context.DeadlineExceeded)},
			want:    Errored("your query ran past the check's time limit and was cancelled"),
			queries: []string{dup},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.check
			wantValidate(t, &c, "")
			env := &fakeEnv{reveal: !tt.hidden, results: map[fakeKey]*Rows{}, errs: map[fakeKey]error{}}
			for q, r := range tt.results {
				env.results[fakeKey{Learner, q}] = r
			}
			for q, e := range tt.errs {
				env.errs[fakeKey{Learner, q}] = e
			}
			if got := c.Run(context.Background(), env); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			var got []string
			for _, k := range env.queries {
				if k.db != Learner {
					t.Errorf("query on %+v, want the learner's database", k.db)
				}
				got = append(got, k.query)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.queries) {
				t.Errorf("queries = %q, want %q", got, tt.queries)
			}
		})
	}
}

func TestSQLRejectsValidate(t *testing.T) {
	tests := []struct {
		name  string
		check SQLRejects
		want  string
	}{
		{"fine", SQLRejects{Statements: []string{"INSERT INTO t VALUES (1)"}}, ""},
		{"a class", SQLRejects{Statements: []string{"x"}, SQLState: "23"}, ""},
		{"a code with a letter", SQLRejects{Statements: []string{"x"}, SQLState: "23P01"}, ""},
		{"no statements", SQLRejects{}, "statements: needs at least one statement"},
		{"an empty statement", SQLRejects{Statements: []string{" -- nothing"}}, "statements: statement 1 must not be empty"},
		{"a bad sqlstate", SQLRejects{Statements: []string{"x"}, SQLState: "unique"}, `sqlstate: "unique" is not a SQLSTATE class`},
		{"a lower-case sqlstate", SQLRejects{Statements: []string{"x"}, SQLState: "23p01"}, `sqlstate: "23p01" is not`},
		{"an empty setup statement", SQLRejects{Statements: []string{"x"}, SQLSetup: SQLSetup{Setup: []string{""}}}, "setup: statement 1 must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.check
			wantValidate(t, &c, tt.want)
		})
	}
}

func TestSQLState(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"plain", errors.New("x"), ""},
		{"a server error", pgErr{"x", "23505"}, "23505"},
		{"wrapped", fmt.Errorf("apply: %w", pgErr{"x", "23514"}), "23514"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SQLState(tt.err); got != tt.want {
				t.Errorf("SQLState = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSQLAssertSetup(t *testing.T) {
	const (
		upd = "UPDATE accounts SET balance = 10 WHERE id = 1"
		q   = "SELECT count(*) = 1 FROM audit_log"
	)
	raise := pgErr{"audit table missing", "P0001"}
	tests := []struct {
		name    string
		errs    map[string]error
		result  *Rows
		want    Outcome
		queries []string
	}{
		{"setup then the assertion", nil, rows([]string{"x"}, []any{"true"}), Passed(), []string{upd, q}},
		{"the assertion sees what setup left", nil, rows([]string{"x"}, []any{"false"}), Failed("the assertion did not hold: expected true, got false"), []string{upd, q}},
		{"a setup statement the learner's trigger refuses fails", map[string]error{upd: raise}, nil,
			Failed("setup statement 1 failed: UPDATE accounts SET balance = 10 WHERE id = 1: audit table missing"), []string{upd}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := SQLAssert{SQLSetup: SQLSetup{Setup: []string{upd}}, Query: q}
			wantValidate(t, &c, "")
			env := &fakeEnv{reveal: true, results: map[fakeKey]*Rows{{Learner, upd}: rows(nil)}, errs: map[fakeKey]error{}}
			if tt.result != nil {
				env.results[fakeKey{Learner, q}] = tt.result
			}
			for k, e := range tt.errs {
				env.errs[fakeKey{Learner, k}] = e
			}
			if got := c.Run(context.Background(), env); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			var got []string
			for _, k := range env.queries {
				got = append(got, k.query)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.queries) {
				t.Errorf("queries = %q, want %q", got, tt.queries)
			}
		})
	}
}
