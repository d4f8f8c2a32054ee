package main_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/labrunner/labrunner/internal/dockertest"
)

// smallDisk mounts a tmpfs of size bytes on a new folder and unmounts it
// at the end of the test. It needs root, as CI and this project's
// machines give; it fails, never skips, where it cannot mount.
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d,mode=0755", size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Fatalf("mount a %d-byte tmpfs on %s (the disk-full test needs root): %v\n%s", size, dir, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v\n%s", dir, err, out)
		}
	})
	return dir
}

// fillTmpfs writes a filler file in dir's file system so that exactly
// free bytes (whole pages) stay available, and returns its path.
func fillTmpfs(t *testing.T, dir string, free int64) string {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	avail := int64(st.Bavail) * st.Bsize
	if avail < free {
		t.Fatalf("%s has %d bytes free, want at least %d", dir, avail, free)
	}
	p := filepath.Join(dir, "filler")
	if err := os.WriteFile(p, make([]byte, avail-free), 0o644); err != nil {
		t.Fatalf("fill %s: %v", dir, err)
	}
	return p
}

// pages rounds n bytes up to whole 4 KiB pages, what tmpfs charges.
func pages(n int64) int64 { return (n + 4095) / 4096 * 4096 }

// TestGradeDiskFull: the --out disk fills up in the middle of a batch.
// The batch stops with one sentence that names the folder and says "no
// space left", exits 3 (the environment, not the submissions), and
// leaves only whole results in its journal, no temporary files and
// nothing on the engine. Once space is freed, the rerun grades only what
// was not kept and its gradebook equals an uninterrupted run's. A disk
// that fills while the gradebook is rewritten leaves the old gradebook
// whole.
func TestGradeDiskFull(t *testing.T) {
	d := dockertest.Driver(t)
	subs := smallClass(t)
	c := labCmd{t: t, bin: buildLab(t), dir: t.TempDir(), state: t.TempDir()}
	whole := t.TempDir()
	if _, errOut, code := c.run("grade", "sql-join", subs, "-j", "1", "--format", "json,csv", "--out", whole); code != 1 {
		t.Fatalf("uninterrupted grade: exit %d, want 1\n%s", code, errOut)
	}
	// Room for the first three results, as they were in the whole run
	// (one at a time, in name order).
	var room int64
	for _, name := range []string{"01-reference", "02-count-star", "03-slow"} {
		files, _ := filepath.Glob(filepath.Join(whole, ".lab-journal", "sql-join", name+"-*.json"))
		if len(files) != 1 {
			t.Fatalf("the whole run's journal has %d results of %s, want 1", len(files), name)
		}
		fi, err := os.Stat(files[0])
		if err != nil {
			t.Fatal(err)
		}
		room += pages(fi.Size())
	}

	disk := smallDisk(t, 4<<20)
	out := filepath.Join(disk, "out")
	filler := fillTmpfs(t, disk, room)
	cmd, errOut := startGrade(t, c, "grade", "sql-join", subs, "-j", "1", "--format", "json,csv", "--out", out)
	pid := cmd.Process.Pid
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("grade on a full disk: %v, want exit 3\n%s", err, errOut)
	}
	want := fmt.Sprintf("no space left on the disk that holds %s", out)
	if !strings.Contains(errOut.String(), want) || strings.Contains(errOut.String(), "panic") {
		t.Errorf("stderr does not say %q:\n%s", want, errOut)
	}
	if n := leftBy(t, d, pid); n > 0 {
		t.Errorf("the batch left %d objects on the engine", n)
	}
	journal := filepath.Join(out, ".lab-journal", "sql-join")
	entries, err := os.ReadDir(journal)
	if err != nil {
		t.Fatal(err)
	}
	before := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("a temporary file was left in the journal: %s", e.Name())
			continue
		}
		var rep map[string]any
		if err := json.Unmarshal(mustRead(t, filepath.Join(journal, e.Name())), &rep); err != nil {
			t.Errorf("kept result %s is not whole: %v", e.Name(), err)
		}
		before++
	}
	if before < 1 || before >= 8 {
		t.Fatalf("the full disk let %d of 8 results be kept, want 1 to 7", before)
	}
	if _, err := os.Stat(filepath.Join(out, "gradebook.csv")); err == nil {
		t.Error("a stopped batch wrote a gradebook")
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	_, rerunErr, code := c.run("grade", "sql-join", subs, "-j", "2", "--format", "json,csv", "--out", out)
	summary := fmt.Sprintf("8 submissions: %d graded, %d reused, 0 errors", 8-before, before)
	if code != 1 || !strings.Contains(rerunErr, summary) {
		t.Fatalf("rerun with space: exit %d, want 1 and %q\n%s", code, summary, rerunErr)
	}
	gradebook := string(mustRead(t, filepath.Join(whole, "gradebook.csv")))
	if got := string(mustRead(t, filepath.Join(out, "gradebook.csv"))); got != gradebook {
		t.Errorf("gradebook after the rerun:\n%s\nwant the uninterrupted run's:\n%s", got, gradebook)
	}

	// Full again while only the outputs are rewritten: nothing is graded,
	// the old gradebook stays whole, and the run says where the results
	// are.
	fillTmpfs(t, disk, 0)
	_, fullErr, code := c.run("grade", "sql-join", subs, "--format", "json,csv", "--out", out)
	if code != 3 || !strings.Contains(fullErr, want) || !strings.Contains(fullErr, "every result is kept in") {
		t.Errorf("outputs on a full disk: exit %d, want 3, %q and where the results are kept\n%s", code, want, fullErr)
	}
	if got := string(mustRead(t, filepath.Join(out, "gradebook.csv"))); got != gradebook {
		t.Errorf("the full disk damaged the old gradebook:\n%s", got)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(out, ".tmp-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left in %s: %v", out, leftovers)
	}
}
