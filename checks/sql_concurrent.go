package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SQLConcurrent is the `sql.concurrent` check: calls of the learner's SQL
// run from several sessions at once, then invariant queries must hold. It
// grades what only concurrency shows: a money transfer that reads a
// balance and writes it back without a lock loses updates, an on-call
// rule checked before an update lets two doctors leave at once.
//
//	checks:
//	- name: concurrent-transfers
//	  type: sql.concurrent
//	  service: db
//	  timeout: 60s
//	  sessions: 8                   # connections, 1 to 16
//	  setup: [UPDATE accounts SET balance = 100]   # optional, run and committed first
//	  calls: |                      # one row per call: its arguments $1, $2, …
//	    SELECT 1 + i % 4, 1 + (i + 1) % 4, 30 FROM generate_series(0, 63) i
//	  statements:                   # one call: these, in one transaction
//	    - SELECT transfer($1, $2, $3)
//	  isolation: read committed     # optional: repeatable read, serializable
//	  gate: SELECT FROM accounts FOR UPDATE   # optional: see below
//	  allow: [P0, "23"]             # SQLSTATEs (or classes) of a refused call
//	  retry: ["40001"]              # SQLSTATEs of a call retried from the start
//	  invariants:
//	    - query: SELECT sum(balance) = 400 FROM accounts
//	      message: money was created or lost
//
// The rows of `calls` are dealt to the sessions in rounds: in round r,
// session s makes call r×sessions+s. A call is a transaction (BEGIN, at
// `isolation` if set, the statements with the row's values as text
// parameters, COMMIT). A call that fails with an error listed in `allow`
// is rolled back and counts as refused (an impossible transfer); one
// listed in `retry` runs again from BEGIN, up to `max_retries` times (a
// serialization failure, as a client's retry loop would); any other
// error fails the check, naming the session and the call.
//
// `gate` makes the race certain rather than probable. Before each round a
// session of the grader runs it in a transaction of its own (a `SELECT …
// FOR UPDATE` of the rows the calls write), the round's calls start, and
// the grader waits until every one of them is either waiting for a lock
// or finished; then it rolls the gate back. Every call has by then read
// what it reads without a lock, and the writes all go at once: a call
// that reads a balance then writes it back without `FOR UPDATE` loses the
// others' updates every time, not by luck of timing.
//
// The calls and invariants run on the learner's database of the main data
// and of every hidden variant (a failure there does not show its data),
// as the learner's role, within its limits and the check's timeout. Calls
// still running at the deadline (a lock never released, a loop that never
// ends) are stopped and the check fails, saying so; a deadlock the server
// detects (after its deadlock_timeout, 1 s) is an error of the call like
// any other, and fails the check naming the call.
type SQLConcurrent struct {
	// Sessions is how many connections make calls at once.
	Sessions int `yaml:"sessions" json:"sessions"`
	// Setup are statements run before the calls, on the grader's own
	// session (which also runs the calls query and the invariants, so a
	// TEMP table made here is theirs to read), each committed.
	Setup []string `yaml:"setup,omitempty" json:"setup,omitempty"`
	// Calls is a query whose rows are the calls' arguments.
	Calls string `yaml:"calls" json:"calls"`
	// Statements are one call's statements, with $1, $2, … bound to a
	// row of Calls.
	Statements []string `yaml:"statements,omitempty" json:"statements,omitempty"`
	// StatementsFile, instead of Statements, is a submission file that
	// holds them: the learner writes the call's transaction (see
	// sql_concurrent_file.go).
	StatementsFile string `yaml:"statements_file,omitempty" json:"statements_file,omitempty"`
	// Isolation is the calls' isolation level: read committed (the
	// server's default), repeatable read or serializable.
	Isolation string `yaml:"isolation,omitempty" json:"isolation,omitempty"`
	// Gate is a statement the grader holds in a transaction while each
	// round's calls start; usually a SELECT … FOR UPDATE of the rows
	// they write.
	Gate string `yaml:"gate,omitempty" json:"gate,omitempty"`
	// Allow lists SQLSTATEs (5 characters) or classes (2) of errors that
	// refuse a call: rolled back, counted, not a failure.
	Allow []string `yaml:"allow,omitempty" json:"allow,omitempty"`
	// Retry lists SQLSTATEs or classes of errors after which a call runs
	// again from the start.
	Retry []string `yaml:"retry,omitempty" json:"retry,omitempty"`
	// Outcome is how every call must end: commit, refuse (an error of
	// allow), or any (the default).
	Outcome string `yaml:"outcome,omitempty" json:"outcome,omitempty"`
	// MaxRetries bounds the retries of one call; default 50.
	MaxRetries int `yaml:"max_retries,omitempty" json:"max_retries,omitempty"`
	// Invariants must each return true once every call has ended.
	Invariants []*Invariant `yaml:"invariants" json:"invariants"`
}

