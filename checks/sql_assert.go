package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// SQLAssert is the `sql.assert` check: a query, run on the learner's
// database after the submission is applied, must return true — or, with
// `expect`, the expected scalar. With `setup`, statements run first (see
// SQLSetup): a behaviour check, DML in and the rows it left out.
//
//   - name: total-is-positive
//     type: sql.assert
//     service: db
//     query: SELECT count(*) > 0 FROM orders
//     # expect: "42"      # optional: the single value the query must return
//     message: orders must not be empty   # optional: the learner's sentence on failure
//
//   - name: audit-on-update
//     type: sql.assert
//     setup:                # optional: run first, in order, as the learner
//
//   - UPDATE accounts SET balance = 10 WHERE id = 1
//     query: SELECT count(*) = 1 FROM audit_log WHERE account_id = 1
type SQLAssert struct {
	// Query must return one row with one column.
	Query string `yaml:"query" json:"query"`
	// Expect is the expected value, compared as text; empty means true.
	Expect *string `yaml:"expect,omitempty" json:"expect,omitempty"`
	// Message is shown to the learner when the assertion fails.
	Message string `yaml:"message,omitempty" json:"message,omitempty"`
	// SQLSetup is the statements run before the query.
	SQLSetup `yaml:",inline"`
}

var _ Check = (*SQLAssert)(nil)

// Validate implements Check.
func (c *SQLAssert) Validate() error {
	var errs []error
	if strings.TrimSpace(c.Query) == "" {
		errs = append(errs, errors.New("query: must not be empty"))
	}
	if err := c.SQLSetup.validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Run implements Check.
func (c *SQLAssert) Run(ctx context.Context, env Env) Outcome {
	db, err := env.SQL()
	if err != nil {
		return Errored(err.Error())
	}
	if out, ok := c.SQLSetup.run(ctx, db); !ok {
		return out
	}
	rows, err := db.Query(ctx, Learner, c.Query)
	if err != nil {
		return queryError(ctx, err)
	}
	if len(rows.Values) != 1 || len(rows.Columns) != 1 {
		return Errored(fmt.Sprintf("the assertion query returned %d rows of %d columns; it must return one value", len(rows.Values), len(rows.Columns)))
	}
	got := FormatValue(rows.Values[0][0])
	want := "true"
	if c.Expect != nil {
		want = *c.Expect
	}
	if got == want {
		return Passed()
	}
	msg := c.Message
	if msg == "" {
		msg = "the assertion did not hold"
	}
	if env.Reveal() {
		msg += fmt.Sprintf(": expected %s, got %s", want, got)
	}
	return Failed(msg)
}
