package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// SQLAssert is the `sql.assert` check: a query, run on the learner's
// database after the submission is applied, must return true — or, with
// `expect`, the expected scalar.
//
//   - name: total-is-positive
//     type: sql.assert
//     service: db
//     query: SELECT count(*) > 0 FROM orders
//     # expect: "42"      # optional: the single value the query must return
//     message: orders must not be empty   # optional: the learner's sentence on failure
type SQLAssert struct {
	// Query must return one row with one column.
	Query string `yaml:"query" json:"query"`
	// Expect is the expected value, compared as text; empty means true.
	Expect *string `yaml:"expect,omitempty" json:"expect,omitempty"`
	// Message is shown to the learner when the assertion fails.
	Message string `yaml:"message,omitempty" json:"message,omitempty"`
}

var _ Check = (*SQLAssert)(nil)

// Validate implements Check.
func (c *SQLAssert) Validate() error {
	if strings.TrimSpace(c.Query) == "" {
		return errors.New("query: must not be empty")
	}
	return nil
}

// Run implements Check.
func (c *SQLAssert) Run(ctx context.Context, env Env) Outcome {
	db, err := env.SQL()
	if err != nil {
		return Errored(err.Error())
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
