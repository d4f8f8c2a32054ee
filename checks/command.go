package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// Command is the `command` check: a command runs in the check's service,
// and its exit code and output must be as expected. In a runtime service
// the command runs as the learner's program: as an unprivileged user in
// /app, with the lab's connection variables (DATABASE_URL, REDIS_URL), and
// stopped at the check's deadline.
//
//	checks:
//	- name: finds-user
//	  type: command
//	  service: app
//	  command: [python3, /lab/harness.py, '["get_user", 1]']
//	  # shell: redis-cli GET user:1   # instead of command: run by /bin/sh -c
//	  env: {RATE_LIMIT: "3"}          # added to the environment
//	  stdin: ""                       # fed to the command
//	  user: ""                        # default: root, or the program's user in a runtime
//	  exit_code: 0                    # the default
//	  stdout: {equals: '{"id": 1}'}   # or contains / matches / absent (no output)
//	  stderr: {absent: true}
//	  message: get_user(1) must return the user   # the learner's sentence on failure
//	  before:                         # the grader's own commands, sent first
//	    - {service: cache, redis: [SET, user:3, '{"id": 3}', EX, "60"]}
//	  kill_at: {starts_with: "crash"} # a runtime's program crashed at a line of its
//	  restart: {stdin: recover}       # output, then run again (see command_crash.go)
//
// before: lets a check set up what the learner's program must then find,
// with the grader's rights and outside the program's reach: a copy planted
// in the cache proves that the program reads the cache, whatever else it
// does.
//
// In a box, expected_shell instead of stdout compares with the lab's own
// answer computed from the box's data, which a hidden variant changes:
//
//	checks:
//	- name: top-ips
//	  type: command
//	  service: box
//	  on_variants: true
//	  command: [cat, /srv/report/top-ips.txt]
//	  expected_shell: |              # run as root in the box as seeded
//	    awk '{print $1}' /var/log/nginx/access.log | sort | uniq -c | …
//
// The reference runs before the submission is applied (on every variant
// too), so nothing the submission does reaches it; outputs are compared
// line by line as words (runs of blanks are one space; blanks at the ends
// of lines, and blank lines at the start and end, are ignored). It is
// never shown in the check's source (it is the answer); with reveal, a
// failure on the lab's own data shows the expected output.
type Command struct {
	// Command is the program and its arguments.
	Command []string `yaml:"command,omitempty" json:"command,omitempty"`
	// Shell is a script run by /bin/sh -c, instead of Command.
	Shell string `yaml:"shell,omitempty" json:"shell,omitempty"`
	// Env is added to the command's environment.
	Env map[string]string `yaml:"env,omitempty" json:"env,omitempty"`
	// Stdin is fed to the command.
	Stdin string `yaml:"stdin,omitempty" json:"stdin,omitempty"`
	// User runs the command as this user.
	User string `yaml:"user,omitempty" json:"user,omitempty"`
	// ExitCode is the expected exit code; default 0.
	ExitCode *int `yaml:"exit_code,omitempty" json:"exit_code,omitempty"`
	// Stdout is what the standard output must be. Trailing newlines are
	// ignored by equals.
	Stdout *Match `yaml:"stdout,omitempty" json:"stdout,omitempty"`
	// Stderr is what the standard error must be.
	Stderr *Match `yaml:"stderr,omitempty" json:"stderr,omitempty"`
	// ExpectedShell (box only) is a script run by /bin/sh -c as root in
	// the box as seeded, before the submission; the command's stdout must
	// equal its stdout. Not with stdout.
	ExpectedShell string `yaml:"expected_shell,omitempty" json:"expected_shell,omitempty"`
	// Message is shown to the learner when the check fails.
	Message string `yaml:"message,omitempty" json:"message,omitempty"`
	// Before are commands the grader sends to other services first.
	Before []*Setup `yaml:"before,omitempty" json:"before,omitempty"`
	// KillAt crashes the program at a line of its output, and Restart
	// starts it again (see command_crash.go).
	KillAt *KillAt `yaml:"kill_at,omitempty" json:"kill_at,omitempty"`
	// Restart is what runs after the kill; default the check's command.
	Restart *Restart `yaml:"restart,omitempty" json:"restart,omitempty"`
}

// Setup is one command the grader sends to a service of the lab before a
// check's command runs, as the service's administrator (Redis' default
// user), never as the learner.
type Setup struct {
	// Service is the redis service the command goes to.
	Service string `yaml:"service" json:"service"`
	// Redis is the Redis command and its arguments.
	Redis []string `yaml:"redis" json:"redis"`
}

var _ Referenced = (*Command)(nil)

// ReferenceCommand implements Referenced: expected_shell, run by /bin/sh.
func (c *Command) ReferenceCommand() []string {
	if strings.TrimSpace(c.ExpectedShell) == "" {
		return nil
	}
	return []string{"/bin/sh", "-c", c.ExpectedShell}
}

