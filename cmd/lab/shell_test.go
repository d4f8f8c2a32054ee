package main_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/internal/workspace"
)

// tmuxServers counts the tmux servers this process started, to name each.
var tmuxServers atomic.Int32

// tmuxTerm is a detached tmux session on a private server: a real
// terminal of a known size to run lab in.
type tmuxTerm struct {
	t *testing.T
	// socket is the server's socket file.
	socket string
}

// newTmux starts cmdline in a tmux window of width×height in dir. tmux
// is a test dependency (scripts/test-deps.sh); without it the test skips,
// and fails when CI=true.
func newTmux(t *testing.T, dir string, width, height int, env []string, cmdline ...string) *tmuxTerm {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true and no tmux: run scripts/test-deps.sh")
		}
		t.Skip("\n*** SKIPPING: no tmux (scripts/test-deps.sh installs it)")
	}
	// The server's socket lives in the test's folder, removed with it.
	tm := &tmuxTerm{t: t, socket: filepath.Join(t.TempDir(), fmt.Sprintf("tmux-%d", tmuxServers.Add(1)))}
	args := []string{"new-session", "-d", "-s", "t", "-x", fmt.Sprint(width), "-y", fmt.Sprint(height), "-c", dir}
	for _, e := range env {
		args = append(args, "-e", e)
	}
	tm.tmux(append(args, cmdline...)...)
	t.Cleanup(func() { exec.Command("tmux", "-S", tm.socket, "kill-server").Run() })
	// The status line would take a row of the window from the pane.
	tm.tmux("set-option", "-t", "t", "status", "off")
	return tm
}

// tmux runs a tmux command on the private server and returns its output.
func (tm *tmuxTerm) tmux(args ...string) string {
	tm.t.Helper()
	cmd := exec.Command("tmux", append([]string{"-S", tm.socket}, args...)...)
	cmd.Env = append(os.Environ(), "TMUX=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// paneSize is the pane's size as tmux knows it: "rows cols", the form
// stty size prints.
func (tm *tmuxTerm) paneSize() string {
	return strings.TrimSpace(tm.tmux("display-message", "-p", "-t", "t", "#{pane_height} #{pane_width}"))
}

// waitFor waits until the pane shows a line matching re, and returns the
// last such line; it fails the test after a minute.
func (tm *tmuxTerm) waitFor(re *regexp.Regexp, what string) string {
	tm.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		screen := tm.tmux("capture-pane", "-p", "-t", "t")
		if m := re.FindAllString(screen, -1); len(m) > 0 {
			return m[len(m)-1]
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the pane never showed %s:\n%s", what, screen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestShellTerminalSize: inside `lab shell`, the program sees the size of
// the terminal lab runs in, from the start and after a resize. Docker
// 20.10 (API 1.41) ignores the console size given when an exec starts, so
// a shell got 0×0 and psql paged even a 3-row result.
func TestShellTerminalSize(t *testing.T) {
	d := dockertest.Driver(t)
	bin := buildLab(t)
	work := t.TempDir()
	c := labCmd{t: t, bin: bin, dir: work, state: filepath.Join(work, "state")}
	if out, errOut, code := c.run("start", "sql-join"); code != 0 {
		t.Fatalf("start: exit %d\n%s%s", code, out, errOut)
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

	tm := newTmux(t, ws, 97, 31, []string{"NO_COLOR=1"}, bin, "shell", "db")
	tm.waitFor(regexp.MustCompile(`(?m)^lab=> ?$`), "psql's prompt")
	// stty size prints "rows cols"; the marker tells the two runs apart.
	stty := func(marker string) string {
		t.Helper()
		tm.tmux("send-keys", "-t", "t", `\! echo `+marker+`-$(stty size | tr ' ' x)`, "Enter")
		got := tm.waitFor(regexp.MustCompile(`(?m)^`+marker+`-\d+x\d+$`), "stty size's output")
		return strings.ReplaceAll(strings.TrimPrefix(got, marker+"-"), "x", " ")
	}
	if got, want := stty("start"), tm.paneSize(); got != want {
		t.Errorf("stty size in lab shell printed %q; the pane is %q", got, want)
	}
	// A resize reaches the shell (SIGWINCH, then a resize of the exec).
	tm.tmux("resize-window", "-t", "t", "-x", "83", "-y", "27")
	want := tm.paneSize()
	if want != "27 83" {
		t.Fatalf("tmux did not resize the pane: %q", want)
	}
	if got := stty("resized"); got != want {
		t.Errorf("after a resize stty size printed %q; the pane is %q", got, want)
	}
	tm.tmux("send-keys", "-t", "t", `\q`, "Enter")
}

// TestShellSeesCurrentFiles: `lab shell app` finds the learner's program
// as it is in the workspace now, not the copy of the last check (or none,
// before a first check).
func TestShellSeesCurrentFiles(t *testing.T) {
	d := dockertest.Driver(t)
	bin := buildLab(t)
	work := t.TempDir()
	c := labCmd{t: t, bin: bin, dir: work, state: filepath.Join(work, "state")}
	if out, errOut, code := c.run("start", "redis-rate-limit"); code != 0 {
		t.Fatalf("start: exit %d\n%s%s", code, out, errOut)
	}
	ws := filepath.Join(work, "redis-rate-limit")
	st, err := workspace.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s := d.NewSession("redis-rate-limit")
		s.ID = st.State.Session
		s.Close(context.Background())
	})
	edit := func(marker string) {
		t.Helper()
		p := filepath.Join(ws, "limiter.py")
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, append(b, []byte("\n# "+marker+"\n")...), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("edited-before-any-check")
	tm := newTmux(t, ws, 100, 30, nil, bin, "shell", "app")
	tm.tmux("send-keys", "-t", "t", `echo "in $(pwd): $(grep -c edited- limiter.py) edits"`, "Enter")
	if got := tm.waitFor(regexp.MustCompile(`(?m)^in /app: \d* edits$`), "the count of edits"); got != "in /app: 1 edits" {
		t.Errorf("before any check, the shell found %q; want the edited file in /app", got)
	}
	tm.tmux("send-keys", "-t", "t", "exit", "Enter")

	// After a check, a later edit is what the next shell finds.
	c.dir = ws
	c.run("check")
	edit("edited-after-the-check")
	tm2 := newTmux(t, ws, 100, 30, nil, bin, "shell", "app")
	tm2.tmux("send-keys", "-t", "t", `echo "now $(grep -c edited- limiter.py) edits"`, "Enter")
	if got := tm2.waitFor(regexp.MustCompile(`(?m)^now \d* edits$`), "the count of edits"); got != "now 2 edits" {
		t.Errorf("after a check and an edit, the shell found %q; want the file as edited", got)
	}
	tm2.tmux("send-keys", "-t", "t", "exit", "Enter")
}
