package checks

import (
	"context"
	"errors"
	"fmt"
)

// SQLResult is the `sql.result` check: the rows of the learner's query must
// equal the rows of a reference query run on the pristine copy of the data
// (or inline expected rows). It runs again on every hidden data variant,
// so that an answer hard-coded for the sample data fails.
//
//   - name: matches-reference
//     type: sql.result
//     service: db
//     query_file: solution.sql          # or query: SELECT …
//     expected_query: SELECT …          # or expected_rows: [[1, "a"], …]
//     ordered: true                     # row order matters (default false)
//     column_names: true                # column names must match (default true)
//     tolerance: 0.005                  # numeric tolerance (default exact)
type SQLResult struct {
	LearnerQuery `yaml:",inline"`
	// ExpectedQuery is the reference query.
	ExpectedQuery string `yaml:"expected_query,omitempty" json:"expected_query,omitempty"`
	// ExpectedRows are the expected rows, when there is no reference query.
	// They are compared as text, like psql prints values; variants do not
	// apply to them.
	ExpectedRows [][]any `yaml:"expected_rows,omitempty" json:"expected_rows,omitempty"`
	// Ordered makes row order significant.
	Ordered bool `yaml:"ordered,omitempty" json:"ordered,omitempty"`
	// ColumnNames requires the column names to match; default true.
	ColumnNames *bool `yaml:"column_names,omitempty" json:"column_names,omitempty"`
	// Tolerance is the largest absolute difference at which two numbers
	// are equal; 0 means numerically equal.
	Tolerance float64 `yaml:"tolerance,omitempty" json:"tolerance,omitempty"`
}

var _ Check = (*SQLResult)(nil)

// Validate implements Check.
func (c *SQLResult) Validate() error {
	var errs []error
	if err := c.LearnerQuery.validate(); err != nil {
		errs = append(errs, err)
	}
	switch {
	case c.ExpectedQuery == "" && c.ExpectedRows == nil:
		errs = append(errs, errors.New("expected_query or expected_rows: one is required"))
	case c.ExpectedQuery != "" && c.ExpectedRows != nil:
		errs = append(errs, errors.New("expected_query and expected_rows: use one, not both"))
	}
	if c.Tolerance < 0 {
		errs = append(errs, errors.New("tolerance: must not be negative"))
	}
	return errors.Join(errs...)
}

func (c *SQLResult) columnNames() bool { return c.ColumnNames == nil || *c.ColumnNames }

// Run implements Check.
func (c *SQLResult) Run(ctx context.Context, env Env) Outcome {
	query, out, ok := c.text(env)
	if !ok {
		return out
	}
	db, err := env.SQL()
	if err != nil {
		return Errored(err.Error())
	}
	if out := c.compareOn(ctx, db, env, "", query); out.Status != Pass {
		return out.Outcome
	}
	if c.ExpectedRows != nil {
		return Passed()
	}
	for _, v := range db.Variants() {
		out := c.compareOn(ctx, db, env, v, query)
		if out.Status == Pass {
			continue
		}
		if out.Status == Fail {
			return Failed(variantMessage(v, out.hidden))
		}
		return out.Outcome
	}
	return Passed()
}

// variantOutcome is an Outcome plus, for a fail, which way the rows
// differ (variantRows or variantOrder), without any of them.
type variantOutcome struct {
	Outcome
	hidden string
}

// How a result differs on a hidden variant: the only thing its failure
// may tell. Everything else of that data set — its rows, its values, even
// how many rows came back (the learner's query chooses that count, so it
// can spell the data out in it) — stays hidden, whatever reveal says.
const (
	variantRows  = "it returns other rows than expected"
	variantOrder = "it returns the right rows, in the wrong order"
)

// variantMessage is the whole message of a fail on hidden variant v.
func variantMessage(v, how string) string {
	if how == "" {
		how = variantRows
	}
	return fmt.Sprintf("your query returns the right rows for the sample data, but not for a hidden data set (%q): %s. "+
		"Make sure it computes the answer from the tables rather than relying on the sample values; the hidden data is not shown.", v, how)
}

func (c *SQLResult) compareOn(ctx context.Context, db SQL, env Env, variant, query string) variantOutcome {
	got, err := db.Query(ctx, DB{Variant: variant}, query)
	if err != nil {
		if ctx.Err() != nil {
			return variantOutcome{Outcome: queryError(ctx, err)}
		}
		// On a variant, the error text may quote its data (a failed cast
		// prints the value): the variant's message does not include it.
		return variantOutcome{Outcome: Failed("your query failed: " + err.Error()), hidden: "it fails with an error there"}
	}
	var want *Rows
	if c.ExpectedRows != nil {
		want = rowsFromYAML(c.ExpectedRows, got.Columns)
	} else {
		want, err = db.Query(ctx, DB{Reference: true, Variant: variant}, c.ExpectedQuery)
		if err != nil {
			if ctx.Err() != nil {
				return variantOutcome{Outcome: queryError(ctx, err)}
			}
			return variantOutcome{Outcome: Errored("the lab's reference query failed: " + err.Error())}
		}
	}
	d := CompareRows(want, got, CompareOptions{Ordered: c.Ordered, ColumnNames: c.columnNames(), Tolerance: c.Tolerance})
	if d.Equal() {
		return variantOutcome{Outcome: Passed()}
	}
	how := variantRows
	if !d.ColumnsDiffer && len(d.Missing)+len(d.Unexpected) == 0 {
		how = variantOrder
	}
	return variantOutcome{Outcome: Failed(d.Message(env.Reveal())), hidden: how}
}

// rowsFromYAML turns inline expected rows into Rows of text values.
func rowsFromYAML(rows [][]any, columns []string) *Rows {
	out := &Rows{Columns: columns}
	for _, r := range rows {
		vals := make([]any, len(r))
		for i, v := range r {
			if v == nil {
				vals[i] = nil
			} else {
				vals[i] = FormatValue(v)
			}
		}
		out.Values = append(out.Values, vals)
	}
	// Inline rows have no column names of their own.
	return out
}

// ReadsReferenceDB implements ReferenceDBReader: the expected query runs on
// the references; expected rows need none.
func (c *SQLResult) ReadsReferenceDB() bool { return c.ExpectedQuery != "" }
