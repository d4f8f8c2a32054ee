package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner/engine"
)

// labLab is the lab the rows against DESIGN.md's targets measure.
const labLab = "sql-join"

// labRun is one finished run of the lab binary.
type labRun struct {
	pid            int
	code           int
	wall           time.Duration
	stdout, stderr string
	// maxRSS is the peak resident set in bytes, when run under GNU time.
	maxRSS float64
}

// labOptions tune runLab.
type labOptions struct {
	// timeout bounds the run; 0 means 60 s.
	timeout time.Duration
	// codes are the accepted exit codes; nil means only 0.
	codes []int
	// rss runs the command under GNU time and reads its peak RSS.
	rss bool
	// env, when not nil, is the command's whole environment.
	env []string
	// started, when set, is called with the lab process's pid (the
	// io.labrunner.pid of what it creates) once it runs.
	started func(pid int)
}

// runLab runs the lab binary to completion and checks that it left no
// container or network behind: everything it creates carries its pid in
// io.labrunner.pid, so a leftover is found (and removed) whatever session
// it belonged to. A command that is meant to leave its services running
// (`lab start`) must not use runLab.
//
// The child runs in its own process group, so that a Ctrl-C at the
// terminal reaches only this program; on Ctrl-C or at the deadline the
// child gets SIGINT, as from a terminal, and cleans up itself.
func runLab(ctx context.Context, e *env, o labOptions, args ...string) (labRun, error) {
	r, err := execLab(ctx, e, o, args...)
	if r.pid != 0 {
		labels := []string{engine.LabelPID + "=" + strconv.Itoa(r.pid), engine.LabelHost + "=" + hostname()}
		e.own(labels...)
		if n, lerr := e.removeLeftovers(labels...); lerr != nil || n > 0 {
			err = errors.Join(err, fmt.Errorf("lab %s left %d containers/networks behind (removed now): %v", args[0], n, lerr))
		}
	}
	return r, err
}

// execLab runs the lab binary and returns when it exits, without looking
// for leftovers.
func execLab(ctx context.Context, e *env, o labOptions, args ...string) (labRun, error) {
	if o.timeout == 0 {
		o.timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	name, argv := e.lab, args
	const rssPrefix = "bench-maxrss-kb="
	if o.rss {
		name, argv = "/usr/bin/time", append([]string{"-f", rssPrefix + "%M", e.lab}, args...)
	}
	cmd := exec.CommandContext(ctx, name, argv...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Env = o.env
	// The whole group: GNU time ignores SIGINT while its child runs.
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = 30 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	t0 := time.Now()
	err := cmd.Start()
	if err != nil {
		return labRun{}, fmt.Errorf("lab %s: %w", args[0], err)
	}
	r := labRun{pid: cmd.Process.Pid}
	if o.rss {
		// lab is GNU time's only child; its pid is what its containers
		// are labelled with.
		r.pid = childPid(cmd.Process.Pid)
	}
	if o.started != nil && r.pid != 0 {
		o.started(r.pid)
	}
	err = cmd.Wait()
	r.wall = time.Since(t0)
	r.stdout, r.stderr = stdout.String(), stderr.String()
	if o.rss {
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		last := lines[len(lines)-1]
		kb, perr := strconv.ParseFloat(strings.TrimPrefix(last, rssPrefix), 64)
		switch {
		case strings.HasPrefix(last, rssPrefix) && perr == nil:
			r.maxRSS = kb * 1024
			r.stderr = strings.Join(lines[:len(lines)-1], "\n")
		case err == nil:
			err = fmt.Errorf("read peak RSS (needs GNU time: apt-get install time): %q", last)
		}
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		r.code = ee.ExitCode()
		err = nil
	}
	if err != nil {
		return r, fmt.Errorf("lab %s: %w", strings.Join(args, " "), err)
	}
	accepted := o.codes
	if accepted == nil {
		accepted = []int{0}
	}
	for _, c := range accepted {
		if r.code == c {
			return r, nil
		}
	}
	return r, fmt.Errorf("lab %s: exit %d: %s", strings.Join(args, " "), r.code, lastLines(r.stderr+r.stdout, 5))
}

// childPid returns the pid of the first child of process pid, waiting for
// it to fork for up to a second; 0 when it has none by then.
func childPid(pid int) int {
	path := fmt.Sprintf("/proc/%d/task/%d/children", pid, pid)
	for range 200 {
		if b, err := os.ReadFile(path); err == nil {
			if f := strings.Fields(string(b)); len(f) > 0 {
				n, _ := strconv.Atoi(f[0])
				return n
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return 0
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}

// removeLeftovers force-removes the containers and networks that carry
// every one of labels ("key=value") and returns how many there were.
func (e *env) removeLeftovers(labels ...string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f := make(client.Filters).Add("label", labels...)
	cli := e.d.Client()
	cl, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return 0, err
	}
	nl, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, c := range cl.Items {
		if _, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
			errs = append(errs, err)
		}
	}
	for _, n := range nl.Items {
		if _, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil {
			errs = append(errs, err)
		}
	}
	return len(cl.Items) + len(nl.Items), errors.Join(errs...)
}

// newWorkspace writes a workspace of lab whose services do not run, as
// `lab start` followed by `lab stop` would leave it, with the lab's
// reference solution as the learner's files.
func newWorkspace(dir, lab string) error {
	if err := os.MkdirAll(filepath.Join(dir, workspace.StateDir), 0o755); err != nil {
		return err
	}
	w := &workspace.Workspace{Dir: dir, State: workspace.State{Lab: lab}}
	if err := w.Save(); err != nil {
		return err
	}
	return copySolution(dir, lab)
}

// copySolution copies every file of lab's `submission:` list from its
// reference solution into the workspace dir.
func copySolution(dir, lab string) error {
	l, err := loadLab(os.DirFS("labs"), lab)
	if err != nil {
		return err
	}
	return writeSolution(dir, l)
}

// writeSolution writes the files of l's `submission:` list from its
// reference solution into dir.
func writeSolution(dir string, l *labs.Lab) error {
	for _, f := range l.Submission {
		b, err := fs.ReadFile(l.FS(), path.Join(l.Solution, f.File))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, f.File), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
