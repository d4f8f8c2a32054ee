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

// TestMainInterrupted: an interrupted run exits 130 and says so, whatever
// error the command returned; the same error uninterrupted keeps its code.
func TestMainInterrupted(t *testing.T) {
	run := func(ctx context.Context) (string, int) {
		io, _, errOut := TestStreams()
		code := Main(ctx, []string{"show", "no-such-lab"}, &Deps{IO: io, Getenv: func(string) string { return "" }})
		return errOut.String(), code
	}
	if errOut, code := run(context.Background()); code != ExitUsage || strings.Contains(errOut, "interrupted") {
		t.Errorf("uninterrupted: exit %d, stderr %q; want %d without 'interrupted'", code, errOut, ExitUsage)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if errOut, code := run(ctx); code != ExitInterrupted || !strings.HasSuffix(errOut, "lab: interrupted\n") {
		t.Errorf("interrupted: exit %d, stderr %q; want %d and 'lab: interrupted'", code, errOut, ExitInterrupted)
	}
}
