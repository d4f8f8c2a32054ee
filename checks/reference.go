package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Referenced is implemented by a check that compares with a reference:
// a command the runner runs in the check's service as seeded, on the main
// data and on every variant, before the submission is applied there, so
// that nothing the submission does (a replaced tool, an edited data file)
// can change what it is compared with. The check reads the result with
// ReferenceReader.
type Referenced interface {
	Check
	// ReferenceCommand returns the reference command, or nil when the
	// check has none.
	ReferenceCommand() []string
}

// ReferenceReader is implemented by an Env whose runner ran the check's
// reference command (see Referenced).
type ReferenceReader interface {
	// Reference returns the result of the check's reference command, run
	// as root in the service as seeded, before the submission; an error
	// when it could not be run.
	Reference(ctx context.Context) (ExecResult, error)
}

// ErrNoReference is the error of Reference where the runner has no
// result: the service's kind runs no references, or the run did not
// start from the seeded state (`lab check --live`).
var ErrNoReference = errors.New("this check compares with an answer computed on a freshly seeded box before the submission runs, and lab check --live grades the box as you left it; run lab check without --live")

// reference returns the reference result of the check env runs, or the
// outcome to return instead when there is none or it failed.
func reference(ctx context.Context, env Env) (ExecResult, *Outcome) {
	rr, ok := env.(ReferenceReader)
	if !ok {
		out := Errored("expected_shell needs a box service, where the reference runs as seeded")
		return ExecResult{}, &out
	}
	res, err := rr.Reference(ctx)
	if errors.Is(err, ErrNoReference) {
		out := Errored(err.Error())
		return res, &out
	}
	if err != nil {
		out := execError(ctx, fmt.Errorf("the lab's reference command: %w", err))
		return res, &out
	}
	if res.ExitCode != 0 {
		out := Errored(fmt.Sprintf("the lab's reference command failed with exit code %d%s", res.ExitCode, tail(res.Stderr)))
		return res, &out
	}
	if res.Truncated {
		out := Errored("the lab's reference command printed more than the grader keeps")
		return res, &out
	}
	return res, nil
}

// tail is ": " and the last line of s that says something, or "".
func tail(s string) string {
	if l := lastLine(s); l != "" {
		return ": " + quoteShort(l)
	}
	return ""
}

// normalizeLines compares output as words: each line's runs of blanks
// (spaces, tabs, a carriage return) are one space, blanks at either end
// of a line and blank lines at the start and end are dropped. How
// `uniq -c` pads its counts, or a trailing space after the last field,
// is not what a task asks for.
func normalizeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}