// Validate implements Check.
func (c *Command) Validate() error {
	var errs []error
	switch {
	case len(c.Command) == 0 && strings.TrimSpace(c.Shell) == "":
		errs = append(errs, errors.New("command: set command (a list) or shell (a script)"))
	case len(c.Command) > 0 && c.Shell != "":
		errs = append(errs, errors.New("shell: set command or shell, not both"))
	case len(c.Command) > 0 && strings.TrimSpace(c.Command[0]) == "":
		errs = append(errs, errors.New("command: the program name must not be empty"))
	}
	errs = append(errs, validateEnv(c.Env)...)
	errs = append(errs, c.validateCrash()...)
	for i, b := range c.Before {
		switch {
		case b == nil:
			errs = append(errs, fmt.Errorf("before.%d: expected {service, redis}", i))
		case b.Service == "":
			errs = append(errs, fmt.Errorf("before.%d.service: must name a redis service", i))
		case len(b.Redis) == 0 || strings.TrimSpace(b.Redis[0]) == "":
			errs = append(errs, fmt.Errorf("before.%d.redis: needs a command and its arguments", i))
		}
	}
	if c.ExpectedShell != "" && c.Stdout != nil {
		errs = append(errs, errors.New("expected_shell: set stdout or expected_shell, not both"))
	}
	if c.ExpectedShell != "" && strings.TrimSpace(c.ExpectedShell) == "" {
		errs = append(errs, errors.New("expected_shell: must not be blank"))
	}
	if c.ExitCode != nil && (*c.ExitCode < 0 || *c.ExitCode > 255) {
		errs = append(errs, errors.New("exit_code: must be between 0 and 255"))
	}
	for _, m := range []struct {
		name string
		m    *Match
	}{{"stdout", c.Stdout}, {"stderr", c.Stderr}} {
		if m.m != nil {
			if err := m.m.validate(m.name); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

func (c *Command) argv() []string {
	if c.Shell != "" {
		return []string{"/bin/sh", "-c", c.Shell}
	}
	return c.Command
}

// Run implements Check.
func (c *Command) Run(ctx context.Context, env Env) Outcome {
	for _, b := range c.Before {
		if err := b.send(ctx, env); err != nil {
			return execError(ctx, fmt.Errorf("set up %s before the command: %w", b.Service, err))
		}
	}
	stdout := c.Stdout
	if c.ReferenceCommand() != nil {
		ref, out := reference(ctx, env)
		if out != nil {
			return *out
		}
		want := normalizeLines(ref.Stdout)
		stdout = &Match{Equals: &want}
	}
	var res ExecResult
	var shown string
	if c.KillAt != nil {
		var out Outcome
		var ok bool
		if res, shown, out, ok = c.runCrash(ctx, env); !ok {
			return out
		}
	} else {
		var err error
		res, err = env.Exec(ctx, c.argv(), ExecOptions{User: c.User, Stdin: c.Stdin, Env: envList(c.Env)})
		if err != nil {
			out := commandError(ctx, err)
			out.Output = commandOutput(res)
			return out
		}
		shown = commandOutput(res)
	}
	want := 0
	if c.ExitCode != nil {
		want = *c.ExitCode
	}
	var problems []string
	if res.ExitCode != want {
		problems = append(problems, exitProblem(res, want))
	}
	if stdout != nil {
		got := res.Stdout
		if c.ReferenceCommand() != nil {
			got = normalizeLines(got)
		}
		if p := matchOutput(stdout, got, env.Reveal()); p != "" {
			problems = append(problems, "the command's output "+p)
		}
	}
	if c.Stderr != nil {
		if p := matchOutput(c.Stderr, res.Stderr, env.Reveal()); p != "" {
			problems = append(problems, "the command's error output "+p)
		}
	}
	if len(problems) == 0 {
		return Passed()
	}
	msg := strings.Join(problems, "; ")
	if c.Message != "" {
		msg = c.Message + ": " + msg
	}
	if res.Truncated {
		msg += " (its output was longer than the grader keeps and was cut)"
	}
	return Outcome{Status: Fail, Message: msg, Output: shown}
}

// matchOutput compares a command's output with m: equals ignores
// trailing newlines on both sides, absent means no output at all.
func matchOutput(m *Match, out string, reveal bool) string {
	if m.Equals != nil {
		want := strings.TrimRight(*m.Equals, "\n")
		m = &Match{Equals: &want}
		out = strings.TrimRight(out, "\n")
	}
	return m.check(out, out != "" || !m.Absent, reveal)
}

// exitProblem says, in words, that the command's exit code is not want:
// 0 is "succeed", any other code is named. The last line of its error
// output that says something follows, as what went wrong.
func exitProblem(res ExecResult, want int) string {
	var p string
	if want == 0 {
		p = fmt.Sprintf("the command failed with exit code %d; it was expected to succeed (exit code 0)", res.ExitCode)
	} else {
		p = fmt.Sprintf("the command exited with code %d; it was expected to exit with code %d", res.ExitCode, want)
	}
	if last := lastLine(res.Stderr); last != "" {
		p += "; its error output ends with " + quoteShort(last)
	}
	return p
}

// lastLine is the last line of s with a letter or a digit in it: where a
// traceback says what went wrong. Lines of marks alone (the carets and
// tildes under Python's source line, a rule of dashes) say nothing on
// their own and are passed over.
func lastLine(s string) string {
	lines := strings.Split(s, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		line := strings.TrimSpace(lines[i])
		if strings.IndexFunc(line, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			return line
		}
	}
	return ""
}

// send sends the setup command with the grader's client of its service.
func (b *Setup) send(ctx context.Context, env Env) error {
	svc, err := env.Service(b.Service)
	if err != nil {
		return err
	}
	r, err := svc.Redis()
	if err != nil {
		return err
	}
	args := make([]any, len(b.Redis))
	for i, a := range b.Redis {
		args[i] = a
	}
	_, err = r.Do(ctx, args...)
	return err
}
