package runner

import "github.com/labrunner/labrunner/runner/engine"

// EnvError is an error of the environment (see engine.EnvError); the CLI
// maps it to exit code 3.
type EnvError = engine.EnvError

// The engine's error helpers, for this package's own use.
var (
	envErr               = engine.EnvErr
	envErrUnlessDeadline = engine.EnvErrUnlessDeadline
	isDeadline           = engine.IsDeadline
)
