package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/runner"
)

func TestNewCmdWatch(t *testing.T) {
	io, _, _ := TestStreams()
	var got *WatchOptions
	cmd := NewCmdWatch(&Deps{IO: io}, func(_ context.Context, o *WatchOptions) error { got = o; return nil })
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil || got.Debounce != 300*time.Millisecond {
		t.Fatalf("err %v, options %+v; want the 300ms debounce", err, got)
	}
	cmd.SetArgs([]string{"--debounce", "1s", "-C", "ws"})
	if err := cmd.Execute(); err != nil || got.Debounce != time.Second || got.Dir != "ws" {
		t.Fatalf("err %v, options %+v; want 1s in ws", err, got)
	}
	// A flag's bad value is made a usage error by the root command.
	io, _, errOut := TestStreams()
	if code := Main(context.Background(), []string{"watch", "--debounce", "soon"}, &Deps{IO: io, Getenv: func(string) string { return "" }}); code != ExitUsage ||
		!strings.Contains(errOut.String(), `invalid argument "soon" for "--debounce" flag`) || !strings.Contains(errOut.String(), "See 'lab watch --help'.") {
		t.Errorf("a bad duration: exit %d, stderr %q; want a usage error", code, errOut)
	}
}

// Test_watchRun drives watch with a fake lab env: its first check saves
// the solution (as the learner would), and the check that follows ends the
// watch by cancelling its context, as Ctrl-C does.
func Test_watchRun(t *testing.T) {
	// Piped or not, each check prints the human report (without colour
	// here).
	const watchedFailThenPass = "✓ seed-intact (1/1)\n✗ matches-reference (0/3)\n    3 rows differ from the reference\n" +
		"    hint: Name the columns name, orders and total_spent.\n\nscore 1/4 — 1 of 2 checks passed\n" +
		"✓ seed-intact (1/1)\n✓ matches-reference (3/3)\n\nscore 4/4 — 2 of 2 checks passed\n"
	fail := joinReport(checks.Pass, checks.Fail)
	pass := joinReport(checks.Pass, checks.Pass)
	const starter, solution = "SELECT 1", "SELECT name FROM customers"
	tests := []struct {
		name    string
		session string
		running bool // the workspace's session runs
		// checkErr makes every check fail to run
		checkErr    error
		wantStarted bool
		wantOut     string
		wantErrOut  string
		wantChecks  int
	}{
		{
			name:        "starts the lab, checks, checks again after a save",
			wantStarted: true,
			wantOut:     watchedFailThenPass,
			wantErrOut:  "starting sql-join …\n\n── … checking …\n── waiting for changes (Ctrl-C to stop)\n\n── … checking …\n── waiting for changes (Ctrl-C to stop)\n",
			wantChecks:  2,
		},
		{
			name:       "uses the running lab",
			session:    "s1",
			running:    true,
			wantOut:    watchedFailThenPass,
			wantErrOut: "\n── … checking …\n── waiting for changes (Ctrl-C to stop)\n\n── … checking …\n── waiting for changes (Ctrl-C to stop)\n",
			wantChecks: 2,
		},
		{
			name:       "a check that cannot run is said, and the watch goes on",
			session:    "s1",
			running:    true,
			checkErr:   &runner.EnvError{Err: errorString("apply solution.sql: connection refused")},
			wantErrOut: "\n── … checking …\nlab: apply solution.sql: connection refused\n" + envAdvice + "\n── … checking …\nlab: apply solution.sql: connection refused\n" + envAdvice,
			wantChecks: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			env := &fakeEnv{id: "s-new", reports: []checks.Report{fail, pass}, checkErr: tt.checkErr}
			drv := &fakeDriver{start: env}
			if tt.running {
				env.id = tt.session
				drv.start, drv.running = nil, env
			}
			w := newWorkspaceTest(t, false, "sql-join", tt.session, map[string]string{"solution.sql": starter}, drv)
			env.onCheck = func(n int) {
				if n == 1 {
					if err := os.WriteFile(filepath.Join(w.dir, "solution.sql"), []byte(solution), 0o644); err != nil {
						t.Error(err)
					}
				}
			}
			// Ctrl-C once the second check has been reported: a Ctrl-C
			// during a check drops its report (TestWatchInterruptedCheck).
			w.deps.IO.ErrOut = &cancelAfter{w: w.errOut, n: 2, cancel: cancel}
			done := make(chan error, 1)
			go func() { done <- watchRun(ctx, &WatchOptions{Deps: w.deps, Dir: w.dir, Debounce: time.Millisecond}) }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("watch ended with %v, want nil (Ctrl-C is how it stops)", err)
				}
			case <-time.After(10 * time.Second):
				cancel()
				t.Fatal("watch did not check again after a save")
			}
			if w.out.String() != tt.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", w.out, tt.wantOut)
			}
			if got := timeOfDay.ReplaceAllString(w.errOut.String(), "…"); got != tt.wantErrOut {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, tt.wantErrOut)
			}
			if len(env.subs) != tt.wantChecks || env.subs[0]["solution.sql"] != starter || env.subs[1]["solution.sql"] != solution {
				t.Errorf("checked %q, want the starter then the saved solution", env.subs)
			}
			if env.closed {
				t.Error("watch closed the lab; its services are the learner's")
			}
			st := w.workspace()
			if tt.wantStarted {
				if len(drv.kept) != 1 || !drv.kept[0] || st.Session != "s-new" || st.Started.IsZero() {
					t.Errorf("started %v, workspace session %q since %v; want one kept start recorded as s-new", drv.kept, st.Session, st.Started)
				}
			} else if len(drv.kept) != 0 || st.Session != tt.session {
				t.Errorf("started %v, session %q; want the running lab %s used", drv.kept, st.Session, tt.session)
			}
			if tt.checkErr == nil {
				if lp := w.progress("sql-join"); lp == nil || lp.Checks != 2 || !lp.Passed || st.LastScore != 4 || st.Failing != nil {
					t.Errorf("progress %+v, workspace %+v; want 2 checks recorded, the last passing", lp, st)
				}
			}
		})
	}
}

