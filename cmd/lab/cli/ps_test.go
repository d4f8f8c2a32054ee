package cli

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/runner/engine"
)

// sessionsTest is a machine with three kept sessions (one in a workspace
// that names it, one whose folder is gone, one whose workspace was started
// again) and two of other commands (one whose process is gone).
type sessionsTest struct {
	live, gone, moved string // the workspace folders
	drv               *fakeDriver
	w                 *wsTest
}

func newSessionsTest(t *testing.T, tty bool) *sessionsTest {
	t.Helper()
	drv := &fakeDriver{}
	w := newWorkspaceTest(t, tty, "sql-join", "aaaaaaaaaaaa", nil, drv)
	moved := t.TempDir()
	if err := (&workspace.Workspace{Dir: moved, State: workspace.State{Lab: "sql-index", Session: "dddddddddddd"}}).Save(); err != nil {
		t.Fatal(err)
	}
	st := &sessionsTest{live: w.dir, gone: filepath.Join(t.TempDir(), "deleted"), moved: moved, drv: drv, w: w}
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	drv.sessions = []engine.SessionInfo{
		{ID: "aaaaaaaaaaaa", Lab: "sql-join", Dir: st.live, Keep: true, Created: at, Containers: 1, Running: 1},
		{ID: "bbbbbbbbbbbb", Lab: "redis-cache-aside", Dir: st.gone, Keep: true, Created: at, Containers: 3, Running: 2},
		{ID: "cccccccccccc", Lab: "sql-index", Dir: moved, Keep: true, Created: at, Containers: 1, Running: 0},
		{ID: "dddddddddd00", Lab: "nginx-static", Keep: true, Created: at, Containers: 1, Running: 1},
		{ID: "eeeeeeeeeeee", Lab: "sql-join", PID: 42, Created: at, Containers: 1, Running: 1},
		{ID: "ffffffffffff", Lab: "sql-join", PID: 43, Stale: true, Created: at, Containers: 1, Running: 1},
	}
	return st
}

