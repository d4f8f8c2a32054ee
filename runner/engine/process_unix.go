//go:build unix

package engine

import (
	"errors"
	"syscall"
)

// processAlive reports whether a process with this pid runs here. A pid
// reused by another process counts as alive: staleness errs on the side
// of keeping.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// killPID sends SIGKILL to pid, a host pid of a local engine's exec.
func killPID(pid int) {
	_ = syscall.Kill(pid, syscall.SIGKILL)
}
