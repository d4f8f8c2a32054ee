package checks

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ProgramStopped is implemented by the error of a learner's program that
// the runner stopped at its limit (a deadline a little before the
// check's); its message is a sentence for the learner.
type ProgramStopped interface {
	error
	ProgramStopped()
}

// execError is the outcome of a command that could not run.
func execError(ctx context.Context, err error) Outcome {
	if overLimit(ctx, err) {
		return Errored(pastLimit(ctx, "the command", "stopped"))
	}
	if ctx.Err() != nil {
		return interrupted
	}
	return Errored(err.Error())
}

// commandError is the outcome of a command that could not run or did not
// finish. A learner's program stopped at its limit is the program's
// failure, as a script or a query stopped at its deadline is in other
// labs: a fail, with the sentence that says so.
func commandError(ctx context.Context, err error) Outcome {
	var stopped ProgramStopped
	if errors.As(err, &stopped) {
		return Outcome{Status: Fail, Message: stopped.Error()}
	}
	return execError(ctx, err)
}

// Caps of the output shown with a result: the start of stdout and the end
// of stderr (where a traceback says what went wrong).
const (
	shownStdout = 2 << 10
	shownStderr = 3 << 10
)

// commandOutput is a command's output for a result, capped.
func commandOutput(res ExecResult) string {
	var b strings.Builder
	if s := strings.TrimRight(res.Stdout, "\n"); s != "" {
		if len(s) > shownStdout {
			s = s[:shownStdout] + "\n… (cut)"
		}
		b.WriteString("stdout:\n" + s + "\n")
	}
	if s := strings.TrimRight(res.Stderr, "\n"); s != "" {
		if len(s) > shownStderr {
			s = "(cut) …\n" + s[len(s)-shownStderr:]
		}
		b.WriteString("stderr:\n" + s + "\n")
	}
	return b.String()
}

// validateEnv checks the names of an env: field.
func validateEnv(env map[string]string) []error {
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if k == "" || strings.ContainsAny(k, "= \t\n") {
			errs = append(errs, fmt.Errorf("env: %q is not a variable name", k))
		}
	}
	return errs
}

// envList turns an env: field into NAME=value entries, sorted.
func envList(env map[string]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}
