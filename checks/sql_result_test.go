package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestSQLResult(t *testing.T) {
	cols := []string{"name", "orders", "total"}
	ref := rows(cols, []any{"Ann", "2", "30.00"}, []any{"Bob", "0", "0.00"})
	const learnerQ, refQ = "SELECT learner", "SELECT reference"
	v := DB{Variant: "other"}
	vref := DB{Reference: true, Variant: "other"}
	refOther := rows(cols, []any{"Cy", "1", "5.00"})

	tests := []struct {
		name    string
		check   SQLResult
		learner *Rows
		variant *Rows // learner's rows on the variant; nil: no variant
		lerr    error
		reveal  bool
		status  Status
		msg     []string // substrings of the message
		notMsg  []string
	}{
		{name: "equal", learner: ref, reveal: true, status: Pass},
		{name: "numbers compare numerically", reveal: true, status: Pass,
			learner: rows(cols, []any{"Bob", "0", "0"}, []any{"Ann", "2", "30"})},
		{name: "missing row shown", reveal: true, status: Fail,
			learner: rows(cols, []any{"Ann", "2", "30.00"}),
			msg:     []string{"expected 2 rows, got 1", "missing rows (1):", "(Bob, 0, 0.00)"}},
		{name: "missing row hidden without reveal", reveal: false, status: Fail,
			learner: rows(cols, []any{"Ann", "2", "30.00"}),
			msg:     []string{"expected 2 rows, got 1", "1 expected rows are missing"}, notMsg: []string{"Bob"}},
		{name: "unexpected row", reveal: true, status: Fail,
			learner: rows(cols, []any{"Ann", "2", "30.00"}, []any{"Bob", "0", "0.00"}, []any{"Eve", "1", "1.00"}),
			msg:     []string{"unexpected rows (1):", "(Eve, 1, 1.00)"}},
		{name: "column names", reveal: true, status: Fail,
			learner: rows([]string{"name", "count", "total"}, ref.Values...),
			msg:     []string{"columns differ: expected (name, orders, total), got (name, count, total)"}},
		{name: "column names ignored", reveal: true, status: Pass, check: SQLResult{ColumnNames: new(bool)},
			learner: rows([]string{"name", "count", "total"}, ref.Values...)},
		{name: "column count", reveal: true, status: Fail,
			learner: rows([]string{"name"}, []any{"Ann"}),
			msg:     []string{"columns differ"}},
		{name: "order ignored by default", reveal: true, status: Pass,
			learner: rows(cols, ref.Values[1], ref.Values[0])},
		{name: "order matters when ordered", reveal: true, status: Fail, check: SQLResult{Ordered: true},
			learner: rows(cols, ref.Values[1], ref.Values[0]),
			msg:     []string{"the rows are right but the order is not: first difference at row 1"}},
		{name: "tolerance", reveal: true, status: Pass, check: SQLResult{Tolerance: 0.01},
			learner: rows(cols, []any{"Ann", "2", "30.004"}, []any{"Bob", "0", "0"})},
		{name: "outside tolerance", reveal: true, status: Fail, check: SQLResult{Tolerance: 0.001},
			learner: rows(cols, []any{"Ann", "2", "30.004"}, []any{"Bob", "0", "0"})},
		{name: "NULL differs from 0", reveal: true, status: Fail,
			learner: rows(cols, []any{"Ann", "2", "30.00"}, []any{"Bob", nil, "0.00"})},
		{name: "learner query error is a fail", reveal: true, status: Fail, lerr: errors.New(`syntax error at or near "FORM"`),
			msg: []string{"your query failed", "FORM"}},
		{name: "hard-coded answer fails on the variant", reveal: true, status: Fail,
			learner: ref, variant: ref,
			msg: []string{`hidden data set ("other")`}, notMsg: []string{"Cy"}},
		{name: "right on the variant too", reveal: true, status: Pass,
			learner: ref, variant: refOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := &fakeEnv{
				reveal:  tt.reveal,
				files:   map[string]string{"solution.sql": learnerQ},
				results: map[fakeKey]*Rows{{Reference, refQ}: ref, {Learner, learnerQ}: tt.learner},
				errs:    map[fakeKey]error{{Learner, learnerQ}: tt.lerr},
			}
			if tt.variant != nil {
				env.variants = []string{"other"}
				env.results[fakeKey{v, learnerQ}] = tt.variant
				env.results[fakeKey{vref, refQ}] = refOther
			}
			c := tt.check
			c.QueryFile, c.ExpectedQuery = "solution.sql", refQ
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			out := c.Run(context.Background(), env)
			if out.Status != tt.status {
				t.Fatalf("status = %s, want %s; message:\n%s", out.Status, tt.status, out.Message)
			}
			for _, m := range tt.msg {
				if !strings.Contains(out.Message, m) {
					t.Errorf("message lacks %q:\n%s", m, out.Message)
				}
			}
			for _, m := range tt.notMsg {
				if strings.Contains(out.Message, m) {
					t.Errorf("message reveals %q:\n%s", m, out.Message)
				}
			}
		})
	}
}

func TestSQLResultEmptyFile(t *testing.T) {
	env := &fakeEnv{files: map[string]string{"solution.sql": "-- write your query here\n/* nothing */\n"}}
	c := SQLResult{LearnerQuery: LearnerQuery{QueryFile: "solution.sql"}, ExpectedQuery: "SELECT 1"}
	out := c.Run(context.Background(), env)
	if out.Status != Fail || !strings.Contains(out.Message, "holds no query yet") {
		t.Errorf("got %+v", out)
	}
	if len(env.queries) != 0 {
		t.Errorf("ran %d queries for an empty file", len(env.queries))
	}
}

