package checks

import (
	"context"
	"time"
)

// Check is one check type's own fields, decoded from a lab definition.
type Check interface {
	// Validate reports what is wrong with the fields, or nil. Each error
	// should name the field ("expected: needs at least one row").
	Validate() error
	// Run grades the submission through env and returns the outcome. It
	// must return by ctx's deadline.
	Run(ctx context.Context, env Env) Outcome
}

// Outcome is what a check's Run reports.
type Outcome struct {
	// Status is Pass, Fail or Error.
	Status Status
	// Message is the sentence for the learner: for a fail, what was
	// expected and what came back (without expected values when the check
	// may not reveal them); for an error, what could not be done.
	Message string
	// Output is extra detail, such as a command's output, already capped.
	Output string
}

// Passed returns a passing outcome.
func Passed() Outcome { return Outcome{Status: Pass} }

// Failed returns a failing outcome with a learner-facing message.
func Failed(msg string) Outcome { return Outcome{Status: Fail, Message: msg} }

// Errored returns an error outcome: the check could not run.
func Errored(msg string) Outcome { return Outcome{Status: Error, Message: msg} }

// Env is what a check may touch. The runner implements it for one check:
// the service named in the check's `service:` field, and the check's
// `reveal:` setting. Methods that do not fit the service's kind return an
// error.
type Env interface {
	// Reveal reports whether expected values may be shown to the learner.
	Reveal() bool
	// SQL returns the Postgres databases of the check's service.
	SQL() (SQL, error)
	// Exec runs a command in the check's service.
	Exec(ctx context.Context, cmd []string, opts ExecOptions) (ExecResult, error)
	// BaseURL returns the http://host:port of the check's service.
	BaseURL() (string, error)
	// Submission returns the content of the learner's submission file
	// named file (as listed under `submission:`).
	Submission(file string) (string, error)
	// Redis returns a client of the check's Redis service, connected as
	// the grader (the default user), not as the learner.
	Redis() (Redis, error)
	// Service returns the Env of another service of the lab, for checks
	// that look at more than one (a workload run in a runtime, counted in
	// Redis and Postgres). It has the same reveal setting.
	Service(name string) (Env, error)
}

// Redis sends commands to a Redis service.
type Redis interface {
	// Do sends one command and returns its reply: nil for a nil reply, a
	// string, an int64, or a []any of those. An error reply is an error.
	Do(ctx context.Context, args ...any) (any, error)
}

// ExecOptions tunes Env.Exec.
type ExecOptions struct {
	// User runs the command as this user.
	User string
	// Stdin is fed to the command.
	Stdin string
	// Env is added to the command's environment ("NAME=value").
	Env []string
	// KillAt, when set, kills every process of the program at a line of
	// its output (a crash); services that run no programs refuse it with
	// ErrNoKillPoint.
	KillAt *KillPoint
}

// ExecResult is a command's exit code and captured (capped) output.
type ExecResult struct {
	ExitCode int
	Stdout   string
	Stderr   string
	// Truncated reports that stdout or stderr was longer than the cap and
	// was cut.
	Truncated bool
	// Killed reports that the runner killed the program at its
	// ExecOptions.KillAt.
	Killed bool
}

// DB names one of the databases of a Postgres service a check can query.
type DB struct {
	// Reference selects the pristine copy the learner's SQL never touched;
	// otherwise the learner's database.
	Reference bool
	// Variant selects a hidden data variant by name; "" is the main data.
	Variant string
}

// Learner is the learner's database with the main data.
var Learner = DB{}

// Reference is the pristine copy of the main data.
var Reference = DB{Reference: true}

// ReferenceDBReader is a check that may read a SQL service's reference
// copies (DB.Reference). The runner opens the references' connections
// ahead, with the learner's, for a lab that has one; a check that is not a
// ReferenceDBReader can still read them, later.
type ReferenceDBReader interface {
	ReadsReferenceDB() bool
}

// SQL runs queries on a Postgres service's lab databases.
type SQL interface {
	// Query runs query on db and returns all rows, values converted by
	// Normalize. Queries on the learner's database run as the learner's
	// role; an error is a Postgres error or the deadline.
	Query(ctx context.Context, db DB, query string) (*Rows, error)
	// Variants returns the names of the lab's hidden data variants.
	Variants() []string
}

// Rows is a query result.
type Rows struct {
	Columns []string
	Values  [][]any
}

// Duration is a time.Duration written in YAML as "5s", "500ms".
type Duration struct {
	time.Duration
}
