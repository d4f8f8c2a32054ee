//go:build unix

package cli

import (
	"os/exec"
	"syscall"
)

// detach puts cmd in a session of its own, so that the terminal's
// signals (Ctrl-C in the next command, a closed window) do not reach it.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
