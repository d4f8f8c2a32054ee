package pg

// stateError is a server's error as the learner reads it (the message,
// its line, the hint) that keeps the error's SQLSTATE code, so that checks
// can tell a constraint violation from any other refusal (see
// checks.SQLState).
type stateError struct {
	msg  string
	code string
}

func (e *stateError) Error() string { return e.msg }

// SQLState returns the error's SQLSTATE code ("23505").
func (e *stateError) SQLState() string { return e.code }