func Test_psRun(t *testing.T) {
	stamp := "2026-12-01T09:30:00Z"
	tests := []struct {
		name string
		tty  bool
		all  bool
		want func(st *sessionsTest) []string
	}{
		{name: "piped", want: func(st *sessionsTest) []string {
			return []string{
				"aaaaaaaaaaaa\tsql-join\trunning\t" + stamp + "\t" + st.live,
				"bbbbbbbbbbbb\tredis-cache-aside\t2/3 running\t" + stamp + "\t" + st.gone + " (orphan)",
				"cccccccccccc\tsql-index\tstopped\t" + stamp + "\t" + st.moved + " (orphan)",
				"dddddddddd00\tnginx-static\trunning\t" + stamp + "\t(unknown)",
			}
		}},
		{name: "piped, all", all: true, want: func(st *sessionsTest) []string {
			return []string{
				"aaaaaaaaaaaa\tsql-join\trunning\t" + stamp + "\t" + st.live,
				"bbbbbbbbbbbb\tredis-cache-aside\t2/3 running\t" + stamp + "\t" + st.gone + " (orphan)",
				"cccccccccccc\tsql-index\tstopped\t" + stamp + "\t" + st.moved + " (orphan)",
				"dddddddddd00\tnginx-static\trunning\t" + stamp + "\t(unknown)",
				"eeeeeeeeeeee\tsql-join\tin use (pid 42)\t" + stamp + "\t-",
				"ffffffffffff\tsql-join\tstale\t" + stamp + "\t-",
			}
		}},
		{name: "terminal", tty: true, want: func(st *sessionsTest) []string {
			local := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC).Local().Format("2006-01-02 15:04")
			return []string{
				"SESSION LAB STATE STARTED FOLDER",
				"aaaaaaaaaaaa sql-join running " + local + " " + st.live,
				"bbbbbbbbbbbb redis-cache-aside 2/3 running " + local + " " + st.gone + " (orphan)",
				"cccccccccccc sql-index stopped " + local + " " + st.moved + " (orphan)",
				"dddddddddd00 nginx-static running " + local + " (unknown)",
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newSessionsTest(t, tt.tty)
			if err := psRun(context.Background(), &PSOptions{Deps: st.w.deps, All: tt.all}); err != nil {
				t.Fatal(err)
			}
			got := outputLines(st.w.out.String())
			if tt.tty {
				for i := range got {
					got[i] = collapseSpaces(got[i])
				}
			}
			if want := tt.want(st); !slices.Equal(got, want) {
				t.Errorf("stdout:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if tt.tty && !strings.Contains(st.w.errOut.String(), "stop it with `lab stop <session>`") {
				t.Errorf("stderr %q does not say how to stop an orphan", st.w.errOut)
			}
		})
	}
}

func Test_psRunNone(t *testing.T) {
	w := newWorkspaceTest(t, true, "sql-join", "", nil, &fakeDriver{})
	if err := psRun(context.Background(), &PSOptions{Deps: w.deps}); err != nil {
		t.Fatal(err)
	}
	if w.out.String() != "" || w.errOut.String() != "no labs running; `lab start <lab>` starts one\n" {
		t.Errorf("stdout %q, stderr %q", w.out, w.errOut)
	}
}

// Test_stopRunTargets: lab stop takes a folder or a session, so that an
// orphan is stopped alone.
func Test_stopRunTargets(t *testing.T) {
	tests := []struct {
		name        string
		target      func(st *sessionsTest) string
		wantStopped []string
		wantErrOut  func(st *sessionsTest) string
		wantErr     string
	}{
		{name: "an orphan, by its session",
			target:      func(*sessionsTest) string { return "bbbbbbbbbbbb" },
			wantStopped: []string{"bbbbbbbbbbbb"},
			wantErrOut: func(st *sessionsTest) string {
				return "session bbbbbbbbbbbb of redis-cache-aside stopped (…); its folder was " + st.gone + "\n"
			}},
		{name: "a workspace's session, by a prefix",
			target:      func(*sessionsTest) string { return "aaaa" },
			wantStopped: []string{"aaaaaaaaaaaa"},
			wantErrOut: func(st *sessionsTest) string {
				return "session aaaaaaaaaaaa of sql-join stopped (…); your files are in " + st.live + "\n"
			}},
		{name: "a folder",
			target:      func(st *sessionsTest) string { return st.live },
			wantStopped: []string{"aaaaaaaaaaaa"},
			wantErrOut: func(st *sessionsTest) string {
				return "sql-join stopped (…); your files are in " + st.live + "\n"
			}},
		{name: "no such session", target: func(*sessionsTest) string { return "abcdef" },
			wantErr: "no session abcdef on this machine; `lab ps --all` lists them"},
		{name: "neither", target: func(*sessionsTest) string { return "no-such-folder" },
			wantErr: `"no-such-folder" is neither a folder nor a session id`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newSessionsTest(t, false)
			err := stopRun(context.Background(), &StopOptions{Deps: st.w.deps, Target: tt.target(st)})
			if tt.wantErr != "" {
				if ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), tt.wantErr) || len(st.drv.stopped) != 0 {
					t.Errorf("err = %v, stopped %v; want a usage error containing %q", err, st.drv.stopped, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(st.drv.stopped, tt.wantStopped) {
				t.Errorf("stopped %v, want %v", st.drv.stopped, tt.wantStopped)
			}
			if want := tt.wantErrOut(st); durations(st.w.errOut.String()) != want {
				t.Errorf("stderr %q, want %q", st.w.errOut, want)
			}
			if st.drv.stopped[0] == "aaaaaaaaaaaa" && st.w.workspace().Session != "" {
				t.Errorf("the workspace still names the stopped session")
			}
		})
	}
}

// Test_statusOverview: outside a workspace, lab status lists the running
// labs and the learner's progress.
func Test_statusOverview(t *testing.T) {
	st := newSessionsTest(t, false)
	p, err := workspace.LoadProgress(filepath.Join(st.w.state, "progress.json"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	p.RecordCheck("sql-join", 4, 4, true, at)
	p.RecordCheck("sql-index", 1, 3, false, at)
	p.Lab("sql-index").HintsUsed = 2
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	if err := statusRun(context.Background(), &StatusOptions{Deps: st.w.deps}); err != nil {
		t.Fatal(err)
	}
	local := func(tm time.Time) string { return tm.Local().Format("2006-01-02 15:04") }
	started := local(time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC))
	want := []string{
		"running labs",
		"SESSION LAB STATE STARTED FOLDER",
		"aaaaaaaaaaaa sql-join running " + started + " " + st.live,
		"bbbbbbbbbbbb redis-cache-aside 2/3 running " + started + " " + st.gone + " (orphan)",
		"cccccccccccc sql-index stopped " + started + " " + st.moved + " (orphan)",
		"dddddddddd00 nginx-static running " + started + " (unknown)",
		"progress",
		"LAB STATUS BEST CHECKS HINTS LAST CHECKED",
		"sql-index started 1/3 1 2 " + local(at),
		"sql-join passed 4/4 1 0 " + local(at),
	}
	if out := st.w.out.String(); !strings.Contains(out, "\n  SESSION") || !strings.Contains(out, "\n  sql-join ") {
		t.Errorf("the tables are not indented under their headings:\n%s", out)
	}
	got := outputLines(st.w.out.String())
	for i := range got {
		got[i] = collapseSpaces(got[i])
	}
	if len(got) != len(want)+1 || !slices.Equal(got[:len(want)], want) || !strings.HasPrefix(got[len(want)], "passed 1 of the catalog's ") {
		t.Errorf("stdout:\n%s\nwant:\n%s\npassed 1 of the catalog's …", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Test_statusOverviewNoEngine: without an engine the overview still shows
// the progress, and says why it cannot list the running labs.
func Test_statusOverviewNoEngine(t *testing.T) {
	w := newWorkspaceTest(t, false, "sql-join", "", nil, nil)
	w.deps.NewDriver = func(context.Context) (labDriver, error) {
		return nil, errors.New("no Docker engine answers")
	}
	t.Chdir(t.TempDir())
	if err := statusRun(context.Background(), &StatusOptions{Deps: w.deps}); err != nil {
		t.Fatal(err)
	}
	want := "running labs\n  unknown: no Docker engine answers\nprogress\n  no lab checked yet (`lab list` shows the catalog)\n"
	if w.out.String() != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", w.out, want)
	}
}

func TestNewCmdStop(t *testing.T) {
	tests := []struct {
		args       []string
		wantDir    string
		wantTarget string
		wantUsage  bool
	}{
		{args: nil},
		{args: []string{"-C", "ws"}, wantDir: "ws"},
		{args: []string{"3f2a9c41d0b7"}, wantTarget: "3f2a9c41d0b7"},
		{args: []string{"-C", "ws", "3f2a9c41d0b7"}, wantUsage: true},
		{args: []string{"a", "b"}, wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			io, _, _ := TestStreams()
			var got *StopOptions
			cmd := NewCmdStop(&Deps{IO: io}, func(_ context.Context, o *StopOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Out)
			cmd.SetErr(io.ErrOut)
			err := cmd.Execute()
			if tt.wantUsage {
				if ExitCode(err) != ExitUsage || got != nil {
					t.Errorf("err = %v, ran %v; want a usage error and no run", err, got != nil)
				}
				return
			}
			if err != nil || got.Dir != tt.wantDir || got.Target != tt.wantTarget {
				t.Errorf("err %v, options %+v; want Dir %q, Target %q", err, got, tt.wantDir, tt.wantTarget)
			}
		})
	}
}

func TestNewCmdPS(t *testing.T) {
	io, _, _ := TestStreams()
	var got *PSOptions
	cmd := NewCmdPS(&Deps{IO: io}, func(_ context.Context, o *PSOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"-a", "--json"})
	if err := cmd.Execute(); err != nil || !got.All || !got.JSON {
		t.Errorf("err %v, options %+v; want All and JSON", err, got)
	}
	got = nil
	cmd.SetArgs([]string{"sql-join"})
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	if err := cmd.Execute(); ExitCode(err) != ExitUsage || got != nil {
		t.Errorf("an argument: %v; want a usage error", err)
	}
}

// Test_psRunJSON: --json gives every field of a session.
func Test_psRunJSON(t *testing.T) {
	st := newSessionsTest(t, false)
	if err := psRun(context.Background(), &PSOptions{Deps: st.w.deps, JSON: true}); err != nil {
		t.Fatal(err)
	}
	var got []psEntry
	if err := json.Unmarshal(st.w.out.Bytes(), &got); err != nil {
		t.Fatalf("%v:\n%s", err, st.w.out)
	}
	if len(got) != 4 || got[0].Session != "aaaaaaaaaaaa" || got[0].Folder != st.live || got[0].Orphan ||
		!got[1].Orphan || got[1].State != "2/3 running" || got[1].Containers != 3 || got[1].Running != 2 {
		t.Errorf("got %+v", got)
	}
}
