package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// KillAt is a command check's crash injection (`kill_at:`): the grader
// kills every process of the program with SIGKILL, as a crash of its
// machine would, when the program's standard output has its Count-th
// line that starts with StartsWith; then it runs Restart, the program
// started again after the crash, and grades that second run's exit code,
// with the output of both runs one after the other.
//
//	checks:
//	- name: no-job-lost
//	  type: command
//	  service: app
//	  command: [python3, /lab/harness.py]
//	  stdin: push j1 j2 j3 j4 work crash-in:3
//	  kill_at:
//	    starts_with: "crash "     # a line of the program's stdout
//	    count: 1                  # the count-th such line; default 1
//	  restart:                    # default: the check's command and stdin
//	    stdin: work ledger
//	  stdout: {equals: "crash j3\ndone: j1 j2 j3 j4"}   # both runs' output
//
// The line is the program's signal that it reached the point to crash at:
// a harness's job handler prints it, then waits, so that the kill lands
// there and nowhere else (the program cannot run on, and acknowledge its
// job, while the grader reacts). A program that ends before that line
// fails the check: it was to crash and did not. Only runtime services run
// programs under a kill point.
type KillAt struct {
	// StartsWith is how the line that triggers the kill starts.
	StartsWith string `yaml:"starts_with" json:"starts_with"`
	// Count is which such line triggers it; default 1, the first.
	Count int `yaml:"count,omitempty" json:"count,omitempty"`
}

// Restart is what a command check with kill_at runs after the kill: the
// program started again, which must recover from the crash. Unset fields
// are the check's own.
type Restart struct {
	// Command is the program and its arguments.
	Command []string `yaml:"command,omitempty" json:"command,omitempty"`
	// Shell is a script run by /bin/sh -c, instead of Command.
	Shell string `yaml:"shell,omitempty" json:"shell,omitempty"`
	// Stdin is fed to the restarted program.
	Stdin *string `yaml:"stdin,omitempty" json:"stdin,omitempty"`
}

// KillPoint is where Env.Exec kills a program (ExecOptions.KillAt).
type KillPoint struct {
	// StartsWith is how the line of stdout that triggers the kill starts.
	StartsWith string
	// Count is which such line triggers it (1 for the first).
	Count int
}

// String says where the kill point is, for messages.
func (k *KillPoint) String() string {
	return fmt.Sprintf("at its %s line of output starting with %s", ordinal(k.Count), quoteShort(k.StartsWith))
}

// ErrNoKillPoint is returned by Env.Exec for a kill point in a service
// that runs no programs.
var ErrNoKillPoint = errors.New("kill_at needs a runtime service: only a program can be crashed and started again")

// validateCrash checks kill_at and restart.
func (c *Command) validateCrash() []error {
	var errs []error
	if c.KillAt == nil {
		if c.Restart != nil {
			errs = append(errs, errors.New("restart: needs kill_at (the crash it restarts after)"))
		}
		return errs
	}
	switch {
	case c.KillAt.StartsWith == "":
		errs = append(errs, errors.New("kill_at.starts_with: needs the start of the line that triggers the kill"))
	case strings.ContainsAny(c.KillAt.StartsWith, "\n\r"):
		errs = append(errs, errors.New("kill_at.starts_with: must be on one line (it starts a line of output)"))
	}
	if c.User != "" {
		errs = append(errs, errors.New("user: kill_at runs the program as the runtime's program user; leave user unset"))
	}
	if c.KillAt.Count < 0 {
		errs = append(errs, errors.New("kill_at.count: must be 1 or more"))
	}
	if r := c.Restart; r != nil {
		switch {
		case len(r.Command) > 0 && r.Shell != "":
			errs = append(errs, errors.New("restart.shell: set command or shell, not both"))
		case len(r.Command) > 0 && strings.TrimSpace(r.Command[0]) == "":
			errs = append(errs, errors.New("restart.command: the program name must not be empty"))
		}
	}
	return errs
}

// killPoint is the ExecOptions.KillAt of the check's first run.
func (c *Command) killPoint() *KillPoint {
	n := c.KillAt.Count
	if n == 0 {
		n = 1
	}
	return &KillPoint{StartsWith: c.KillAt.StartsWith, Count: n}
}

// restartRun is the argv and stdin of the run after the kill.
func (c *Command) restartRun() ([]string, string) {
	argv, stdin := c.argv(), c.Stdin
	if r := c.Restart; r != nil {
		switch {
		case r.Shell != "":
			argv = []string{"/bin/sh", "-c", r.Shell}
		case len(r.Command) > 0:
			argv = r.Command
		}
		if r.Stdin != nil {
			stdin = *r.Stdin
		}
	}
	return argv, stdin
}

// runCrash runs the program up to its kill point, then the restart: the
// result is the restart's exit code, with both runs' output joined. ok is
// false with the outcome to report when the crash or the restart did not
// happen.
func (c *Command) runCrash(ctx context.Context, env Env) (res ExecResult, shown string, out Outcome, ok bool) {
	kp := c.killPoint()
	first, err := env.Exec(ctx, c.argv(), ExecOptions{User: c.User, Stdin: c.Stdin, Env: envList(c.Env), KillAt: kp})
	if err != nil {
		out := commandError(ctx, err)
		out.Output = commandOutput(first)
		return ExecResult{}, "", out, false
	}
	if !first.Killed {
		msg := fmt.Sprintf("the program was to be killed %s, but it ended first (exit code %d)", kp, first.ExitCode)
		if c.Message != "" {
			msg = c.Message + ": " + msg
		}
		return ExecResult{}, "", Outcome{Status: Fail, Message: msg, Output: commandOutput(first)}, false
	}
	argv, stdin := c.restartRun()
	second, err := env.Exec(ctx, argv, ExecOptions{User: c.User, Stdin: stdin, Env: envList(c.Env)})
	shown = "before the kill:\n" + indent(commandOutput(first)) + "after the restart:\n" + indent(commandOutput(second))
	if err != nil {
		out := commandError(ctx, err)
		out.Message = "after the restart, " + out.Message
		out.Output = shown
		return ExecResult{}, "", out, false
	}
	res = ExecResult{
		ExitCode:  second.ExitCode,
		Stdout:    joinOutput(first.Stdout, second.Stdout),
		Stderr:    joinOutput(first.Stderr, second.Stderr),
		Truncated: first.Truncated || second.Truncated,
	}
	return res, shown, Outcome{}, true
}

// joinOutput puts b after a, on a line of its own.
func joinOutput(a, b string) string {
	if a != "" && !strings.HasSuffix(a, "\n") {
		a += "\n"
	}
	return a + b
}

// indent indents each line of s by two spaces.
func indent(s string) string {
	if s == "" {
		return "  (no output)\n"
	}
	lines := strings.SplitAfter(strings.TrimRight(s, "\n"), "\n")
	return "  " + strings.Join(lines, "  ") + "\n"
}

// ordinal is 1st, 2nd, 3rd, 4th, … 11th, 12th, 13th, 21st.
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}
