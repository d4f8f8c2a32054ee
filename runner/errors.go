package runner

import (
	"fmt"

	"github.com/labrunner/labrunner/runner/engine"
)

// EnvError is an error of the environment (see engine.EnvError); the CLI
// maps it to exit code 3.
type EnvError = engine.EnvError

// The engine's error helpers, for this package's own use.
var (
	envErr               = engine.EnvErr
	envErrUnlessDeadline = engine.EnvErrUnlessDeadline
	isDeadline           = engine.IsDeadline
)

// FixtureError is a lab fixture that failed: a lab-definition problem.
type FixtureError struct {
	Service, Fixture string
	Err              error
}

func (e *FixtureError) Error() string {
	return fmt.Sprintf("seed %s: fixture %s: %v", e.Service, e.Fixture, e.Err)
}
func (e *FixtureError) Unwrap() error { return e.Err }

// ExitCode reports a broken fixture as a lab-definition error.
func (e *FixtureError) ExitCode() int { return 2 }
