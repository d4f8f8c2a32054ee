package checks

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// refEnv is a fakeEnv whose runner ran the check's reference command.
type refEnv struct {
	*fakeEnv
	ref ExecResult
	err error
}

func (r refEnv) Reference(context.Context) (ExecResult, error) { return r.ref, r.err }

func TestCommandExpectedShell(t *testing.T) {
	c := Command{Command: []string{"cat", "/srv/report/top.txt"}, ExpectedShell: "sort /srv/logs/a | uniq -c"}
	tests := []struct {
		name   string
		ref    ExecResult
		refErr error
		noRef  bool
		out    string
		reveal bool
		status Status
		msg    string
	}{
		{"same output passes", ExecResult{Stdout: "3 a\n2 b\n"}, nil, false, "3 a\n2 b\n", true, Pass, ""},
		{"trailing blanks and blank lines ignored", ExecResult{Stdout: "3 a\n2 b\n"}, nil, false, "3 a  \n2 b\t\r\n\n\n", true, Pass, ""},
		{"blanks between and before words ignored", ExecResult{Stdout: "3 a\n"}, nil, false, "\n      3\t  a\n", true, Pass, ""},
		{"words count", ExecResult{Stdout: "3 a\n"}, nil, false, "3a\n", true, Fail, `expected "3 a"`},
		{"a blank line between counts", ExecResult{Stdout: "3 a\n2 b\n"}, nil, false, "3 a\n\n2 b\n", true, Fail, "the command's output"},
		{"other line shown with reveal", ExecResult{Stdout: "3 a\n2 b\n"}, nil, false, "3 a\n2 c\n", true, Fail, `"2 b"`},
		{"expected hidden without reveal", ExecResult{Stdout: "3 a\n2 b\n"}, nil, false, "3 a\n2 c\n", false, Fail, "which is not the expected value"},
		{"missing line", ExecResult{Stdout: "3 a\n2 b\n"}, nil, false, "3 a\n", true, Fail, "the command's output"},
		{"reference failed is an error", ExecResult{ExitCode: 2, Stderr: "awk: syntax error\n"}, nil, false, "", true, Error, `the lab's reference command failed with exit code 2: "awk: syntax error"`},
		{"reference cut is an error", ExecResult{Stdout: "x", Truncated: true}, nil, false, "x", true, Error, "more than the grader keeps"},
		{"no reference in a live run", ExecResult{}, ErrNoReference, false, "", true, Error, "this check compares with an answer computed on a freshly seeded box"},
		{"reference could not run", ExecResult{}, errors.New("exec in box: no such container"), false, "", true, Error, "the lab's reference command: exec in box: no such container"},
		{"env without references", ExecResult{}, nil, true, "", true, Error, "expected_shell needs a box service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := c.Validate(); err != nil {
				t.Fatalf("validate: %v", err)
			}
			ran := false
			fe := &fakeEnv{reveal: tt.reveal, exec: func(context.Context, []string, ExecOptions) (ExecResult, error) {
				ran = true
				return ExecResult{Stdout: tt.out}, nil
			}}
			var env Env = refEnv{fe, tt.ref, tt.refErr}
			if tt.noRef {
				env = fe
			}
			out := c.Run(context.Background(), env)
			if out.Status != tt.status || !strings.Contains(out.Message, tt.msg) {
				t.Errorf("got %s %q, want %s containing %q", out.Status, out.Message, tt.status, tt.msg)
			}
			if out.Status == Error && ran {
				t.Error("the command ran although there was no reference to compare with")
			}
		})
	}
}

func TestCommandExpectedShellValidate(t *testing.T) {
	tests := []struct {
		name  string
		check Command
		want  string
	}{
		{"alone", Command{Command: []string{"cat", "/x"}, ExpectedShell: "echo 1"}, ""},
		{"with stdout", Command{Command: []string{"cat", "/x"}, ExpectedShell: "echo 1", Stdout: &Match{Equals: str("1")}}, "expected_shell: set stdout or expected_shell, not both"},
		{"blank", Command{Command: []string{"cat", "/x"}, ExpectedShell: " \n"}, "expected_shell: must not be blank"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantValidate(t, &tt.check, tt.want) })
	}
}

func TestReferenceCommand(t *testing.T) {
	if got := (&Command{Command: []string{"x"}}).ReferenceCommand(); got != nil {
		t.Errorf("a command without expected_shell has reference %q", got)
	}
	got := (&Command{Command: []string{"x"}, ExpectedShell: "echo 1"}).ReferenceCommand()
	if strings.Join(got, " ") != "/bin/sh -c echo 1" {
		t.Errorf("reference = %q", got)
	}
}
