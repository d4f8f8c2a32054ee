package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, ExitOK},
		{"a report already printed", &ExitError{Code: ExitFailed}, ExitFailed},
		{"usage", &UsageError{Err: errors.New("bad flag")}, ExitUsage},
		{"a lab definition", labs.Errors{{Path: "lab.yaml", Msg: "bad"}}, ExitUsage},
		{"environment", &runner.EnvError{Err: errors.New("no docker")}, ExitEnvironment},
		{"ctrl-c", context.Canceled, ExitInterrupted},
		{"ctrl-c, wrapped", fmt.Errorf("start postgres: %w", context.Canceled), ExitInterrupted},
		{"ctrl-c seen by runner", &runner.EnvError{Err: fmt.Errorf("start postgres: %w", context.Canceled)}, ExitInterrupted},
		{"a deadline is the environment", context.DeadlineExceeded, ExitEnvironment},
		{"cobra's unknown flag", errors.New("unknown flag: --nope"), ExitUsage},
		{"anything else", errors.New("boom"), ExitEnvironment},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExitCode(tt.err); got != tt.want {
				t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

// TestMainInterrupted: an interrupted run exits 130 and prints one line,
// whatever error the command returned (its text only under -v); the same
// error uninterrupted keeps its code and its message.
func TestMainInterrupted(t *testing.T) {
	run := func(ctx context.Context, args ...string) (string, int) {
		io, _, errOut := TestStreams()
		code := Main(ctx, append(args, "show", "no-such-lab"), &Deps{IO: io, Getenv: func(string) string { return "" }})
		return errOut.String(), code
	}
	if errOut, code := run(context.Background()); code != ExitUsage || strings.Contains(errOut, "interrupted") ||
		!strings.Contains(errOut, `no-such-lab`) {
		t.Errorf("uninterrupted: exit %d, stderr %q; want %d with the error, without 'interrupted'", code, errOut, ExitUsage)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if errOut, code := run(ctx); code != ExitInterrupted || errOut != "interrupted; nothing left running\n" {
		t.Errorf("interrupted: exit %d, stderr %q; want %d and only 'interrupted; nothing left running'", code, errOut, ExitInterrupted)
	}
	if errOut, code := run(ctx, "-v"); code != ExitInterrupted || !strings.Contains(errOut, "no-such-lab") ||
		!strings.HasSuffix(errOut, "\ninterrupted; nothing left running\n") {
		t.Errorf("interrupted, -v: exit %d, stderr %q; want the error, then the interrupted line", code, errOut)
	}
}

// TestErrorText: an environment error shows lab's own words and what to
// do; the engine's text only under -v. Other errors are shown whole.
func TestErrorText(t *testing.T) {
	engineErr := errors.New("generic container: start container: Error response from daemon: http://%2Fvar%2Frun%2Fdocker.sock/v1.41/containers/abc/start: conflict")
	startErr := &runner.EnvError{Err: fmt.Errorf("start db (postgres:15): %w", engineErr)}
	tests := []struct {
		name    string
		err     error
		verbose bool
		want    string
	}{
		{"engine error", startErr, false,
			"lab: start db (postgres:15)\n" + envAdvice},
		{"engine error, wrapped by the command", fmt.Errorf("start sql-join: %w", startErr), false,
			"lab: start sql-join: start db (postgres:15)\n" + envAdvice},
		{"nested environment errors keep lab's sentences",
			&runner.EnvError{Err: fmt.Errorf("the environment failed during the check, so there is no grade: %w",
				&runner.EnvError{Err: fmt.Errorf("service db stopped working during the checks: %w", engineErr)})}, false,
			"lab: the environment failed during the check, so there is no grade: service db stopped working during the checks\n" + envAdvice},
		{"an environment error of lab's own words only", &runner.EnvError{Err: errors.New("service cache is not running")}, false,
			"lab: service cache is not running\n" + envAdvice},
		{"-v shows everything", fmt.Errorf("start sql-join: %w", startErr), true,
			"lab: start sql-join: start db (postgres:15): " + engineErr.Error() + "\n"},
		{"not the environment", &UsageError{Err: errors.New(`no lab "x"`)}, false, "lab: no lab \"x\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := errorText(tt.err, tt.verbose)
			if got != tt.want {
				t.Errorf("errorText:\n%s\nwant:\n%s", got, tt.want)
			}
			if !tt.verbose && strings.Contains(got, "docker.sock") {
				t.Errorf("the engine's text reached the user without -v: %s", got)
			}
		})
	}
}

// TestExitCodesTopic: `lab help exit-codes` explains every code.
func TestExitCodesTopic(t *testing.T) {
	io, out, _ := TestStreams()
	code := Main(context.Background(), []string{"help", "exit-codes"}, &Deps{IO: io, Getenv: func(string) string { return "" }})
	for _, want := range []string{"  0 ", "  1 ", "  2 ", "  3 ", "  130 ", "interrupted; nothing left running", "time limit"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in lab help exit-codes (exit %d):\n%s", want, code, out)
		}
	}
	io, out, _ = TestStreams()
	Main(context.Background(), []string{"--help"}, &Deps{IO: io, Getenv: func(string) string { return "" }})
	if !strings.Contains(out.String(), "exit-codes") {
		t.Errorf("lab --help does not list the exit-codes topic:\n%s", out)
	}
}
