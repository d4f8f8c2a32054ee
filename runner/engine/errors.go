package engine

import (
	"errors"
)

// EnvError is an error of the environment rather than of a lab or a
// submission: no Docker engine, a missing image, a service that would not
// start. The CLI maps it to exit code 3.
type EnvError struct {
	Err error
}

func (e *EnvError) Error() string { return e.Err.Error() }
func (e *EnvError) Unwrap() error { return e.Err }

// ExitCode reports the CLI exit code of an environment error.
func (e *EnvError) ExitCode() int { return 3 }

// EnvErr wraps err as an EnvError unless it is one already or is nil.
func EnvErr(err error) error {
	if err == nil {
		return nil
	}
	var ee *EnvError
	if errors.As(err, &ee) {
		return err
	}
	return &EnvError{Err: err}
}

// envErr is EnvErr, for this package's own use.
func envErr(err error) error { return EnvErr(err) }
