package main_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/runner/engine"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// buildLab builds the lab binary once for the tests of this package.
func buildLab(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "labrunner-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "lab")
		out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

type labCmd struct {
	t     *testing.T
	bin   string
	dir   string
	state string
}

// run runs the binary in dir and returns stdout, stderr and exit code.
func (c labCmd) run(args ...string) (string, string, int) {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LAB_STATE_DIR="+c.state, "NO_COLOR=1")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatalf("run lab %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// TestLearnerJourney drives the real binary through a learner's session:
// start → check (fail) → edit → check (pass) → hint → reset → stop, and
// proves that nothing is left running.
func TestLearnerJourney(t *testing.T) {
	d := dockertest.Driver(t)
	bin := buildLab(t)
	work := t.TempDir()
	c := labCmd{t: t, bin: bin, dir: work, state: filepath.Join(work, "state")}

	out, errOut, code := c.run("start", "sql-join")
	if code != 0 {
		t.Fatalf("start: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "postgres://learner:learner@127.0.0.1:") {
		t.Errorf("start does not print the learner's connection URL:\n%s", out)
	}
	ws := filepath.Join(work, "sql-join")
	st, err := workspace.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s := d.NewSession("sql-join")
		s.ID = st.State.Session
		s.Close(context.Background())
	})
	for _, f := range []string{"README.md", "solution.sql"} {
		if _, err := os.Stat(filepath.Join(ws, f)); err != nil {
			t.Errorf("workspace lacks %s: %v", f, err)
		}
	}
	c.dir = ws

	out, _, code = c.run("check")
	if code != 1 || !strings.Contains(out, "✗ matches-reference") {
		t.Errorf("check of the starter: exit %d, want 1\n%s", code, out)
	}
	out, _, _ = c.run("hint")
	if !strings.Contains(out, "LEFT JOIN") {
		t.Errorf("hint after a failing check does not give the tied hint:\n%s", out)
	}

	solution, err := os.ReadFile("../../labs/sql-join/solution/solution.sql")
	if err != nil {
		t.Fatal(err)
	}
	before := string(solution)
	if err := os.WriteFile(filepath.Join(ws, "solution.sql"), solution, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code = c.run("check", "--format", "json")
	if code != 0 || !strings.Contains(out, `"status": "pass"`) {
		t.Errorf("check of the solution: exit %d, want 0\n%s", code, out)
	}
	if b, _ := os.ReadFile(filepath.Join(ws, "solution.sql")); string(b) != before {
		t.Error("grading modified the learner's file")
	}

	if _, errOut, code = c.run("reset"); code != 0 || !strings.Contains(errOut, "reset to its seeded state") {
		t.Errorf("reset: exit %d: %s", code, errOut)
	}
	if out, _, code = c.run("status"); code != 0 || !strings.Contains(out, "last check\t3/3") {
		t.Errorf("status: exit %d:\n%s", code, out)
	}
	if out, _, _ = c.run("list"); !strings.Contains(out, "sql-join") {
		t.Logf("list:\n%s", out)
	}
	if _, errOut, code = c.run("stop"); code != 0 {
		t.Errorf("stop: exit %d: %s", code, errOut)
	}
	containers, networks, err := d.List(context.Background(), engine.LabelSession+"="+st.State.Session)
	if err != nil || len(containers)+len(networks) > 0 {
		t.Errorf("after stop: %d containers, %d networks left (%v)", len(containers), len(networks), err)
	}
	progress, err := workspace.LoadProgress(filepath.Join(c.state, "progress.json"))
	if err != nil {
		t.Fatal(err)
	}
	if lp := progress.Labs["sql-join"]; lp == nil || !lp.Passed || lp.HintsUsed == 0 {
		t.Errorf("progress = %+v", lp)
	}
}

// TestColdCheck grades a workspace whose services are not running: they
// are started for the check and removed afterwards.
func TestColdCheck(t *testing.T) {
	d := dockertest.Driver(t)
	bin := buildLab(t)
	ws := t.TempDir()
	w := &workspace.Workspace{Dir: ws, State: workspace.State{Lab: "sql-aggregate"}}
	if err := w.Save(); err != nil {
		t.Fatal(err)
	}
	sol, _ := os.ReadFile("../../labs/sql-aggregate/solution/solution.sql")
	os.WriteFile(filepath.Join(ws, "solution.sql"), sol, 0o644)
	c := labCmd{t: t, bin: bin, dir: ws, state: t.TempDir()}
	before, _, _ := d.List(context.Background(), engine.LabelLab+"=sql-aggregate")
	out, errOut, code := c.run("check")
	if code != 0 {
		t.Errorf("cold check: exit %d\n%s%s", code, out, errOut)
	}
	after, _, _ := d.List(context.Background(), engine.LabelLab+"=sql-aggregate")
	if len(after) > len(before) {
		t.Errorf("cold check left %d containers", len(after)-len(before))
	}
}

// TestDoctorWithoutDocker: an unreachable engine is exit 3 with one
// clear sentence.
func TestDoctorWithoutDocker(t *testing.T) {
	bin := buildLab(t)
	cmd := exec.Command(bin, "doctor")
	cmd.Env = append(os.Environ(), "DOCKER_HOST=unix:///nonexistent")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("exit = %v, want 3\n%s", err, out)
	}
	if !strings.Contains(string(out), "no Docker engine answers at DOCKER_HOST=unix:///nonexistent") {
		t.Errorf("output:\n%s", out)
	}
}

// TestWatch: `lab watch` checks once, again after a save (several quick
// saves make one check), and stops cleanly on SIGINT leaving the lab's
// services running for the learner, as `lab start` would.
func TestWatch(t *testing.T) {
	d := dockertest.Driver(t)
	bin := buildLab(t)
	ws := t.TempDir()
	w := &workspace.Workspace{Dir: ws, State: workspace.State{Lab: "sql-join"}}
	if err := w.Save(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(ws, "solution.sql"), "SELECT 1")
	cmd := exec.Command(bin, "watch", "--debounce", "200ms")
	cmd.Dir = ws
	cmd.Env = append(os.Environ(), "LAB_STATE_DIR="+t.TempDir())
	var out, errOut syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		if st, err := workspace.Open(ws); err == nil && st.State.Session != "" {
			s := d.NewSession("sql-join")
			s.ID = st.State.Session
			s.Close(context.Background())
		}
	})
	waitFor := func(what string, n int) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for strings.Count(errOut.String(), what) < n {
			if time.Now().After(deadline) {
				t.Fatalf("no %d× %q within 60s:\n%s\n%s", n, what, out.String(), errOut.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	waitFor("waiting for changes", 1)
	if !strings.Contains(out.String(), "✗ matches-reference") {
		t.Errorf("the first check does not fail the starter:\n%s", out.String())
	}
	sol, err := os.ReadFile("../../labs/sql-join/solution/solution.sql")
	if err != nil {
		t.Fatal(err)
	}
	for range 3 { // three quick saves, one check
		writeFile(t, filepath.Join(ws, "solution.sql"), string(sol))
	}
	waitFor("waiting for changes", 2)
	time.Sleep(500 * time.Millisecond)
	if n := strings.Count(errOut.String(), "checking …"); n != 2 {
		t.Errorf("%d checks for one burst of saves, want 2 in all", n)
	}
	if !strings.Contains(out.String(), "score 3/3") {
		t.Errorf("the check after the save does not pass:\n%s", out.String())
	}
	cmd.Process.Signal(syscall.SIGINT)
	if err := cmd.Wait(); err != nil {
		t.Errorf("watch after SIGINT: %v\n%s", err, errOut.String())
	}
	st, err := workspace.Open(ws)
	if err != nil || st.State.Session == "" {
		t.Fatalf("watch recorded no session: %v", err)
	}
	if c, _, _ := d.List(context.Background(), engine.LabelSession+"="+st.State.Session); len(c) == 0 {
		t.Error("watch removed the services it started; they are the learner's now")
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestShell: `lab shell db` opens psql in the lab database as the learner,
// on a terminal (script(1) provides one).
func TestShell(t *testing.T) {
	d := dockertest.Driver(t)
	scriptBin, err := exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) (util-linux) is needed to give lab shell a terminal")
	}
	bin := buildLab(t)
	work := t.TempDir()
	c := labCmd{t: t, bin: bin, dir: work, state: t.TempDir()}
	if out, errOut, code := c.run("start", "sql-join", "ws"); code != 0 {
		t.Fatalf("start: exit %d\n%s%s", code, out, errOut)
	}
	ws := filepath.Join(work, "ws")
	t.Cleanup(func() {
		if st, err := workspace.Open(ws); err == nil && st.State.Session != "" {
			s := d.NewSession("sql-join")
			s.ID = st.State.Session
			s.Close(context.Background())
		}
	})
	cmd := exec.Command(scriptBin, "-qec", bin+" shell db", "/dev/null")
	cmd.Dir = ws
	cmd.Env = append(os.Environ(), "LAB_STATE_DIR="+c.state)
	cmd.Stdin = strings.NewReader("\\pset pager off\nSELECT 40 + 2 AS answer, current_user, current_database();\n\\q\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("lab shell: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`42 \| learner +\| lab`).Match(out) {
		t.Errorf("psql did not answer as the learner in the lab database:\n%s", out)
	}
}
