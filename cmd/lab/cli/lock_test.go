package cli

import (
	"strings"
	"testing"
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
