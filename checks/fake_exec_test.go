package checks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strings"
	"testing"
)

// execEnv is a fake Env for checks that run commands or send HTTP
// requests: Exec calls exec, BaseURL returns base.
type execEnv struct {
	fakeEnv
	base string
	exec func(ctx context.Context, cmd []string, opts ExecOptions) (ExecResult, error)
	// calls records each command's user and argv.
	calls []execCall
}

type execCall struct {
	user string
	cmd  []string
}

func (e *execEnv) BaseURL() (string, error) {
	if e.base == "" {
		return "", errors.New("no http")
	}
	return e.base, nil
}

func (e *execEnv) Exec(ctx context.Context, cmd []string, opts ExecOptions) (ExecResult, error) {
	e.calls = append(e.calls, execCall{opts.User, cmd})
	if e.exec == nil {
		return ExecResult{}, errors.New("no exec")
	}
	return e.exec(ctx, cmd, opts)
}

// hostExec runs commands on this machine, as a container would: as root
// for user "0" or "", otherwise as the named user through setpriv. It
// needs root and setpriv; the test is skipped without them.
func hostExec(t *testing.T) func(ctx context.Context, cmd []string, opts ExecOptions) (ExecResult, error) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to run commands as other users")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("needs setpriv (util-linux)")
	}
	return func(ctx context.Context, cmd []string, opts ExecOptions) (ExecResult, error) {
		if opts.User != "" && opts.User != "0" && opts.User != "root" {
			u, err := user.Lookup(opts.User)
			if err != nil {
				return ExecResult{ExitCode: 126}, fmt.Errorf("unable to find user %s: no matching entries in passwd file", opts.User)
			}
			cmd = append([]string{setpriv, "--reuid=" + u.Uid, "--regid=" + u.Gid, "--init-groups", "--"}, cmd...)
		}
		c := exec.CommandContext(ctx, cmd[0], cmd[1:]...)
		var out, errb bytes.Buffer
		c.Stdout, c.Stderr = &out, &errb
		if opts.Stdin != "" {
			c.Stdin = strings.NewReader(opts.Stdin)
		}
		err := c.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ExecResult{ExitCode: ee.ExitCode(), Stdout: out.String(), Stderr: errb.String()}, nil
		}
		return ExecResult{Stdout: out.String(), Stderr: errb.String()}, err
	}
}

// canned returns an exec func that answers each command with the next
// result of results.
func canned(results ...ExecResult) func(context.Context, []string, ExecOptions) (ExecResult, error) {
	return func(context.Context, []string, ExecOptions) (ExecResult, error) {
		if len(results) == 0 {
			return ExecResult{}, errors.New("canned: no more results")
		}
		r := results[0]
		results = results[1:]
		return r, nil
	}
}
