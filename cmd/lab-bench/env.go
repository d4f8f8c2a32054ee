package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// env is what every benchmark may use: the engine, the image
// configuration, and the identity of this run.
type env struct {
	d   *runner.Driver
	cfg runner.Config
	// runID is the io.labrunner.lab label of everything the run starts.
	runID string
	// lab is the path of the lab binary.
	lab string
	// batch sizes the batch rows.
	batch batchConfig
	seq   atomic.Int64
	// owned are label sets ("key=value", all must match) of what lab
	// processes of this run created: their containers carry the lab's id,
	// not runID. finalSweep proves that none of them is left either.
	owned [][]string
	// warnings are what the run noticed besides its measurements (a
	// submission graded as an environment error, say); printed after the
	// table and kept in results.json.
	warnings []string
}

// warn records a warning and shows it at once in the progress.
func (e *env) warn(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	e.warnings = append(e.warnings, msg)
	fmt.Fprintf(os.Stderr, "bench: warning: %s\n", msg)
}

// own records a label set of objects a lab process of this run creates.
func (e *env) own(labels ...string) { e.owned = append(e.owned, labels) }

// nextSession returns a fresh io.labrunner.session value of this run.
func (e *env) nextSession() string {
	return fmt.Sprintf("%s-%d", e.runID, e.seq.Add(1))
}

// images returns the configured image of every kind.
func (e *env) images() []string {
	var out []string
	for _, k := range runner.Kinds() {
		out = append(out, e.cfg.Image(k))
	}
	return out
}

// labels returns the labels of a reference container: the ones labrunner
// puts on its own, so that `lab gc` would find it too.
func (e *env) labels(session string, kind runner.Kind) map[string]string {
	host, _ := os.Hostname()
	return map[string]string{
		engine.LabelManaged: "true",
		engine.LabelLab:     e.runID,
		engine.LabelSession: session,
		engine.LabelService: string(kind),
		engine.LabelKind:    string(kind),
		engine.LabelCreated: time.Now().UTC().Format(time.RFC3339),
		engine.LabelPID:     strconv.Itoa(os.Getpid()),
		engine.LabelHost:    host,
	}
}

// sweep force-removes every container and network with label
// ("key=value"), outside any measurement. It runs to completion even after
// Ctrl-C, with a deadline of its own, and returns how many objects it found.
func (e *env) sweep(label string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, ns, err := e.d.List(ctx, label)
	if err != nil {
		return 0, err
	}
	cli := e.d.Client()
	var errs []error
	for _, id := range cs {
		if _, err := cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
			errs = append(errs, fmt.Errorf("remove container %s: %w", id[:12], err))
		}
	}
	for _, id := range ns {
		if _, err := cli.NetworkRemove(ctx, id, client.NetworkRemoveOptions{}); err != nil {
			errs = append(errs, fmt.Errorf("remove network %s: %w", id[:12], err))
		}
	}
	return len(cs) + len(ns), errors.Join(errs...)
}

// sweepSession removes whatever one run left of session; the run's own
// removal is what is measured, so this finds nothing unless the run failed.
func (e *env) sweepSession(session string) {
	if n, err := e.sweep(engine.LabelSession + "=" + session); err != nil || n > 0 {
		fmt.Fprintf(os.Stderr, "bench: cleanup of %s: removed %d objects (%v)\n", session, n, err)
	}
}

// finalSweep removes everything of the run and proves that nothing of it
// is left on the engine. After an interrupt it sweeps twice: a create the
// engine was still handling when the request was abandoned lands late.
func (e *env) finalSweep(interrupted bool) error {
	label := engine.LabelLab + "=" + e.runID
	removed, err := e.sweep(label)
	if interrupted {
		time.Sleep(time.Second)
		n, err2 := e.sweep(label)
		removed += n
		err = errors.Join(err, err2)
	}
	for _, labels := range e.owned {
		n, err2 := e.removeLeftovers(labels...)
		if n > 0 {
			err2 = errors.Join(err2, fmt.Errorf("%d objects labelled %v were left by a lab process (removed now)", n, labels))
		}
		removed += n
		err = errors.Join(err, err2)
	}
	if err != nil {
		return fmt.Errorf("final cleanup: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cs, ns, err := e.d.List(ctx, label)
	if err != nil {
		return fmt.Errorf("final cleanup: %w", err)
	}
	if len(cs)+len(ns) > 0 {
		return fmt.Errorf("final cleanup: %d containers and %d networks labelled %s are left", len(cs), len(ns), label)
	}
	fmt.Fprintf(os.Stderr, "bench: cleanup: %d leftovers removed at the end; nothing labelled %s is left, nor anything of the %d lab processes and sessions the run started\n", removed, label, len(e.owned))
	return nil
}

// docker runs the docker CLI and returns its trimmed stdout. The command
// runs in its own process group and is not tied to the Ctrl-C context:
// killing `docker run` halfway could leave a container the engine creates
// after this program stopped looking. It is bounded by a deadline instead.
func docker(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("docker %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}