// TestSQLResultDeadlineIsError: a query stopped at the check's deadline
// is an error naming the limit (the runner makes it the learner's fail);
// an interruption says so and blames no one.
func TestSQLResultDeadlineIsError(t *testing.T) {
	expired, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	interrupted, stop := context.WithCancel(context.Background())
	stop()
	for _, tt := range []struct {
		name string
		ctx  context.Context
		err  error
		want string
	}{
		{"deadline", WithLimit(expired, 10*time.Second), context.DeadlineExceeded, "your query ran past the 10 s limit and was cancelled"},
		{"interrupted", interrupted, context.Canceled, "not finished: the run was interrupted"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := &fakeEnv{files: map[string]string{"s.sql": "SELECT pg_sleep(100)"},
				errs: map[fakeKey]error{{Learner, "SELECT pg_sleep(100)"}: tt.err}}
			c := SQLResult{LearnerQuery: LearnerQuery{QueryFile: "s.sql"}, ExpectedQuery: "SELECT 1"}
			if out := c.Run(tt.ctx, env); out.Status != Error || out.Message != tt.want {
				t.Errorf("got %+v, want an error %q", out, tt.want)
			}
		})
	}
}

func TestSQLResultValidate(t *testing.T) {
	tests := []struct {
		name  string
		check SQLResult
		want  string
	}{
		{"no query", SQLResult{ExpectedQuery: "x"}, "query_file or query: one is required"},
		{"both queries", SQLResult{LearnerQuery: LearnerQuery{QueryFile: "a", Query: "b"}, ExpectedQuery: "x"}, "use one, not both"},
		{"no expectation", SQLResult{LearnerQuery: LearnerQuery{Query: "b"}}, "expected_query or expected_rows: one is required"},
		{"negative tolerance", SQLResult{LearnerQuery: LearnerQuery{Query: "b"}, ExpectedQuery: "x", Tolerance: -1}, "tolerance: must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantValidate(t, &tt.check, tt.want) })
	}
}

// TestSQLResultVariantRevealsNoData: a fail on a hidden variant says that
// the query is wrong there, never what the variant holds — not its rows,
// not a value packed into one row, not a count — whatever reveal says.
func TestSQLResultVariantRevealsNoData(t *testing.T) {
	cols := []string{"name", "orders", "total"}
	const learnerQ, refQ = "SELECT learner", "SELECT reference"
	main := rows(cols, []any{"Ann", "2", "30.00"}, []any{"Bob", "0", "0.00"})
	hidden := rows(cols, []any{"Cyrille Secret", "7", "512.25"}, []any{"Dagny Hidden", "3", "64.50"}, []any{"Edda Covert", "1", "9.75"})
	secrets := []string{"Cyrille", "Dagny", "Edda", "512.25", "64.50", "9.75", "3 rows", "expected 3", "got 1", "got 2", "(1)", "(2)", "(3)"}
	tests := []struct {
		name    string
		variant *Rows
		verr    error
		how     string
	}{
		{name: "hidden tables packed into one row", how: "other rows",
			variant: rows(cols, []any{"Cyrille Secret|7|512.25;Dagny Hidden|3|64.50;Edda Covert|1|9.75", "0", "0"})},
		{name: "some rows of the variant", how: "other rows",
			variant: rows(cols, hidden.Values[0], hidden.Values[2], []any{"Dagny Hidden", "4", "64.50"})},
		{name: "rows missing", how: "other rows",
			variant: rows(cols, hidden.Values[1])},
		{name: "order", how: "wrong order",
			variant: rows(cols, hidden.Values[2], hidden.Values[1], hidden.Values[0])},
		{name: "error quoting a value", how: "error",
			verr: errors.New(`invalid input syntax for type integer: "Cyrille Secret,Dagny Hidden,Edda Covert"`)},
	}
	for _, tt := range tests {
		for _, reveal := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/reveal=%v", tt.name, reveal), func(t *testing.T) {
				v := DB{Variant: "other"}
				env := &fakeEnv{
					reveal:   reveal,
					variants: []string{"other"},
					files:    map[string]string{"solution.sql": learnerQ},
					results: map[fakeKey]*Rows{
						{Reference, refQ}: main, {Learner, learnerQ}: main,
						{DB{Reference: true, Variant: "other"}, refQ}: hidden, {v, learnerQ}: tt.variant,
					},
					errs: map[fakeKey]error{{v, learnerQ}: tt.verr},
				}
				c := SQLResult{LearnerQuery: LearnerQuery{QueryFile: "solution.sql"}, ExpectedQuery: refQ, Ordered: true}
				out := c.Run(context.Background(), env)
				if out.Status != Fail {
					t.Fatalf("status = %s, want fail; message:\n%s", out.Status, out.Message)
				}
				text := out.Message + "\n" + out.Output
				for _, s := range secrets {
					if strings.Contains(text, s) {
						t.Errorf("the outcome reveals %q of the hidden data:\n%s", s, text)
					}
				}
				for _, s := range []string{`hidden data set ("other")`, tt.how} {
					if !strings.Contains(out.Message, s) {
						t.Errorf("message lacks %q:\n%s", s, out.Message)
					}
				}
			})
		}
	}
}
