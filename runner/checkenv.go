package runner

import (
	"context"
	"fmt"
	"strings"

	"github.com/labrunner/labrunner/checks"
)

// checkEnv implements checks.Env for one check of a lab run.
type checkEnv struct {
	run     *labRun
	service string
	reveal  bool
}

var _ checks.Env = (*checkEnv)(nil)

func (e *checkEnv) Reveal() bool { return e.reveal }

func (e *checkEnv) SQL() (checks.SQL, error) {
	s, ok := e.run.sql[e.service]
	if !ok {
		return nil, fmt.Errorf("service %q is not a postgres service", e.service)
	}
	return s, nil
}

func (e *checkEnv) Exec(ctx context.Context, cmd []string, opts checks.ExecOptions) (checks.ExecResult, error) {
	svc := e.run.env.Session.Service(e.service)
	if svc == nil {
		return checks.ExecResult{}, fmt.Errorf("service %q is not running", e.service)
	}
	eo := ExecOptions{User: opts.User}
	if opts.Stdin != "" {
		eo.Stdin = strings.NewReader(opts.Stdin)
	}
	res, err := svc.Exec(ctx, cmd, eo)
	return checks.ExecResult{ExitCode: res.ExitCode, Stdout: res.Stdout, Stderr: res.Stderr}, err
}

func (e *checkEnv) BaseURL() (string, error) {
	svc := e.run.env.Session.Service(e.service)
	if svc == nil || svc.HostPort == "" {
		return "", fmt.Errorf("service %q has no HTTP endpoint", e.service)
	}
	return "http://" + svc.HostPort, nil
}

func (e *checkEnv) Submission(file string) (string, error) {
	s, ok := e.run.sub[file]
	if !ok {
		return "", fmt.Errorf("the submission has no file %q", file)
	}
	return s, nil
}
