package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes of the lab command.
const (
	ExitOK          = 0 // everything passed
	ExitFailed      = 1 // a check failed
	ExitUsage       = 2 // bad arguments or a bad lab definition
	ExitEnvironment = 3 // no Docker, image missing, a service would not start
	// ExitInterrupted is a run stopped by Ctrl-C (or SIGTERM), 128+SIGINT
	// as a shell reports it.
	ExitInterrupted = 130
)

// ExitError ends a command with Code after the command has printed its own
// report; Main prints nothing more for it.
type ExitError struct {
	Code int
}

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// UsageError is a mistake in the command line.
type UsageError struct {
	Err error
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// exitCoder is implemented by errors of other packages that know their exit
// code (runner.EnvError, labs definition errors) without importing cli.
type exitCoder interface {
	ExitCode() int
}

// ExitCode maps an error returned by a command to the process exit code.
// This is the one place where that mapping is made.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	var ue *UsageError
	if errors.As(err, &ue) {
		return ExitUsage
	}
	// Before exitCoder: an interruption seen by runner comes back wrapped
	// in an EnvError, and is still an interruption.
	if errors.Is(err, context.Canceled) {
		return ExitInterrupted
	}
	var ec exitCoder
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	// cobra's own argument errors carry no type.
	if msg := err.Error(); strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "unknown flag") ||
		strings.HasPrefix(msg, "unknown shorthand flag") || strings.Contains(msg, "flag needs an argument") {
		return ExitUsage
	}
	return ExitEnvironment
}

// usageArgs wraps a cobra argument validator so that its errors are usage
// errors.
func usageArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return &UsageError{Err: err}
		}
		return nil
	}
}

// exitCodesHelp is `lab help exit-codes`.
const exitCodesHelp = `Every lab command exits with one of these codes, each with one meaning:

  0    success: every check passed, or the command did what it was asked
  1    a check did not pass: a wrong answer; a query, script or program of
       yours that was too slow (it ran past its check's time limit and was
       cancelled, and the message names the limit), that crashed, or that
       did not build or load; a file that did not apply
  2    a usage error: a bad flag or argument, an unknown lab, a lab
       definition with errors
  3    the environment failed, never your code: no container engine, an
       image missing, a service that would not start or stopped working
       (` + "`lab doctor`" + ` says what is wrong; -v shows the engine's own error)
  130  interrupted by Ctrl-C (SIGINT) or SIGTERM: the run prints
       "interrupted; nothing left running" once what it started is removed

lab grade exits 3 when any submission could not be graded because of the
environment (the gradebook lacks its grade: run it again), else 1 when any
did not pass, else 0.
lab watch ends with 0 on Ctrl-C: that is how it is stopped.`

// newExitCodesTopic is the help topic `lab help exit-codes`: a command
// without a Run, which cobra lists under "Additional help topics".
func newExitCodesTopic() *cobra.Command {
	return &cobra.Command{
		Use:   "exit-codes",
		Short: "What lab's exit codes mean",
		Long:  exitCodesHelp,
	}
}
