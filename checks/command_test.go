package checks

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func num(n int) *int { return &n }

// limitError is how the runner reports a learner's program it stopped at
// its own limit: a deadline, before the check's context expired.
type limitError struct{}

func (limitError) Error() string   { return "the program did not finish within 4.3s; it was stopped" }
func (limitError) Unwrap() error   { return context.DeadlineExceeded }
func (limitError) ProgramStopped() {}

func TestCommand(t *testing.T) {
	tests := []struct {
		name   string
		check  Command
		res    ExecResult
		err    error
		reveal bool
		status Status
		msg    string
	}{
		{"exit 0 passes", Command{Command: []string{"true"}}, ExecResult{}, nil, true, Pass, ""},
		{"exit 1 fails", Command{Command: []string{"false"}}, ExecResult{ExitCode: 1, Stderr: "boom"}, nil, true, Fail, `the command failed with exit code 1; it was expected to succeed (exit code 0); its error output ends with "boom"`},
		{"traceback's last line", Command{Command: []string{"x"}}, ExecResult{ExitCode: 1, Stderr: "Traceback (most recent call last):\n  File \"x\"\nMemoryError\n\n"}, nil, true, Fail, `its error output ends with "MemoryError"`},
		// The caret under a source line says nothing: the line above does.
		{"carets passed over", Command{Command: []string{"x"}}, ExecResult{ExitCode: 1, Stderr: "  File \"/app/prog.py\", line 2\n    print(x\n         ^\n"}, nil, true, Fail, `expected to succeed (exit code 0); its error output ends with "print(x"`},
		{"marks alone are not quoted", Command{Command: []string{"x"}}, ExecResult{ExitCode: 3, Stderr: "^\n~~~\n"}, nil, true, Fail, "the command failed with exit code 3; it was expected to succeed (exit code 0)"},
		{"another exit code expected", Command{Command: []string{"x"}, ExitCode: num(2)}, ExecResult{ExitCode: 0}, nil, true, Fail, "the command exited with code 0; it was expected to exit with code 2"},
		{"expected exit code", Command{Command: []string{"false"}, ExitCode: num(1)}, ExecResult{ExitCode: 1}, nil, true, Pass, ""},
		{"equals ignores trailing newlines", Command{Command: []string{"x"}, Stdout: &Match{Equals: str("a\nb\n")}}, ExecResult{Stdout: "a\nb\n\n"}, nil, true, Pass, ""},
		{"equals differs", Command{Command: []string{"x"}, Stdout: &Match{Equals: str("1")}}, ExecResult{Stdout: "2\n"}, nil, true, Fail, `the command's output is "2", expected "1"`},
		{"hidden expectation", Command{Command: []string{"x"}, Stdout: &Match{Equals: str("1")}}, ExecResult{Stdout: "2\n"}, nil, false, Fail, `is "2", which is not the expected value`},
		{"contains", Command{Command: []string{"x"}, Stdout: &Match{Contains: "ada"}}, ExecResult{Stdout: "hello ada"}, nil, true, Pass, ""},
		{"matches", Command{Command: []string{"x"}, Stdout: &Match{Matches: `^a [0-9]+$`}}, ExecResult{Stdout: "a 12"}, nil, true, Pass, ""},
		{"no error output", Command{Command: []string{"x"}, Stderr: &Match{Absent: true}}, ExecResult{Stderr: "Traceback"}, nil, true, Fail, `the command's error output is "Traceback", expected none`},
		{"no error output passes", Command{Command: []string{"x"}, Stderr: &Match{Absent: true}}, ExecResult{}, nil, true, Pass, ""},
		{"message first", Command{Command: []string{"x"}, Message: "get_user(1) must return Ada"}, ExecResult{ExitCode: 2}, nil, true, Fail, "get_user(1) must return Ada: the command failed with exit code 2; it was expected to succeed (exit code 0)"},
		{"truncated output said", Command{Command: []string{"x"}, Stdout: &Match{Equals: str("1")}}, ExecResult{Stdout: "yyyy", Truncated: true}, nil, true, Fail, "was cut"},
		{"program stopped at its limit", Command{Command: []string{"x"}}, ExecResult{}, limitError{}, true, Fail, "did not finish within 4.3s; it was stopped"},
		{"exec failed", Command{Command: []string{"x"}}, ExecResult{}, errors.New("service app is not running"), true, Error, "service app is not running"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.check.Validate(); err != nil {
				t.Fatalf("validate: %v", err)
			}
			env := &fakeEnv{reveal: tt.reveal, exec: func(context.Context, []string, ExecOptions) (ExecResult, error) { return tt.res, tt.err }}
			out := tt.check.Run(context.Background(), env)
			if out.Status != tt.status || !strings.Contains(out.Message, tt.msg) {
				t.Errorf("got %s %q, want %s containing %q", out.Status, out.Message, tt.status, tt.msg)
			}
		})
	}
}

