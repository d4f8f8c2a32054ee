//go:build windows

package cli

import "os"

// notifyResize does nothing: a Windows console sends no signal when it is
// resized, so the shell keeps the size it had when it started.
func notifyResize(chan<- os.Signal) {}
