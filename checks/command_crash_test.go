package checks

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestCommandCrashValidate(t *testing.T) {
	tests := []struct {
		name  string
		check Command
		err   string
	}{
		{"kill point", Command{Command: []string{"x"}, KillAt: &KillAt{StartsWith: "crash"}}, ""},
		{"with a restart", Command{Command: []string{"x"}, KillAt: &KillAt{StartsWith: "crash", Count: 3}, Restart: &Restart{Shell: "y"}}, ""},
		{"no line", Command{Command: []string{"x"}, KillAt: &KillAt{}}, "kill_at.starts_with: needs the start of the line"},
		{"two lines", Command{Command: []string{"x"}, KillAt: &KillAt{StartsWith: "a\nb"}}, "kill_at.starts_with: must be on one line"},
		{"negative count", Command{Command: []string{"x"}, KillAt: &KillAt{StartsWith: "a", Count: -1}}, "kill_at.count: must be 1 or more"},
		{"another user", Command{Command: []string{"x"}, User: "root", KillAt: &KillAt{StartsWith: "a"}}, "user: kill_at runs the program as the runtime's program user"},
		{"restart without a kill", Command{Command: []string{"x"}, Restart: &Restart{Shell: "y"}}, "restart: needs kill_at"},
		{"restart with both", Command{Command: []string{"x"}, KillAt: &KillAt{StartsWith: "a"}, Restart: &Restart{Shell: "y", Command: []string{"z"}}}, "restart.shell: set command or shell, not both"},
		{"restart's empty program", Command{Command: []string{"x"}, KillAt: &KillAt{StartsWith: "a"}, Restart: &Restart{Command: []string{" "}}}, "restart.command: the program name must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check.Validate()
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("got %v, want %q", err, tt.err)
			}
		})
	}
}

// crashRun is one Exec a crash check made: what it ran, and its options.
type crashRun struct {
	cmd   []string
	stdin string
	kill  *KillPoint
}

func TestCommandCrash(t *testing.T) {
	again := "recover"
	killed := ExecResult{ExitCode: 137, Stdout: "took j1\ncrash j2", Stderr: "[lab] killed\n", Killed: true}
	tests := []struct {
		name    string
		check   Command
		results []ExecResult
		errs    []error
		status  Status
		msg     string
		runs    []crashRun
	}{
		{"killed, restarted, outputs joined",
			Command{Command: []string{"w"}, Stdin: "plan", KillAt: &KillAt{StartsWith: "crash "}, Stdout: &Match{Equals: str("took j1\ncrash j2\ndone j2")}},
			[]ExecResult{killed, {Stdout: "done j2\n"}}, nil, Pass, "",
			[]crashRun{{[]string{"w"}, "plan", &KillPoint{"crash ", 1}}, {[]string{"w"}, "plan", nil}}},
		{"restart's own command and stdin",
			Command{Command: []string{"w"}, Stdin: "plan", KillAt: &KillAt{StartsWith: "crash", Count: 2}, Restart: &Restart{Shell: "r", Stdin: &again}},
			[]ExecResult{killed, {}}, nil, Pass, "",
			[]crashRun{{[]string{"w"}, "plan", &KillPoint{"crash", 2}}, {[]string{"/bin/sh", "-c", "r"}, "recover", nil}}},
		{"ended before the kill point",
			Command{Command: []string{"w"}, KillAt: &KillAt{StartsWith: "crash ", Count: 3}, Message: "the worker must crash"},
			[]ExecResult{{ExitCode: 0, Stdout: "done"}}, nil, Fail,
			`the worker must crash: the program was to be killed at its 3rd line of output starting with "crash ", but it ended first (exit code 0)`,
			[]crashRun{{[]string{"w"}, "", &KillPoint{"crash ", 3}}}},
		{"the restart's exit code counts",
			Command{Command: []string{"w"}, KillAt: &KillAt{StartsWith: "crash "}},
			[]ExecResult{killed, {ExitCode: 1, Stderr: "KeyError: 'j2'"}}, nil, Fail,
			`the command failed with exit code 1; it was expected to succeed (exit code 0); its error output ends with "KeyError: 'j2'"`, nil},
		{"the killed run's exit code does not",
			Command{Command: []string{"w"}, KillAt: &KillAt{StartsWith: "crash "}},
			[]ExecResult{killed, {}}, nil, Pass, "", nil},
		{"a service without programs",
			Command{Command: []string{"w"}, KillAt: &KillAt{StartsWith: "crash "}},
			[]ExecResult{{}}, []error{ErrNoKillPoint}, Error, "kill_at needs a runtime service", nil},
		{"the restart stopped at its limit",
			Command{Command: []string{"w"}, KillAt: &KillAt{StartsWith: "crash "}},
			[]ExecResult{killed, {}}, []error{nil, limitError{}}, Fail, "after the restart, the program did not finish within 4.3s", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.check.Validate(); err != nil {
				t.Fatalf("validate: %v", err)
			}
			var runs []crashRun
			env := &fakeEnv{reveal: true, exec: func(_ context.Context, cmd []string, opts ExecOptions) (ExecResult, error) {
				i := len(runs)
				runs = append(runs, crashRun{cmd, opts.Stdin, opts.KillAt})
				if i >= len(tt.results) {
					return ExecResult{}, errors.New("no more runs")
				}
				var err error
				if i < len(tt.errs) {
					err = tt.errs[i]
				}
				return tt.results[i], err
			}}
			out := tt.check.Run(context.Background(), env)
			if out.Status != tt.status || !strings.Contains(out.Message, tt.msg) {
				t.Errorf("got %s %q, want %s containing %q", out.Status, out.Message, tt.status, tt.msg)
			}
			if tt.runs != nil && !reflect.DeepEqual(runs, tt.runs) {
				t.Errorf("runs = %+v, want %+v", runs, tt.runs)
			}
		})
	}
}

func TestCommandCrashShowsBothRuns(t *testing.T) {
	c := Command{Command: []string{"w"}, KillAt: &KillAt{StartsWith: "crash "}, Stdout: &Match{Equals: str("x")}}
	env := &fakeEnv{reveal: true, exec: canned(ExecResult{ExitCode: 137, Stdout: "crash j1\n", Killed: true}, ExecResult{Stdout: "done j1\n"})}
	out := c.Run(context.Background(), env)
	want := "before the kill:\n  stdout:\n  crash j1\nafter the restart:\n  stdout:\n  done j1\n"
	if out.Status != Fail || out.Output != want {
		t.Errorf("got %s, output %q, want %q", out.Status, out.Output, want)
	}
}

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 102: "102nd", 111: "111th"} {
		if got := ordinal(n); got != want {
			t.Errorf("ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}
