package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"
)

// execProbe mirrors runner's probe of kinds without a port: cmd runs in the
// container through the engine API (not the docker CLI, whose process
// start would dwarf what is measured) and must exit 0.
func execProbe(cmd ...string) func(ctx context.Context, t probeTarget) error {
	return func(ctx context.Context, t probeTarget) error {
		code, stderr, err := execIn(ctx, t.d.Client(), t.containerID, cmd)
		if err != nil {
			return err
		}
		if code != 0 {
			return fmt.Errorf("%s: exit %d: %s", strings.Join(cmd, " "), code, stderr)
		}
		return nil
	}
}

// execIn runs cmd in container id the way runner/exec.go does: create,
// attach, read the output to its end, then inspect for the exit code.
func execIn(ctx context.Context, cli *client.Client, id string, cmd []string) (code int, stderr string, err error) {
	created, err := cli.ExecCreate(ctx, id, client.ExecCreateOptions{Cmd: cmd, AttachStdout: true, AttachStderr: true})
	if err != nil {
		return 0, "", fmt.Errorf("exec create: %w", err)
	}
	att, err := cli.ExecAttach(ctx, created.ID, client.ExecAttachOptions{})
	if err != nil {
		return 0, "", fmt.Errorf("exec attach: %w", err)
	}
	defer att.Close()
	var out, errOut bytes.Buffer
	done := make(chan error, 1)
	go func() {
		_, err := stdcopy.StdCopy(&out, &errOut, att.Reader)
		done <- err
	}()
	select {
	case err = <-done:
	case <-ctx.Done():
		return 0, "", ctx.Err()
	}
	if err != nil {
		return 0, "", fmt.Errorf("exec output: %w", err)
	}
	for range 50 {
		insp, err := cli.ExecInspect(ctx, created.ID, client.ExecInspectOptions{})
		if err != nil {
			return 0, "", fmt.Errorf("exec inspect: %w", err)
		}
		if !insp.Running {
			return insp.ExitCode, errOut.String(), nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	return 0, "", fmt.Errorf("exec %q still running after its output ended", cmd[0])
}
