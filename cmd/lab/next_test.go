package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/internal/dockertest"
)

// TestLabNext: a learner with no progress runs `lab next` and gets the
// first lab of the first track, started for real; once it is passed,
// `lab next` run inside its workspace starts the track's next lab beside
// it. An unknown track is a usage error that names the catalog's tracks.
func TestLabNext(t *testing.T) {
	dockertest.Driver(t)
	work := t.TempDir()
	c := labCmd{t: t, bin: buildLab(t), dir: work, state: filepath.Join(work, "state")}
	stop := func(dir string) {
		t.Helper()
		s := c
		s.dir = dir
		if _, errOut, code := s.run("stop"); code != 0 {
			t.Errorf("stop %s: exit %d\n%s", dir, code, errOut)
		}
	}

	if _, errOut, code := c.run("next", "--track", "nope"); code != 2 || !strings.Contains(errOut, `no track "nope" in this catalog; its tracks: sql, `) {
		t.Errorf("next --track nope: exit %d, want 2 and the tracks named\n%s", code, errOut)
	}

	out, errOut, code := c.run("next")
	if code != 0 {
		t.Fatalf("next: exit %d\n%s%s", code, out, errOut)
	}
	first := filepath.Join(work, "sql-join")
	t.Cleanup(func() { stop(first) })
	if !strings.Contains(out, "workspace "+first) {
		t.Fatalf("the first next did not start sql-join in %s:\n%s%s", first, out, errOut)
	}
	sol, err := os.ReadFile("../../labs/sql-join/solution/solution.sql")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(first, "solution.sql"), sol, 0o644); err != nil {
		t.Fatal(err)
	}
	c.dir = first
	if out, errOut, code := c.run("check"); code != 0 {
		t.Fatalf("check of the reference: exit %d\n%s%s", code, out, errOut)
	}

	out, errOut, code = c.run("next")
	if code != 0 {
		t.Fatalf("second next: exit %d\n%s%s", code, out, errOut)
	}
	second := filepath.Join(work, "sql-union")
	t.Cleanup(func() { stop(second) })
	if !strings.Contains(out, "workspace "+second) {
		t.Errorf("next after passing sql-join did not start sql-union beside it (%s):\n%s%s", second, out, errOut)
	}
	list, _, _ := c.run("list")
	for _, want := range []string{"sql-join\t", "passed", "sql-union\t", "in progress"} {
		if !strings.Contains(list, want) {
			t.Errorf("lab list does not show %q:\n%s", want, list)
		}
	}
}
