package engine

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/moby/moby/client"
)

// ContainerState is what Service.State reports of a container.
type ContainerState struct {
	Running   bool
	ExitCode  int
	OOMKilled bool
}

// State reports whether the service's container runs, and how it ended.
func (s *Service) State(ctx context.Context) (ContainerState, error) {
	insp, err := s.d.cli.ContainerInspect(ctx, s.ContainerID, client.ContainerInspectOptions{})
	if err != nil {
		return ContainerState{}, envErr(fmt.Errorf("inspect container: %w", err))
	}
	st := insp.Container.State
	if st == nil {
		return ContainerState{Running: true}, nil
	}
	return ContainerState{Running: st.Running, ExitCode: st.ExitCode, OOMKilled: st.OOMKilled}, nil
}

// DiskUsage returns the size of the container's writable layer, and false
// when the engine does not report it.
func (s *Service) DiskUsage(ctx context.Context) (int64, bool, error) {
	insp, err := s.d.cli.ContainerInspect(ctx, s.ContainerID, client.ContainerInspectOptions{Size: true})
	if err != nil {
		return 0, false, err
	}
	if insp.Container.SizeRw == nil {
		return 0, false, nil
	}
	return *insp.Container.SizeRw, true, nil
}

// Restart restarts the container at once, without a grace period, with
// signal ("" is the engine's default stop signal), and refreshes HostPort,
// which changes with the restart. The container keeps its files.
func (s *Service) Restart(ctx context.Context, signal string) error {
	now := 0
	if _, err := s.d.cli.ContainerRestart(ctx, s.ContainerID, client.ContainerRestartOptions{Signal: signal, Timeout: &now}); err != nil {
		return err
	}
	hostPort, err := s.d.hostPort(ctx, s.ContainerID, s.port)
	if err != nil {
		return err
	}
	more, err := s.d.morePorts(ctx, s.ContainerID, slices.Collect(maps.Keys(s.more)))
	if err != nil {
		return err
	}
	s.HostPort, s.more = hostPort, more
	return nil
}

// CopyFrom returns a tar of path in the container. The caller must close it.
func (s *Service) CopyFrom(ctx context.Context, path string) (io.ReadCloser, error) {
	cp, err := s.d.cli.CopyFromContainer(ctx, s.ContainerID, client.CopyFromContainerOptions{SourcePath: path})
	if err != nil {
		return nil, err
	}
	return cp.Content, nil
}

// Logs returns the last tail lines the container wrote to stdout and
// stderr, multiplexed as the engine sends them. The caller must close it.
func (s *Service) Logs(ctx context.Context, tail string) (io.ReadCloser, error) {
	return s.d.cli.ContainerLogs(ctx, s.ContainerID, client.ContainerLogsOptions{ShowStderr: true, ShowStdout: true, Tail: tail})
}
