package cli

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/internal/workspace"
)

// TestWorkspaceLock: a second check, watch or reset on a workspace is
// refused with a clear message while the first holds the lock, and
// allowed once it is released.
func TestWorkspaceLock(t *testing.T) {
	dir := t.TempDir()
	unlock, err := lockWorkspace(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = lockWorkspace(dir)
	if err == nil || !strings.Contains(err.Error(), "another lab command (check, watch or reset) is running in") {
		t.Fatalf("second lock: %v", err)
	}
	if ExitCode(err) != ExitUsage {
		t.Errorf("exit code %d", ExitCode(err))
	}
	unlock()
	unlock2, err := lockWorkspace(dir)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	unlock2()
}

// TestOpenLockedWorkspace: check, watch and reset open the workspace with
// its lab and hold its lock until they unlock.
func TestOpenLockedWorkspace(t *testing.T) {
	dir := t.TempDir()
	ws := &workspace.Workspace{Dir: dir, State: workspace.State{Lab: "sql-join"}}
	if err := ws.Save(); err != nil {
		t.Fatal(err)
	}
	io, _, _ := TestStreams()
	deps := &Deps{IO: io, Getenv: func(string) string { return "" }}
	w, unlock, err := openLockedWorkspace(deps, filepath.Join(dir, "."))
	if err != nil {
		t.Fatal(err)
	}
	if w.lab.ID != "sql-join" || w.ws.Dir != dir {
		t.Errorf("opened lab %q in %s, want sql-join in %s", w.lab.ID, w.ws.Dir, dir)
	}
	if _, _, err := openLockedWorkspace(deps, dir); ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), "another lab command") {
		t.Errorf("second open while locked: %v, want the lock's usage error", err)
	}
	unlock()
	_, unlock, err = openLockedWorkspace(deps, dir)
	if err != nil {
		t.Fatalf("open after unlock: %v", err)
	}
	unlock()
	if _, _, err := openLockedWorkspace(deps, t.TempDir()); !errors.Is(err, workspace.ErrNoWorkspace) || ExitCode(err) != ExitUsage {
		t.Errorf("outside a workspace: %v, want ErrNoWorkspace as a usage error", err)
	}
}