// Invariant is an assertion query of sql.concurrent and its message.
type Invariant struct {
	// Query must return one value, true when the invariant holds.
	Query string `yaml:"query" json:"query"`
	// Message is the learner's sentence when it does not.
	Message string `yaml:"message" json:"message"`
}

var _ Check = (*SQLConcurrent)(nil)

// Bounds of sql.concurrent: a few connections of the learner's role (the
// server is shared by every slot graded side by side), and a run of calls
// that fits a check's timeout.
const (
	maxSessions       = 16
	maxCalls          = 10_000
	defaultMaxRetries = 50
	// gatePoll is how often the grader looks whether a round's calls
	// are all waiting or done.
	gatePoll = 5 * time.Millisecond
)

var isolations = map[string]string{
	"read committed":  "READ COMMITTED",
	"repeatable read": "REPEATABLE READ",
	"serializable":    "SERIALIZABLE",
}

// Validate implements Check.
func (c *SQLConcurrent) Validate() error {
	var errs []error
	switch {
	case c.Sessions == 0:
		errs = append(errs, fmt.Errorf("sessions: needs how many connections make calls at once (1 to %d)", maxSessions))
	case c.Sessions < 1 || c.Sessions > maxSessions:
		errs = append(errs, fmt.Errorf("sessions: %d is not between 1 and %d", c.Sessions, maxSessions))
	}
	for i, s := range c.Setup {
		if strings.TrimSpace(s) == "" {
			errs = append(errs, fmt.Errorf("setup: statement %d must not be empty", i+1))
		}
	}
	switch c.Outcome {
	case "", "any", "commit":
	case "refuse":
		if len(c.Allow) == 0 {
			errs = append(errs, errors.New("outcome: refuse needs allow: the errors that refuse a call"))
		}
	default:
		errs = append(errs, fmt.Errorf("outcome: %q is not one of commit, refuse, any", c.Outcome))
	}
	if strings.TrimSpace(c.Calls) == "" {
		errs = append(errs, errors.New("calls: needs a query whose rows are the calls' arguments"))
	}
	switch {
	case len(c.Statements) == 0 && c.StatementsFile == "":
		errs = append(errs, errors.New("statements: needs at least one statement (or statements_file: a submission file that holds them)"))
	case len(c.Statements) > 0 && c.StatementsFile != "":
		errs = append(errs, errors.New("statements_file: give statements or statements_file, not both"))
	}
	for i, s := range c.Statements {
		if strings.TrimSpace(s) == "" {
			errs = append(errs, fmt.Errorf("statements: statement %d must not be empty", i+1))
		}
	}
	if c.Isolation != "" {
		if _, ok := isolations[strings.ToLower(c.Isolation)]; !ok {
			errs = append(errs, fmt.Errorf("isolation: %q is not one of read committed, repeatable read, serializable", c.Isolation))
		}
	}
	for _, f := range []struct {
		name string
		list []string
	}{{"allow", c.Allow}, {"retry", c.Retry}} {
		for _, s := range f.list {
			if !validSQLState(s) {
				errs = append(errs, fmt.Errorf("%s: %q is not a SQLSTATE class (two characters, \"P0\") or code (five, \"40001\")", f.name, s))
			}
		}
	}
	if c.MaxRetries < 0 {
		errs = append(errs, errors.New("max_retries: must not be negative"))
	}
	if len(c.Invariants) == 0 {
		errs = append(errs, errors.New("invariants: needs at least one query that must hold after the calls"))
	}
	for i, inv := range c.Invariants {
		switch {
		case inv == nil:
			errs = append(errs, fmt.Errorf("invariants: invariant %d needs a query and a message", i+1))
		case strings.TrimSpace(inv.Query) == "":
			errs = append(errs, fmt.Errorf("invariants: invariant %d needs a query, true when it holds", i+1))
		case strings.TrimSpace(inv.Message) == "":
			errs = append(errs, fmt.Errorf("invariants: invariant %d needs a message that says what went wrong when it does not hold", i+1))
		}
	}
	return errors.Join(errs...)
}

