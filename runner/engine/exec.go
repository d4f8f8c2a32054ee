package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
)

// DefaultOutputCap is how much of a command's stdout and of its stderr is
// kept when ExecOptions.OutputCap is 0.
const DefaultOutputCap = 64 << 10

// ExecOptions tunes Service.Exec.
type ExecOptions struct {
	// User runs the command as this user ("www-data", "1000:1000").
	User string
	// Env is added to the container's environment.
	Env []string
	// WorkingDir is the command's working directory.
	WorkingDir string
	// Stdin is fed to the command when not nil.
	Stdin io.Reader
	// OutputCap bounds the bytes kept of stdout and of stderr each; the rest
	// is read and dropped. 0 means DefaultOutputCap.
	OutputCap int
}

// ExecResult is the outcome of a command that ran to completion.
type ExecResult struct {
	ExitCode int
	Stdout   string
	Stderr   string
	// Truncated reports that stdout or stderr was longer than the cap.
	Truncated bool
}

// Exec runs cmd in the service's container and waits for it under ctx's
// deadline. An error means the command could not be run or did not finish
// in time (the process is then killed where the engine is local); a
// non-zero exit status is not an error.
func (s *Service) Exec(ctx context.Context, cmd []string, opts ExecOptions) (ExecResult, error) {
	res, err := execIn(ctx, s.d.cli.Client, s.ContainerID, cmd, opts)
	if err != nil {
		return res, EnvErrUnlessDeadline(fmt.Errorf("exec in %s: %w", s.Name, err))
	}
	return res, nil
}

// EnvErrUnlessDeadline marks err as an environment error unless a deadline
// caused it: a command that runs too long is the submission's fault.
func EnvErrUnlessDeadline(err error) error {
	if IsDeadline(err) {
		return err
	}
	return envErr(err)
}

// IsDeadline reports whether err comes from a deadline that passed.
func IsDeadline(err error) bool {
	return err != nil && (err == context.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded))
}

// cappedBuffer keeps the first max bytes written to it and counts the rest.
type cappedBuffer struct {
	buf     bytes.Buffer
	max     int
	dropped int64
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room > 0 {
		if len(p) <= room {
			c.buf.Write(p)
			return len(p), nil
		}
		c.buf.Write(p[:room])
		c.dropped += int64(len(p) - room)
		return len(p), nil
	}
	c.dropped += int64(len(p))
	return len(p), nil
}

func execIn(ctx context.Context, cli *client.Client, id string, cmd []string, opts ExecOptions) (ExecResult, error) {
	limit := opts.OutputCap
	if limit <= 0 {
		limit = DefaultOutputCap
	}
	created, err := cli.ExecCreate(ctx, id, client.ExecCreateOptions{
		User:         opts.User,
		Env:          opts.Env,
		WorkingDir:   opts.WorkingDir,
		Cmd:          cmd,
		AttachStdin:  opts.Stdin != nil,
		AttachStdout: true,
		AttachStderr: true,
	})
	if err != nil {
		return ExecResult{}, fmt.Errorf("create: %w", err)
	}
	att, err := cli.ExecAttach(ctx, created.ID, client.ExecAttachOptions{})
	if err != nil {
		return ExecResult{}, fmt.Errorf("attach: %w", err)
	}
	defer att.Close()

	if opts.Stdin != nil {
		go func() {
			io.Copy(att.Conn, opts.Stdin)
			att.CloseWrite()
		}()
	}
	stdout := &cappedBuffer{max: limit}
	stderr := &cappedBuffer{max: limit}
	done := make(chan error, 1)
	go func() {
		_, err := stdcopy.StdCopy(stdout, stderr, att.Reader)
		done <- err
	}()
	select {
	case err = <-done:
	case <-ctx.Done():
		att.Close()
		killExec(cli, created.ID)
		return ExecResult{}, fmt.Errorf("%q did not finish: %w", cmd[0], ctx.Err())
	}
	if err != nil {
		return ExecResult{}, fmt.Errorf("read output: %w", err)
	}
	// The engine marks the exec finished just after closing the stream.
	var insp client.ExecInspectResult
	for range 50 {
		insp, err = cli.ExecInspect(ctx, created.ID, client.ExecInspectOptions{})
		if err != nil {
			return ExecResult{}, fmt.Errorf("inspect: %w", err)
		}
		if !insp.Running {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	return ExecResult{
		ExitCode:  insp.ExitCode,
		Stdout:    stdout.buf.String(),
		Stderr:    stderr.buf.String(),
		Truncated: stdout.dropped > 0 || stderr.dropped > 0,
	}, nil
}

// killExec kills a command that outlived its deadline. The engine has no
// API to stop an exec; its process id is a host pid, which this process can
// signal when the engine is local. Elsewhere the command runs on until the
// container is removed.
func killExec(cli *client.Client, execID string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	insp, err := cli.ExecInspect(ctx, execID, client.ExecInspectOptions{})
	if err != nil || !insp.Running || insp.PID <= 0 {
		return
	}
	killPID(insp.PID)
}
