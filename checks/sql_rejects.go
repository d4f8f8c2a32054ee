package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// SQLRejects is the `sql.rejects` check: each statement, run on the
// learner's database after the submission is applied (and after `setup`),
// must be refused by the server with an error whose SQLSTATE is in the
// class or equal to the code `sqlstate` names — by default class 23,
// integrity constraint violation: a NOT NULL, UNIQUE, FOREIGN KEY, CHECK
// or exclusion constraint (or a trigger that raises one of them). It grades
// a schema by what it does, so any design that refuses the rows passes,
// whatever its constraints are called.
//
// A statement that is refused for another reason (a table or column that
// does not exist, a syntax error, a wrong type) fails the check with that
// reason. A statement that is accepted fails it too, and what it changed
// stays for the checks after it, as setup's changes do; put the checks of
// rows that must be accepted before the ones that must be refused. With
// `reveal: false`, a fail names neither the statement nor the SQLSTATE
// expected, only the statement's number and the code it got.
//
//   - name: email-unique
//     type: sql.rejects
//     service: db
//     setup:                   # optional: run first; each must succeed
//   - INSERT INTO customers (email, name) VALUES ('a@example.com', 'A')
//     statements:              # each must be refused
//   - INSERT INTO customers (email, name) VALUES ('a@example.com', 'B')
//     sqlstate: "23505"        # optional: a class ("23", the default) or a code
type SQLRejects struct {
	// Statements must each be refused.
	Statements []string `yaml:"statements" json:"statements"`
	// SQLState is the SQLSTATE class (two characters) or code (five) the
	// refusal must have; default "23".
	SQLState string `yaml:"sqlstate,omitempty" json:"sqlstate,omitempty"`
	// SQLSetup is the statements run before, each of which must succeed.
	SQLSetup `yaml:",inline"`
}

var _ Check = (*SQLRejects)(nil)

// Validate implements Check.
func (c *SQLRejects) Validate() error {
	var errs []error
	if len(c.Statements) == 0 {
		errs = append(errs, errors.New("statements: needs at least one statement"))
	}
	for i, st := range c.Statements {
		if strings.TrimSpace(stripSQLComments(st)) == "" {
			errs = append(errs, fmt.Errorf("statements: statement %d must not be empty", i+1))
		}
	}
	if c.SQLState != "" && !validSQLState(c.SQLState) {
		errs = append(errs, fmt.Errorf("sqlstate: %q is not a SQLSTATE class (two characters, \"23\") or code (five, \"23505\")", c.SQLState))
	}
	if err := c.SQLSetup.validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (c *SQLRejects) want() string {
	if c.SQLState == "" {
		return "23"
	}
	return c.SQLState
}

// Run implements Check.
func (c *SQLRejects) Run(ctx context.Context, env Env) Outcome {
	db, err := env.SQL()
	if err != nil {
		return Errored(err.Error())
	}
	if out, ok := c.SQLSetup.run(ctx, db); !ok {
		return out
	}
	want := c.want()
	for i, st := range c.Statements {
		_, err := db.Query(ctx, Learner, st)
		code := SQLState(err)
		switch {
		case err == nil:
			if !env.Reveal() {
				return Failed(fmt.Sprintf("statement %d of %d was accepted; it must be refused", i+1, len(c.Statements)))
			}
			return Failed(fmt.Sprintf("statement %d was accepted; it must be refused with SQLSTATE %s: %s",
				i+1, describeSQLState(want), oneLine(st)))
		case code == "":
			// No answer of the server: a deadline, a lost connection.
			return queryError(ctx, err)
		case !matchSQLState(code, want):
			if !env.Reveal() {
				return Failed(fmt.Sprintf("statement %d of %d was refused with SQLSTATE %s, not the one expected",
					i+1, len(c.Statements), describeSQLState(code)))
			}
			return Failed(fmt.Sprintf("statement %d was refused with SQLSTATE %s, not %s: %s: %v",
				i+1, describeSQLState(code), describeSQLState(want), oneLine(st), err))
		}
	}
	return Passed()
}