// Run implements Check.
func (c *SQLConcurrent) Run(ctx context.Context, env Env) Outcome {
	db, err := env.SQL()
	if err != nil {
		return Errored(err.Error())
	}
	ss, ok := db.(SQLSessions)
	if !ok {
		return Errored("this service cannot open sessions of its own")
	}
	stmts, out := c.callStatements(env, ss)
	if out != nil {
		return *out
	}
	for _, set := range append([]string{""}, db.Variants()...) {
		out := c.runOn(ctx, ss, DB{Variant: set}, env.Reveal() && set == "", stmts)
		if out.Status != Pass {
			if set != "" {
				out.Message = "on a hidden data set: " + out.Message
			}
			return out
		}
	}
	return Passed()
}

func (c *SQLConcurrent) runOn(ctx context.Context, ss SQLSessions, db DB, reveal bool, stmts []string) Outcome {
	sess, err := ss.Sessions(ctx, db, c.Sessions+1)
	if err != nil {
		return c.sessionError(ctx, err, "open the sessions")
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		for _, s := range sess {
			s.Close(cctx)
		}
	}()
	ctl, workers := sess[c.Sessions], sess[:c.Sessions]
	for i, st := range c.Setup {
		if _, err := ctl.Exec(ctx, st); err != nil {
			return c.sessionError(ctx, err, fmt.Sprintf("setup statement %d", i+1))
		}
	}
	rows, err := ctl.Exec(ctx, c.Calls)
	if err != nil {
		return c.sessionError(ctx, err, "the calls query")
	}
	if len(rows.Values) > maxCalls {
		return Errored(fmt.Sprintf("the calls query returned %d rows; at most %d calls are made", len(rows.Values), maxCalls))
	}
	calls := make([][]any, len(rows.Values))
	for i, r := range rows.Values {
		for _, v := range r {
			if v == nil {
				calls[i] = append(calls[i], nil)
			} else {
				calls[i] = append(calls[i], FormatValue(v))
			}
		}
	}
	refused := 0
	for start := 0; start < len(calls); start += len(workers) {
		round := calls[start:min(start+len(workers), len(calls))]
		results, out := c.round(ctx, ctl, workers[:len(round)], round, stmts)
		if out != nil {
			return *out
		}
		for i, r := range results {
			what := fmt.Sprintf("session %d, call %d of %d (%s)", i+1, start+i+1, len(calls), describeCall(round[i]))
			switch {
			case r.refused && c.Outcome == "commit":
				return Failed(fmt.Sprintf("%s: refused with %s; this call must succeed", what, errText(r.err)))
			case r.refused:
				refused++
			case r.err != nil:
				return Failed(fmt.Sprintf("%s: %s", what, errText(r.err)))
			case c.Outcome == "refuse":
				return Failed(what + ": committed; this call must be refused with an error")
			}
		}
	}
	for _, inv := range c.Invariants {
		rows, err := ctl.Exec(ctx, inv.Query)
		if err != nil {
			return c.sessionError(ctx, err, "an invariant query")
		}
		if len(rows.Values) != 1 || len(rows.Values[0]) != 1 {
			return Errored(fmt.Sprintf("the invariant query returned %d rows; it must return one value", len(rows.Values)))
		}
		if got := FormatValue(rows.Values[0][0]); got != "true" {
			msg := fmt.Sprintf("%s, after %d calls from %d sessions at once (%d refused)", inv.Message, len(calls), len(workers), refused)
			if reveal {
				msg += fmt.Sprintf(": the invariant returned %s", got)
			}
			return Failed(msg)
		}
	}
	return Passed()
}

// describeCall writes a call's arguments as the learner would: (1, 2, 30).
func describeCall(args []any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		if a == nil {
			parts[i] = "NULL"
		} else {
			parts[i] = fmt.Sprint(a)
		}
	}
	return "arguments (" + strings.Join(parts, ", ") + ")"
}

// errText is an error's message with its SQLSTATE when it has one.
func errText(err error) string {
	if s := SQLState(err); s != "" {
		return fmt.Sprintf("%v (SQLSTATE %s)", err, s)
	}
	return err.Error()
}

// sessionError is the outcome of a statement of the grader's that failed.
func (c *SQLConcurrent) sessionError(ctx context.Context, err error, what string) Outcome {
	if overLimit(ctx, err) {
		return Errored(pastLimit(ctx, "the check", "stopped"))
	}
	if ctx.Err() != nil {
		return interrupted
	}
	return Errored(what + ": " + errText(err))
}
