package engine

import (
	"context"
	"fmt"
	"io"

	"github.com/moby/moby/client"
)

// Terminal is an interactive terminal to attach to a command.
type Terminal struct {
	In     io.Reader
	Out    io.Writer
	Width  uint
	Height uint
	// Resize delivers new sizes (width, height) while the command runs.
	Resize <-chan [2]uint
}

// Interactive runs cmd in the service with a TTY attached to term and
// returns its exit code.
func (s *Service) Interactive(ctx context.Context, cmd, env []string, term Terminal) (int, error) {
	cli := s.d.cli.Client
	created, err := cli.ExecCreate(ctx, s.ContainerID, client.ExecCreateOptions{
		Cmd: cmd, Env: append(env, "TERM=xterm-256color"), TTY: true,
		AttachStdin: true, AttachStdout: true, AttachStderr: true,
		ConsoleSize: client.ConsoleSize{Height: term.Height, Width: term.Width},
	})
	if err != nil {
		return 0, envErr(fmt.Errorf("exec in %s: %w", s.Name, err))
	}
	att, err := cli.ExecAttach(ctx, created.ID, client.ExecAttachOptions{TTY: true,
		ConsoleSize: client.ConsoleSize{Height: term.Height, Width: term.Width}})
	if err != nil {
		return 0, envErr(fmt.Errorf("attach to %s: %w", s.Name, err))
	}
	defer att.Close()
	go func() {
		for size := range term.Resize {
			cli.ExecResize(ctx, created.ID, client.ExecResizeOptions{Width: size[0], Height: size[1]})
		}
	}()
	go io.Copy(att.Conn, term.In)
	io.Copy(term.Out, att.Reader)
	insp, err := cli.ExecInspect(context.WithoutCancel(ctx), created.ID, client.ExecInspectOptions{})
	if err != nil {
		return 0, envErr(err)
	}
	return insp.ExitCode, nil
}
