package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/labrunner/labrunner/internal/workspace"
)

// lockWorkspace takes the workspace's lock, so that two commands that
// change its services (check, reset, watch) never run at once. A second
// command is refused with a clear message rather than queued.
func lockWorkspace(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Join(dir, workspace.StateDir), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, workspace.StateDir, "lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if held, err := tryLock(f); held || err != nil {
		f.Close()
		if held {
			return nil, &UsageError{Err: fmt.Errorf("another lab command (check, watch or reset) is running in %s; wait for it to finish", dir)}
		}
		return nil, err
	}
	return func() { f.Close() }, nil
}

// openLockedWorkspace opens the workspace from dir, as openWorkspace does,
// and takes its lock, for the commands that change its services. The
// caller must call unlock.
func openLockedWorkspace(deps *Deps, dir string) (w *workspaceLab, unlock func(), err error) {
	w, err = openWorkspace(deps, dir)
	if err != nil {
		return nil, nil, err
	}
	unlock, err = lockWorkspace(w.ws.Dir)
	if err != nil {
		return nil, nil, err
	}
	return w, unlock, nil
}