// TestWatchStartFails: services that would not start end the watch with
// an environment error, and no session is recorded.
func TestWatchStartFails(t *testing.T) {
	drv := &fakeDriver{startErr: &runner.EnvError{Err: errorString("start db: no such image")}}
	w := newWorkspaceTest(t, false, "sql-join", "", nil, drv)
	err := watchRun(context.Background(), &WatchOptions{Deps: w.deps, Dir: w.dir, Debounce: time.Millisecond})
	if ExitCode(err) != ExitEnvironment || !strings.Contains(err.Error(), "no such image") {
		t.Errorf("err = %v, want the start's environment error", err)
	}
	if st := w.workspace(); st.Session != "" {
		t.Errorf("recorded session %q of a lab that did not start", st.Session)
	}
}

// cancelAfter writes to w and calls cancel once n reports of a check
// (a "waiting for changes" line or an error) have been written.
type cancelAfter struct {
	w      io.Writer
	n      int
	cancel func()
}

func (c *cancelAfter) Write(p []byte) (int, error) {
	if strings.Contains(string(p), "── waiting for changes") || strings.HasPrefix(string(p), "lab: ") {
		if c.n--; c.n == 0 {
			c.cancel()
		}
	}
	return c.w.Write(p)
}

// TestWatchInterruptedCheck: Ctrl-C during a check ends the watch with no
// report of that check and no error line: the result is the
// interruption's, not the learner's.
func TestWatchInterruptedCheck(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := &fakeEnv{id: "s1", reports: []checks.Report{joinReport(checks.Pass, checks.Error)}}
	env.onCheck = func(int) { cancel() }
	drv := &fakeDriver{running: env}
	w := newWorkspaceTest(t, false, "sql-join", "s1", map[string]string{"solution.sql": "SELECT 1"}, drv)
	if err := watchRun(ctx, &WatchOptions{Deps: w.deps, Dir: w.dir, Debounce: time.Millisecond}); err != nil {
		t.Errorf("watch ended with %v, want nil", err)
	}
	if w.out.Len() != 0 || strings.Contains(w.errOut.String(), "lab:") {
		t.Errorf("an interrupted check was reported:\nstdout %q\nstderr %q", w.out, w.errOut)
	}
	if lp := w.progress("sql-join"); lp != nil {
		t.Errorf("an interrupted check was recorded: %+v", lp)
	}
}
