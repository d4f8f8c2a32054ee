package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// SQLSetup is the statements a behaviour check runs on the learner's
// database before it grades: DML whose effects the learner's triggers,
// defaults and constraints must shape. Each runs on its own, in order, as
// the learner's role, and what it changes stays for the rest of the
// grading run (which `lab check` rolls back at its end; with `--live` it
// stays in the workspace's database).
type SQLSetup struct {
	// Setup is the statements, one statement each, run in order.
	Setup []string `yaml:"setup,omitempty" json:"setup,omitempty"`
}

func (s SQLSetup) validate() error {
	var errs []error
	for i, st := range s.Setup {
		if strings.TrimSpace(stripSQLComments(st)) == "" {
			errs = append(errs, fmt.Errorf("setup: statement %d must not be empty", i+1))
		}
	}
	return errors.Join(errs...)
}

// run runs the setup statements on db. ok is false, with the outcome to
// return, when one failed: a fail that names the statement, since the
// learner's code (a trigger that raises, a constraint too strict) is what
// refused it.
func (s SQLSetup) run(ctx context.Context, db SQL) (Outcome, bool) {
	for i, st := range s.Setup {
		if _, err := db.Query(ctx, Learner, st); err != nil {
			if ctx.Err() != nil || SQLState(err) == "" {
				return queryError(ctx, err), false
			}
			return Failed(fmt.Sprintf("setup statement %d failed: %s: %v", i+1, oneLine(st), err)), false
		}
	}
	return Outcome{}, true
}

// oneLine is statement st on one line, for a message, cut at 200 characters.
func oneLine(st string) string {
	s := strings.Join(strings.Fields(stripSQLComments(st)), " ")
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	return s
}
