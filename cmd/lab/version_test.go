package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersionOfACloneBuild: a binary built in a git clone without make's
// -ldflags (go build, go install ./cmd/lab) names the commit it was built
// from and that the tree had changes, as the Go toolchain recorded them. The clone is made of this
// checkout's files (tracked and not ignored, as in goProxyOfCheckout)
// committed in a fresh repository, so that the code under test is the
// working tree's; -buildvcs=true because GOFLAGS may turn stamping off.
func TestVersionOfACloneBuild(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("builds lab in a fresh clone; not a unit test")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	clone := t.TempDir()
	git := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %s: %v (this test needs git)", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out))
	}
	for _, name := range strings.Split(git(root, "ls-files", "--cached", "--others", "--exclude-standard"), "\n") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(clone, name), string(data))
	}
	git(clone, "init", "-q")
	git(clone, "add", "-A")
	git(clone, "commit", "-q", "-m", "snapshot")
	rev := git(clone, "rev-parse", "HEAD")
	writeFile(t, filepath.Join(clone, "NOTES.txt"), "an uncommitted change\n")

	bin := filepath.Join(t.TempDir(), "lab")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, "./cmd/lab")
	build.Dir = clone
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatalf("lab --version: %v", err)
	}
	if !strings.Contains(string(out), rev[:12]) || !strings.Contains(string(out), "dirty") || strings.Contains(string(out), "dev") {
		t.Errorf("lab --version = %q, want the commit %s, marked dirty", out, rev[:12])
	}
}
