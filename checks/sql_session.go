package checks

import "context"

// SQLSessions is implemented by a SQL that can open sessions of its own
// on the learner's database, for checks that run SQL from several
// connections at once (sql.concurrent). Sessions connect as the learner's
// role, within its limits, and see what the submission committed: the
// runner commits the run's work first, so that another connection sees
// it, and recreates the databases after the run.
type SQLSessions interface {
	// Sessions opens n sessions on db (never the reference), each in the
	// grader's session state (see SQL.Query), outside any transaction.
	Sessions(ctx context.Context, db DB, n int) ([]Session, error)
	// SplitScript cuts a script into its statements as the service's
	// client (psql) does, leaving out pieces with no statement (blanks,
	// comments).
	SplitScript(script string) []string
}

// Session is one connection to a lab database. Its statements run one
// at a time; BEGIN, COMMIT and ROLLBACK are statements like the others.
type Session interface {
	// Exec runs one statement with args bound to $1, $2, … and
	// returns its rows (values as FormatValue reads them). Each arg is a
	// string, sent as text for the server to type, or nil for NULL; a
	// statement gets as many as it uses ($1 … $n), so that one call's
	// arguments can go to each of its statements. A Postgres error has
	// an SQLState method.
	Exec(ctx context.Context, query string, args ...any) (*Rows, error)
	// PID is the server process of the session (pg_backend_pid()).
	PID() int
	// Close ends the session, rolling back what it left open.
	Close(ctx context.Context)
}
