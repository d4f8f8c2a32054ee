package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/runner"
)

func TestNewCmdReset(t *testing.T) {
	io, _, _ := TestStreams()
	var got *ResetOptions
	cmd := NewCmdReset(&Deps{IO: io}, func(_ context.Context, o *ResetOptions) error { got = o; return nil })
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	cmd.SetArgs([]string{"-C", "ws"})
	if err := cmd.Execute(); err != nil || got.Dir != "ws" {
		t.Fatalf("err %v, options %+v; want Dir ws", err, got)
	}
	got = nil
	cmd.SetArgs([]string{"db"})
	if err := cmd.Execute(); ExitCode(err) != ExitUsage || got != nil {
		t.Errorf("an argument: %v, ran %v; want a usage error and no run", err, got != nil)
	}
}

func Test_resetRun(t *testing.T) {
	tests := []struct {
		name       string
		tty        bool
		session    string
		running    *fakeEnv
		canceled   bool
		wantOut    string
		wantErrOut string
		wantExit   int
		wantErr    string
		wantResets int
	}{
		{
			name:       "running",
			session:    "s1",
			running:    &fakeEnv{id: "s1"},
			wantErrOut: "sql-join reset to its seeded state (…)\n",
			wantExit:   ExitOK,
			wantResets: 1,
		},
		{
			name:       "running, on a terminal",
			tty:        true,
			session:    "s1",
			running:    &fakeEnv{id: "s1"},
			wantErrOut: "sql-join reset to its seeded state (…)\n",
			wantExit:   ExitOK,
			wantResets: 1,
		},
		{
			name:     "stopped",
			wantExit: ExitUsage,
			wantErr:  "sql-join is not running; `lab start sql-join` first",
		},
		{
			name:     "its session is gone",
			session:  "gone",
			wantExit: ExitEnvironment,
			wantErr:  "session gone has no containers",
		},
		{
			name:       "the reset fails",
			session:    "s1",
			running:    &fakeEnv{id: "s1", resetErr: &runner.EnvError{Err: errorString("reset db: connection refused")}},
			wantExit:   ExitEnvironment,
			wantErr:    "reset db: connection refused",
			wantResets: 1,
		},
		{
			name:       "interrupted",
			session:    "s1",
			running:    &fakeEnv{id: "s1", resetErr: context.Canceled},
			wantExit:   ExitInterrupted,
			wantResets: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			drv := &fakeDriver{running: tt.running}
			w := newWorkspaceTest(t, tt.tty, "sql-join", tt.session, nil, drv)
			err := resetRun(context.Background(), &ResetOptions{Deps: w.deps, Dir: w.dir})
			if code := ExitCode(err); code != tt.wantExit {
				t.Errorf("exit %d (%v), want %d", code, err, tt.wantExit)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if w.out.String() != tt.wantOut {
				t.Errorf("stdout %q, want %q", w.out, tt.wantOut)
			}
			if got := durations(w.errOut.String()); got != tt.wantErrOut {
				t.Errorf("stderr %q, want %q", got, tt.wantErrOut)
			}
			if !drv.closed && tt.wantExit != ExitUsage && tt.wantExit != ExitEnvironment {
				t.Error("the driver was not closed")
			}
			if tt.running != nil {
				if tt.running.resets != tt.wantResets || tt.running.closed {
					t.Errorf("%d resets, closed %v; want %d resets and the lab left running", tt.running.resets, tt.running.closed, tt.wantResets)
				}
			}
			if len(drv.kept) != 0 {
				t.Error("reset started services")
			}
		})
	}
}

// Test_resetRunFiles: reset --files puts the starter back after a backup
// of the learner's file, says where that is, and needs no running
// services.
func Test_resetRunFiles(t *testing.T) {
	starter, err := os.ReadFile("../../../labs/sql-join/starter/solution.sql")
	if err != nil {
		t.Fatal(err)
	}
	drv := &fakeDriver{}
	w := newWorkspaceTest(t, false, "sql-join", "", map[string]string{"solution.sql": "SELECT 'mine';\n"}, drv)
	t.Chdir(w.dir)
	if err := resetRun(context.Background(), &ResetOptions{Deps: w.deps, Files: true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(w.dir, "solution.sql")); string(b) != string(starter) {
		t.Errorf("solution.sql is %q, want the starter", b)
	}
	backups, _ := filepath.Glob(filepath.Join(w.dir, ".lab", "backup", "*", "solution.sql"))
	if len(backups) != 1 {
		t.Fatalf("backups %v, want one", backups)
	}
	if b, _ := os.ReadFile(backups[0]); string(b) != "SELECT 'mine';\n" {
		t.Errorf("the backup holds %q, want the learner's file", b)
	}
	rel, _ := filepath.Rel(w.dir, filepath.Dir(backups[0]))
	if want := "restored solution.sql to the starter\nyour versions are in " + rel + "\n"; w.errOut.String() != want {
		t.Errorf("stderr %q, want %q", w.errOut, want)
	}
	if len(drv.kept) != 0 || drv.closed {
		t.Errorf("reset --files touched the engine")
	}
	w.errOut.Reset()
	if err := resetRun(context.Background(), &ResetOptions{Deps: w.deps, Files: true}); err != nil {
		t.Fatal(err)
	}
	if want := "your files are the starter's already; nothing to restore\n"; w.errOut.String() != want {
		t.Errorf("a second reset --files: stderr %q, want %q", w.errOut, want)
	}
}