func TestCommandPassesArgvEnvStdin(t *testing.T) {
	var gotCmd []string
	var gotOpts ExecOptions
	env := &fakeEnv{exec: func(_ context.Context, cmd []string, opts ExecOptions) (ExecResult, error) {
		gotCmd, gotOpts = cmd, opts
		return ExecResult{}, nil
	}}
	c := Command{Shell: "echo $A", Env: map[string]string{"B": "2", "A": "1"}, Stdin: "in", User: "www-data"}
	if out := c.Run(context.Background(), env); out.Status != Pass {
		t.Fatalf("got %+v", out)
	}
	if want := []string{"/bin/sh", "-c", "echo $A"}; !reflect.DeepEqual(gotCmd, want) {
		t.Errorf("argv = %q, want %q", gotCmd, want)
	}
	want := ExecOptions{User: "www-data", Stdin: "in", Env: []string{"A=1", "B=2"}}
	if !reflect.DeepEqual(gotOpts, want) {
		t.Errorf("opts = %+v, want %+v", gotOpts, want)
	}
}

func TestCommandCheckDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	env := &fakeEnv{exec: func(ctx context.Context, _ []string, _ ExecOptions) (ExecResult, error) {
		<-ctx.Done()
		return ExecResult{}, fmt.Errorf("exec in app: %w", ctx.Err())
	}}
	out := (&Command{Command: []string{"sleep", "9"}}).Run(WithLimit(ctx, 10*time.Millisecond), env)
	if out.Status != Error || !strings.Contains(out.Message, "the command ran past the 10 ms limit and was stopped") {
		t.Errorf("got %s %q", out.Status, out.Message)
	}
}

func TestCommandOutputCapped(t *testing.T) {
	res := ExecResult{Stdout: strings.Repeat("o", 10_000), Stderr: strings.Repeat("e", 10_000) + "MemoryError"}
	out := commandOutput(res)
	if len(out) > shownStdout+shownStderr+100 {
		t.Errorf("output is %d bytes", len(out))
	}
	if !strings.HasSuffix(strings.TrimSpace(out), "MemoryError") {
		t.Errorf("the end of stderr is lost: …%s", out[len(out)-40:])
	}
}

func TestCommandValidate(t *testing.T) {
	tests := []struct {
		name  string
		check Command
		want  string
	}{
		{"nothing to run", Command{}, "command: set command (a list) or shell (a script)"},
		{"both", Command{Command: []string{"a"}, Shell: "b"}, "shell: set command or shell, not both"},
		{"empty program", Command{Command: []string{""}}, "command: the program name must not be empty"},
		{"exit code range", Command{Shell: "x", ExitCode: num(300)}, "exit_code: must be between 0 and 255"},
		{"bad regexp", Command{Shell: "x", Stdout: &Match{Matches: "("}}, "stdout.matches:"},
		{"two matchers", Command{Shell: "x", Stderr: &Match{Contains: "a", Matches: "b"}}, "stderr: set one of equals, contains and matches"},
		{"env name", Command{Shell: "x", Env: map[string]string{"A B": "1"}}, `env: "A B" is not a variable name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantValidate(t, &tt.check, tt.want) })
	}
}

// recordRedis records the commands sent to it, in order with execs.
type recordRedis struct{ log *[]string }

func (r recordRedis) Do(ctx context.Context, args ...any) (any, error) {
	*r.log = append(*r.log, "redis "+strings.Trim(fmt.Sprint(args...), "[]"))
	return "OK", nil
}

// TestCommandBefore: the grader's setup commands go to their service
// before the program runs, and a setup that cannot be sent is an error,
// never the program's fail.
func TestCommandBefore(t *testing.T) {
	var log []string
	env := &fakeEnv{reveal: true,
		services: map[string]Env{"cache": &fakeEnv{redis: recordRedis{&log}}},
		exec: func(_ context.Context, cmd []string, _ ExecOptions) (ExecResult, error) {
			log = append(log, "exec "+strings.Join(cmd, " "))
			return ExecResult{Stdout: "planted\n"}, nil
		}}
	c := Command{Command: []string{"prog"}, Stdout: &Match{Equals: str("planted")},
		Before: []*Setup{{Service: "cache", Redis: []string{"SET", "user:3", "x"}}}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if out := c.Run(context.Background(), env); out.Status != Pass {
		t.Fatalf("got %s %q", out.Status, out.Message)
	}
	if got := strings.Join(log, "; "); got != "redis SETuser:3x; exec prog" && got != "redis SET user:3 x; exec prog" {
		t.Errorf("order: %s", got)
	}
	c.Before[0].Service = "nowhere"
	if out := c.Run(context.Background(), env); out.Status != Error || !strings.Contains(out.Message, "set up nowhere") {
		t.Errorf("unknown service: got %s %q", out.Status, out.Message)
	}
	bad := Command{Command: []string{"prog"}, Before: []*Setup{{Service: "cache"}}}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "before.0.redis") {
		t.Errorf("validate: %v", err)
	}
}

// TestCommandDoesNotQuoteMarks: a line of marks alone (Python's caret)
// is never what the message quotes as the error.
func TestCommandDoesNotQuoteMarks(t *testing.T) {
	env := &fakeEnv{reveal: true, exec: func(context.Context, []string, ExecOptions) (ExecResult, error) {
		return ExecResult{ExitCode: 1, Stderr: "    ^\n"}, nil
	}}
	out := (&Command{Command: []string{"x"}}).Run(context.Background(), env)
	if want := "the command failed with exit code 1; it was expected to succeed (exit code 0)"; out.Message != want {
		t.Errorf("got %q, want %q", out.Message, want)
	}
}
