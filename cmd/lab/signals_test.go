package main_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// startAndWaitForContainers starts the binary with args in dir and waits
// until it has created a container; it returns the running command.
func startAndWaitForContainers(t *testing.T, d *runner.Driver, c labCmd, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LAB_STATE_DIR="+c.state)
	cmd.Stdout, cmd.Stderr = &strings.Builder{}, &strings.Builder{}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pidLabel := fmt.Sprintf("%s=%d", engine.LabelPID, cmd.Process.Pid)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if cs, _, _ := d.List(context.Background(), pidLabel); len(cs) > 0 {
			return cmd
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatalf("lab %v created no container within 30s", args)
	return nil
}

func leftBy(t *testing.T, d *runner.Driver, pid int) int {
	cs, ns, err := d.List(context.Background(), fmt.Sprintf("%s=%d", engine.LabelPID, pid))
	if err != nil {
		t.Fatal(err)
	}
	return len(cs) + len(ns)
}

// TestInterruptCleansUp: SIGINT or SIGTERM while a cold check or a grade
// is starting or running removes everything that run created, and the run
// exits 130 (interrupted) with one line that says so: no report of the
// checks it interrupted, no engine errors, no "graded" summary.
func TestInterruptCleansUp(t *testing.T) {
	d := dockertest.Driver(t)
	bin := buildLab(t)
	tests := []struct {
		name string
		sig  syscall.Signal
		args func(dir string) []string
		// wait is how long after the first container the signal comes:
		// long enough, usually, to land in the checks rather than the
		// start; the outcome must be the same either way.
		wait time.Duration
	}{
		{"SIGINT during a cold check", syscall.SIGINT, func(dir string) []string {
			w := &workspace.Workspace{Dir: dir, State: workspace.State{Lab: "sql-index"}}
			if err := w.Save(); err != nil {
				t.Fatal(err)
			}
			return []string{"check", "-C", dir}
		}, 300 * time.Millisecond},
		{"SIGINT during a slow query of a check", syscall.SIGINT, func(dir string) []string {
			w := &workspace.Workspace{Dir: dir, State: workspace.State{Lab: "sql-join"}}
			if err := w.Save(); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(dir, "solution.sql"), "SELECT pg_sleep(30)")
			return []string{"check", "-C", dir}
		}, 4 * time.Second},
		{"SIGINT during lab start", syscall.SIGINT, func(dir string) []string {
			return []string{"start", "sql-index", filepath.Join(dir, "ws")}
		}, 300 * time.Millisecond},
		{"SIGTERM during a grade", syscall.SIGTERM, func(dir string) []string {
			for i := range 5 {
				writeFile(t, filepath.Join(dir, "subs", fmt.Sprint(i), "solution.sql"), "SELECT pg_sleep(30)")
			}
			return []string{"grade", "sql-join", filepath.Join(dir, "subs"), "-j", "2"}
		}, 4 * time.Second},
		// With --out, the reports of the interrupted submissions grade
		// the interruption: none is kept, and no output is written.
		{"SIGINT during a grade with --out", syscall.SIGINT, func(dir string) []string {
			for i := range 5 {
				writeFile(t, filepath.Join(dir, "subs", fmt.Sprint(i), "solution.sql"), "SELECT pg_sleep(30)")
			}
			return []string{"grade", "sql-join", filepath.Join(dir, "subs"), "-j", "2", "--format", "csv", "--out", filepath.Join(dir, "out")}
		}, 4 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c := labCmd{t: t, bin: bin, dir: dir, state: t.TempDir()}
			cmd := startAndWaitForContainers(t, d, c, tt.args(dir)...)
			time.Sleep(tt.wait)
			cmd.Process.Signal(tt.sig)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				t.Fatal("lab did not exit within 60s of the signal")
			}
			if code := cmd.ProcessState.ExitCode(); code != 130 {
				t.Errorf("an interrupted run exited %d, want 130 (interrupted)", code)
			}
			stdout, stderr := cmd.Stdout.(*strings.Builder).String(), cmd.Stderr.(*strings.Builder).String()
			if stdout != "" {
				t.Errorf("an interrupted run printed a report:\n%s", stdout)
			}
			if !strings.HasSuffix(stderr, "\ninterrupted; nothing left running\n") && stderr != "interrupted; nothing left running\n" {
				t.Errorf("stderr does not end with the interrupted line:\n%s", stderr)
			}
			for _, bad := range []string{"context canceled", "timeout", "limit", "graded", "http", "lab:"} {
				if strings.Contains(stderr, bad) {
					t.Errorf("misleading %q in the stderr of an interrupted run:\n%s", bad, stderr)
				}
			}
			if n := leftBy(t, d, cmd.Process.Pid); n > 0 {
				t.Errorf("%d containers and networks left after %s", n, tt.sig)
			}
			if kept, _ := filepath.Glob(filepath.Join(dir, "out", ".lab-journal", "sql-join", "*.json")); len(kept) > 0 {
				t.Errorf("results of interrupted submissions were kept: %v", kept)
			}
			if _, err := os.Stat(filepath.Join(dir, "out", "gradebook.csv")); err == nil {
				t.Error("an interrupted grade wrote its gradebook")
			}
		})
	}
}

// TestKilledRunIsFoundAndCollected: after SIGKILL, the next lab command
// notices the stale session and `lab gc --stale` removes it, leaving kept
// sessions (lab start) alone.
func TestKilledRunIsFoundAndCollected(t *testing.T) {
	d := dockertest.Driver(t)
	bin := buildLab(t)
	dir := t.TempDir()
	w := &workspace.Workspace{Dir: dir, State: workspace.State{Lab: "sql-index"}}
	if err := w.Save(); err != nil {
		t.Fatal(err)
	}
	c := labCmd{t: t, bin: bin, dir: dir, state: t.TempDir()}
	cmd := startAndWaitForContainers(t, d, c, "check", "-C", dir)
	cmd.Process.Kill()
	cmd.Wait()
	pid := cmd.Process.Pid
	if leftBy(t, d, pid) == 0 {
		t.Skip("the killed run had already removed its containers")
	}
	t.Cleanup(func() {
		// Whatever happens, nothing of the killed run stays.
		cs, _, _ := d.List(context.Background(), fmt.Sprintf("%s=%d", engine.LabelPID, pid))
		for range cs {
			d.GC(context.Background())
			break
		}
	})
	_, errOut, _ := c.run("doctor")
	if !strings.Contains(errOut, "lab gc --stale") {
		t.Errorf("the next command does not mention the stale session:\n%s", errOut)
	}
	out, errOut, code := c.run("gc", "--stale")
	if code != 0 || !strings.Contains(out, "process "+fmt.Sprint(pid)+" gone") {
		t.Errorf("gc --stale: exit %d\n%s%s", code, out, errOut)
	}
	if n := leftBy(t, d, pid); n > 0 {
		t.Errorf("%d objects of the killed run left after gc --stale", n)
	}
}
