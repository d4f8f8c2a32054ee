package cli

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/runner"
)

func TestNewCmdCheck(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     CheckOptions
		wantCode int
		wantErr  string
	}{
		{name: "defaults", args: nil, want: CheckOptions{Format: "terminal"}},
		{name: "live, json, folder", args: []string{"--live", "--format", "json", "-C", "ws"}, want: CheckOptions{Live: true, Format: "json", Dir: "ws"}},
		{name: "tsv", args: []string{"--format", "tsv"}, want: CheckOptions{Format: "tsv"}},
		{name: "unknown format", args: []string{"--format", "xml"}, wantCode: ExitUsage, wantErr: `--format "xml": use terminal, json or tsv`},
		{name: "an argument", args: []string{"sql-join"}, wantCode: ExitUsage, wantErr: "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			io, _, _ := TestStreams()
			var got *CheckOptions
			cmd := NewCmdCheck(&Deps{IO: io}, func(_ context.Context, o *CheckOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Out)
			cmd.SetErr(io.ErrOut)
			err := cmd.Execute()
			if tt.wantErr != "" {
				if ExitCode(err) != tt.wantCode || !strings.Contains(err.Error(), tt.wantErr) || got != nil {
					t.Fatalf("err = %v (exit %d, ran %v), want exit %d with %q and no run", err, ExitCode(err), got != nil, tt.wantCode, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Live != tt.want.Live || got.Format != tt.want.Format || got.Dir != tt.want.Dir {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func Test_checkRun(t *testing.T) {
	const solution = "SELECT name FROM customers"
	pass := joinReport(checks.Pass, checks.Pass)
	fail := joinReport(checks.Pass, checks.Fail)
	errored := joinReport(checks.Error, checks.Pass)
	tests := []struct {
		name     string
		tty      bool
		session  string // the workspace's session
		files    map[string]string
		running  *fakeEnv // the session that runs
		start    *fakeEnv // what a cold check starts
		startErr error
		opts     CheckOptions
		verbose  bool
		canceled bool
		// cancelDuring is Ctrl-C while the check runs: the runner returns
		// a report of errored checks.
		cancelDuring bool

		wantOut    string
		wantErrOut string
		wantExit   int
		wantErr    string
		// then, of the env that graded: was it closed, and what did it get
		wantClosed bool
		wantSub    runner.Submission
		wantLive   bool
		// what the workspace and the progress recorded
		wantFailing []string
		wantScore   int
		wantPassed  bool
	}{
		{
			name:     "cold check passes, piped",
			files:    map[string]string{"solution.sql": solution},
			start:    &fakeEnv{reports: []checks.Report{pass}},
			opts:     CheckOptions{Format: "tsv"},
			wantOut:  "pass\tseed-intact\t1\t1\npass\tmatches-reference\t3\t3\nscore\t4\t4\tpass\n",
			wantExit: ExitOK, wantClosed: true, wantSub: runner.Submission{"solution.sql": solution},
			wantScore: 4, wantPassed: true,
		},
		{
			name:  "a failed check, on a terminal",
			tty:   true,
			files: map[string]string{"solution.sql": solution},
			start: &fakeEnv{reports: []checks.Report{fail}},
			wantOut: "✓ seed-intact (1/1)\n✗ matches-reference (0/3)\n    3 rows differ from the reference\n" +
				"    hint: Name the columns name, orders and total_spent.\n\nscore 1/4 — 1 of 2 checks passed\n",
			wantExit: ExitFailed, wantClosed: true, wantSub: runner.Submission{"solution.sql": solution},
			wantFailing: []string{"matches-reference"}, wantScore: 1,
		},
		{
			// lab check | less: the same report as on a terminal, without
			// colour.
			name:  "a failed check, piped",
			files: map[string]string{"solution.sql": solution},
			start: &fakeEnv{reports: []checks.Report{fail}},
			wantOut: "✓ seed-intact (1/1)\n✗ matches-reference (0/3)\n    3 rows differ from the reference\n" +
				"    hint: Name the columns name, orders and total_spent.\n\nscore 1/4 — 1 of 2 checks passed\n",
			wantExit: ExitFailed, wantClosed: true, wantSub: runner.Submission{"solution.sql": solution},
			wantFailing: []string{"matches-reference"}, wantScore: 1,
		},
		{
			name:     "a failed check, --format tsv",
			files:    map[string]string{"solution.sql": solution},
			start:    &fakeEnv{reports: []checks.Report{fail}},
			opts:     CheckOptions{Format: "tsv"},
			wantOut:  "pass\tseed-intact\t1\t1\nfail\tmatches-reference\t0\t3\nmessage\tmatches-reference\t3 rows differ from the reference\nhint\tmatches-reference\tName the columns name, orders and total_spent.\nscore\t1\t4\tfail\n",
			wantExit: ExitFailed, wantClosed: true, wantSub: runner.Submission{"solution.sql": solution},
			wantFailing: []string{"matches-reference"}, wantScore: 1,
		},
		{
			name:     "json",
			files:    map[string]string{"solution.sql": solution},
			start:    &fakeEnv{reports: []checks.Report{fail}},
			opts:     CheckOptions{Format: "json"},
			wantOut:  `"status": "fail"`,
			wantExit: ExitFailed, wantClosed: true, wantSub: runner.Submission{"solution.sql": solution},
			wantFailing: []string{"matches-reference"}, wantScore: 1,
		},
		{
			name:     "errored checks only are the environment",
			start:    &fakeEnv{reports: []checks.Report{errored}},
			opts:     CheckOptions{Format: "tsv"},
			wantOut:  "error\tseed-intact\t0\t1\npass\tmatches-reference\t3\t3\nscore\t3\t4\terror\n",
			wantExit: ExitEnvironment, wantClosed: true, wantSub: runner.Submission{},
			wantFailing: []string{"seed-intact"}, wantScore: 3,
		},
		{
			name:     "the running session grades, and stays",
			session:  "s1",
			files:    map[string]string{"solution.sql": solution},
			running:  &fakeEnv{id: "s1", reports: []checks.Report{pass}},
			opts:     CheckOptions{Format: "tsv"},
			wantOut:  "pass\tseed-intact\t1\t1\npass\tmatches-reference\t3\t3\nscore\t4\t4\tpass\n",
			wantExit: ExitOK, wantSub: runner.Submission{"solution.sql": solution},
			wantScore: 4, wantPassed: true,
		},
		{
			name:     "--live grades the running session as it is",
			session:  "s1",
			running:  &fakeEnv{id: "s1", reports: []checks.Report{pass}},
			opts:     CheckOptions{Live: true, Format: "tsv"},
			wantOut:  "pass\tseed-intact\t1\t1\npass\tmatches-reference\t3\t3\nscore\t4\t4\tpass\n",
			wantExit: ExitOK, wantSub: runner.Submission{}, wantLive: true,
			wantScore: 4, wantPassed: true,
		},
		{
			name:       "a gone session: fresh services, said with --verbose",
			session:    "gone",
			start:      &fakeEnv{reports: []checks.Report{pass}},
			verbose:    true,
			opts:       CheckOptions{Format: "tsv"},
			wantOut:    "pass\tseed-intact\t1\t1\npass\tmatches-reference\t3\t3\nscore\t4\t4\tpass\n",
			wantErrOut: "session gone is gone (session gone has no containers); starting fresh services\nstarting sql-join for this check …\nchecked in …\n",
			wantExit:   ExitOK, wantClosed: true, wantSub: runner.Submission{},
			wantScore: 4, wantPassed: true,
		},
		{
			name:     "--live with nothing running",
			opts:     CheckOptions{Live: true},
			wantExit: ExitUsage,
			wantErr:  "--live grades running services, and none run; `lab start sql-join` first",
		},
		{
			name:     "services that would not start",
			startErr: &runner.EnvError{Err: errorString("start db: image ghcr.io/labrunner/postgres:15-c970d43c51a4 missing")},
			wantExit: ExitEnvironment,
			wantErr:  "start db: image ghcr.io/labrunner/postgres:15-c970d43c51a4 missing",
		},
		{
			name:     "interrupted while starting",
			start:    &fakeEnv{reports: []checks.Report{pass}},
			canceled: true,
			wantExit: ExitInterrupted,
			wantErr:  "start sql-join: context canceled",
		},
		{
			name:     "interrupted while checking",
			session:  "s1",
			running:  &fakeEnv{id: "s1", reports: []checks.Report{pass}},
			canceled: true,
			wantExit: ExitInterrupted,
			wantErr:  "context canceled",
			wantSub:  runner.Submission{},
		},
		{
			name:         "interrupted during the check: its report is neither shown nor recorded",
			session:      "s1",
			running:      &fakeEnv{id: "s1", reports: []checks.Report{errored}},
			cancelDuring: true,
			wantExit:     ExitInterrupted,
			wantErr:      "context canceled",
			wantSub:      runner.Submission{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			drv := &fakeDriver{start: tt.start, startErr: tt.startErr, running: tt.running}
			w := newWorkspaceTest(t, tt.tty, "sql-join", tt.session, tt.files, drv)
			w.deps.Verbose = tt.verbose
			opts := tt.opts
			if opts.Format == "" {
				opts.Format = "terminal"
			}
			opts.Deps, opts.Dir = w.deps, w.dir
			ctx, cancel := context.WithCancel(context.Background())
			if tt.canceled {
				cancel()
			}
			if tt.cancelDuring {
				tt.running.onCheck = func(int) { cancel() }
			}
			defer cancel()

			err := checkRun(ctx, &opts)
			if code := ExitCode(err); code != tt.wantExit {
				t.Errorf("exit %d (%v), want %d", code, err, tt.wantExit)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if opts.Format == "json" {
				if !strings.Contains(w.out.String(), tt.wantOut) {
					t.Errorf("stdout:\n%s\nwant it to hold %s", w.out, tt.wantOut)
				}
			} else if w.out.String() != tt.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", w.out, tt.wantOut)
			}
			if got := durations(w.errOut.String()); got != tt.wantErrOut {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, tt.wantErrOut)
			}
			if !drv.closed {
				t.Error("the driver was not closed")
			}
			env := tt.start
			if tt.running != nil {
				env = tt.running
			}
			if env != nil {
				if env.closed != tt.wantClosed {
					t.Errorf("lab env closed: %v, want %v", env.closed, tt.wantClosed)
				}
				if tt.wantSub != nil {
					if len(env.subs) != 1 || !maps.Equal(env.subs[0], tt.wantSub) {
						t.Errorf("checked %q, want one check of %q", env.subs, tt.wantSub)
					} else if env.opts[0].Live != tt.wantLive || env.opts[0].Name != "workspace" {
						t.Errorf("check options %+v, want live %v and name workspace", env.opts[0], tt.wantLive)
					}
				}
			}
			if slices.Contains(drv.kept, true) {
				t.Error("a check started services to keep")
			}

			st, lp := w.workspace(), w.progress("sql-join")
			if tt.wantScore == 0 && tt.wantFailing == nil {
				if lp != nil || st.LastMax != 0 {
					t.Errorf("recorded %+v and %+v for a check that did not run", st, lp)
				}
				return
			}
			if !slices.Equal(st.Failing, tt.wantFailing) || st.LastScore != tt.wantScore || st.LastMax != 4 {
				t.Errorf("workspace recorded failing %q, %d/%d; want %q, %d/4", st.Failing, st.LastScore, st.LastMax, tt.wantFailing, tt.wantScore)
			}
			if lp == nil || lp.Checks != 1 || lp.BestScore != tt.wantScore || lp.MaxScore != 4 || lp.Passed != tt.wantPassed {
				t.Errorf("progress %+v, want 1 check, best %d/4, passed %v", lp, tt.wantScore, tt.wantPassed)
			}
		})
	}
}

// TestCheckLocked: a check while another command holds the workspace is a
// usage error, and starts nothing.
func TestCheckLocked(t *testing.T) {
	drv := &fakeDriver{start: &fakeEnv{reports: []checks.Report{joinReport(checks.Pass, checks.Pass)}}}
	w := newWorkspaceTest(t, false, "sql-join", "", nil, drv)
	unlock, err := lockWorkspace(w.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	err = checkRun(context.Background(), &CheckOptions{Deps: w.deps, Dir: w.dir, Format: "terminal"})
	if ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), "another lab command") {
		t.Errorf("err = %v, want the lock's usage error", err)
	}
	if len(drv.kept) != 0 {
		t.Error("a locked check started services")
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }
