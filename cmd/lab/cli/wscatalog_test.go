package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/labs"
)

// TestRelativeCatalogWorkspace: a workspace started with a relative
// --labs works from inside it, and an explicit --labs wins over the
// catalog it remembers (and is remembered in turn).
func TestRelativeCatalogWorkspace(t *testing.T) {
	root := t.TempDir()
	c := newCatalogTest(t, "x")
	if err := os.Rename(c.dir, filepath.Join(root, "my-labs")); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(root, "work")
	os.MkdirAll(work, 0o755)
	drv := &fakeDriver{envFor: func(*labs.Lab) *fakeEnv { return &fakeEnv{id: "s1"} }}
	run := func(dir string, args ...string) (string, string, int) {
		t.Helper()
		t.Chdir(dir)
		io, out, errOut := TestStreams()
		deps := &Deps{IO: io, Getenv: func(k string) string { return c.env[k] },
			NewDriver: func(context.Context) (labDriver, error) { return drv, nil }}
		code := Main(context.Background(), args, deps)
		return out.String(), errOut.String(), code
	}
	state := func() workspace.State {
		t.Helper()
		ws, err := workspace.Open(filepath.Join(work, "x"))
		if err != nil {
			t.Fatal(err)
		}
		return ws.State
	}

	if _, errOut, code := run(work, "--labs", "../my-labs", "start", "x"); code != 0 {
		t.Fatalf("start: exit %d: %s", code, errOut)
	}
	if got, want := state().Catalog, filepath.Join(root, "my-labs"); got != want {
		t.Errorf("the workspace remembers the catalog %q, want the absolute %q", got, want)
	}
	ws := filepath.Join(work, "x")
	if out, errOut, code := run(ws, "hint"); code != 0 {
		t.Errorf("hint inside the workspace: exit %d\n%s%s", code, out, errOut)
	}

	// The catalog moves: the workspace says how to name it, and --labs
	// given once is remembered.
	if err := os.Rename(filepath.Join(root, "my-labs"), filepath.Join(root, "moved")); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := run(ws, "hint")
	if code != ExitUsage || !strings.Contains(errOut, "--labs <catalog folder>") {
		t.Errorf("hint with the catalog gone: exit %d, stderr %q; want exit 2 saying to pass --labs", code, errOut)
	}
	if _, errOut, code := run(ws, "--labs", "../../moved", "hint"); code != 0 {
		t.Errorf("hint --labs ../../moved: exit %d: %s", code, errOut)
	}
	if got, want := state().Catalog, filepath.Join(root, "moved"); got != want {
		t.Errorf("after --labs the workspace remembers %q, want %q", got, want)
	}
	if _, errOut, code := run(ws, "hint"); code != 0 {
		t.Errorf("hint after the catalog was given once: exit %d: %s", code, errOut)
	}
}

// Test_workspaceCatalog covers where a workspace's lab is loaded from,
// including state files that hold a relative catalog (as before catalogs
// were stored as absolute paths).
func Test_workspaceCatalog(t *testing.T) {
	root := t.TempDir()
	c := newCatalogTest(t, "x")
	catalog := filepath.Join(root, "my-labs")
	if err := os.Rename(c.dir, catalog); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		wsDir        string // under root
		stored       string
		flag         string // --labs, "" for none
		want         string
		wantRemember bool
		wantErr      string
	}{
		{name: "bundled", wsDir: "work/x", stored: "", want: ""},
		{name: "absolute", wsDir: "work/x", stored: catalog, want: catalog},
		{name: "--labs wins and is remembered", wsDir: "work/x", stored: "/elsewhere", flag: catalog, want: catalog, wantRemember: true},
		{name: "--labs the same as remembered", wsDir: "work/x", stored: catalog, flag: catalog, want: catalog},
		{name: "relative, from the parent of ./<lab>", wsDir: "x", stored: "my-labs", want: catalog, wantRemember: true},
		{name: "relative, deeper", wsDir: "work/x", stored: "../my-labs", want: catalog, wantRemember: true},
		{name: "relative, started in the workspace itself", wsDir: "ws", stored: "../my-labs", want: catalog, wantRemember: true},
		{name: "relative, not found", wsDir: "work/x", stored: "../nowhere",
			wantErr: `started from the catalog "../nowhere", a path relative to a folder it did not record, and no lab "x" is found there`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(root, tt.wsDir)
			ws := &workspace.Workspace{Dir: dir, State: workspace.State{Lab: "x", Catalog: tt.stored}}
			deps := &Deps{Catalog: tt.flag, CatalogFlag: tt.flag != ""}
			got, remember, err := workspaceCatalog(deps, ws)
			if tt.wantErr != "" {
				if ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "--labs <catalog folder>") {
					t.Errorf("err = %v, want a usage error containing %q and how to fix it", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want || remember != tt.wantRemember {
				t.Errorf("got %q, remember %v, err %v; want %q, remember %v", got, remember, err, tt.want, tt.wantRemember)
			}
		})
	}
}
