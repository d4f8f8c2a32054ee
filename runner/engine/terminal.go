package engine

import (
	"context"
	"fmt"
	"io"
	"time"

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
	// Engines before API 1.42 (Docker 20.10) ignore the console size given
	// at create and start: the command would see a 0×0 terminal (psql
	// then pages every result). A resize once it runs sets the size on
	// every engine, as docker exec does; later sizes follow.
	resize := func(width, height uint) {
		if width == 0 || height == 0 {
			return
		}
		// Right after the start the engine may not have the process's
		// TTY yet; docker exec retries the same way.
		for try := 0; try < 10; try++ {
			_, err := cli.ExecResize(ctx, created.ID, client.ExecResizeOptions{Width: width, Height: height})
			if err == nil || ctx.Err() != nil {
				return
			}
			time.Sleep(time.Duration(try+1) * 10 * time.Millisecond)
		}
	}
	resize(term.Width, term.Height)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case size, ok := <-term.Resize:
				if !ok {
					return
				}
				resize(size[0], size[1])
			case <-done:
				return
			}
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
