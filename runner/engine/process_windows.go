//go:build windows

package engine

import (
	"errors"
	"os"
)

// processAlive reports whether a process with this pid runs here. A
// process that cannot be opened for lack of rights counts as alive:
// staleness errs on the side of keeping.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return errors.Is(err, os.ErrPermission)
	}
	_ = p.Release()
	return true
}

// killPID does nothing: on Windows the engine runs in a virtual machine,
// whose pids are not this host's, so the command runs on until its
// container is removed.
func killPID(int) {}
