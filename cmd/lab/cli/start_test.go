package cli

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Test_startRunResumes: inside a workspace, `lab start` with or without
// its lab id resumes that workspace; it never nests a new one in it.
func Test_startRunResumes(t *testing.T) {
	tests := []struct {
		name    string
		lab     string
		sub     string // the folder inside the workspace it runs in
		session string // the session the workspace remembers
		wantErr string // a usage error containing this; "" for a resume
	}{
		{name: "no id", lab: ""},
		{name: "its own id", lab: "sql-join"},
		{name: "from a subfolder", lab: "sql-join", sub: "notes"},
		{name: "its session is gone", lab: "", session: "gone"},
		{name: "another lab's id", lab: "sql-index",
			wantErr: `the current folder is in the workspace of lab "sql-join"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := &fakeEnv{id: "s-new", services: sqlJoinServices}
			drv := &fakeDriver{start: env}
			w := newWorkspaceTest(t, false, "sql-join", tt.session, map[string]string{"solution.sql": "SELECT 1;"}, drv)
			cwd := filepath.Join(w.dir, tt.sub)
			os.MkdirAll(cwd, 0o755)
			t.Chdir(cwd)
			err := startRun(context.Background(), &StartOptions{Deps: w.deps, Lab: tt.lab})
			if tt.wantErr != "" {
				if ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), tt.wantErr) || len(drv.kept) != 0 {
					t.Errorf("err = %v, starts %v; want a usage error containing %q and no start", err, drv.kept, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(cwd, "sql-join")); err == nil {
				t.Errorf("start made a workspace inside the workspace")
			}
			if !slices.Equal(drv.dirs, []string{w.dir}) || w.workspace().Session != "s-new" {
				t.Errorf("started in %v, session %q; want %s resumed as s-new", drv.dirs, w.workspace().Session, w.dir)
			}
			if b, _ := os.ReadFile(filepath.Join(w.dir, "solution.sql")); string(b) != "SELECT 1;" {
				t.Errorf("resume changed the learner's file: %q", b)
			}
			if want := "resuming sql-join in " + w.dir + " …\n"; !strings.HasPrefix(w.errOut.String(), want) {
				t.Errorf("stderr %q, want it to begin %q", w.errOut, want)
			}
		})
	}
}

// Test_startRunNoID: outside a workspace `lab start` needs a lab id, and
// `lab start <dir>`-style mistakes name what to do.
func Test_startRunNoID(t *testing.T) {
	drv := &fakeDriver{}
	w := newWorkspaceTest(t, false, "sql-join", "", nil, drv)
	t.Chdir(t.TempDir())
	err := startRun(context.Background(), &StartOptions{Deps: w.deps})
	if ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), "not in a lab workspace: name the lab to start") {
		t.Errorf("err = %v, want a usage error asking for the lab", err)
	}
	// A folder that is a workspace is resumed by name, without the id.
	drv.start = &fakeEnv{id: "s2"}
	if err := startRun(context.Background(), &StartOptions{Deps: w.deps, Dir: w.dir}); err != nil || w.workspace().Session != "s2" {
		t.Errorf("start with the workspace's folder: %v, session %q; want it resumed", err, w.workspace().Session)
	}
	err = startRun(context.Background(), &StartOptions{Deps: w.deps, Dir: t.TempDir()})
	if ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), "is not a lab workspace") {
		t.Errorf("start in a folder that is no workspace, without an id: %v", err)
	}
}

// TestNewCmdStartArgs: the lab id is optional (inside a workspace).
func TestNewCmdStartArgs(t *testing.T) {
	for _, args := range [][]string{{}, {"sql-join"}, {"sql-join", "dir"}} {
		io, _, _ := TestStreams()
		var got *StartOptions
		cmd := NewCmdStart(&Deps{IO: io}, func(_ context.Context, o *StartOptions) error { got = o; return nil })
		cmd.SetArgs(args)
		cmd.SetOut(io.Out)
		cmd.SetErr(io.ErrOut)
		if err := cmd.Execute(); err != nil || got == nil {
			t.Errorf("start %v: %v", args, err)
		}
	}
}
