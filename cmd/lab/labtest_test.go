package main_test

import (
	"strings"
	"testing"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/labs"
)

// TestBundledLabsProven runs `lab test` over the bundled catalog: for every
// lab the starter fails, the reference passes, and each known-wrong
// solution fails exactly the checks it names.
func TestBundledLabsProven(t *testing.T) {
	dockertest.Driver(t)
	all, err := labs.Bundled()
	if err != nil {
		t.Fatalf("bundled labs: %v", err)
	}
	c := labCmd{t: t, bin: buildLab(t), dir: t.TempDir(), state: t.TempDir()}
	out, errOut, code := c.run("test", "-j", "3")
	t.Logf("lab test:\n%s%s", out, errOut)
	if code != 0 {
		t.Fatalf("lab test: exit %d", code)
	}
	for _, l := range all {
		if !strings.Contains(out, "✓ "+l.ID+" (") {
			t.Errorf("lab %s is not reported as proven", l.ID)
		}
	}
}

// TestLabTestCatchesABrokenLab: a lab whose reference solution is wrong is
// reported, with exit 1.
func TestLabTestCatchesABrokenLab(t *testing.T) {
	dockertest.Driver(t)
	dir := t.TempDir()
	copyTree(t, "../../labs/sql-join", dir+"/sql-join")
	writeFile(t, dir+"/sql-join/solution/solution.sql", "SELECT name, 0::bigint AS orders, 0.00 AS total_spent FROM customers")
	c := labCmd{t: t, bin: buildLab(t), dir: dir, state: t.TempDir()}
	out, _, code := c.run("test", "sql-join")
	if code != 1 || !strings.Contains(out, "✗ solution: the reference solution does not pass") {
		t.Errorf("exit %d, want 1:\n%s", code, out)
	}
}

// TestNewScaffoldsAreProven: `lab new --kind K` of every kind makes a lab
// that lab validate and lab test accept as it is, on real containers,
// with TODOs left for the author.
func TestNewScaffoldsAreProven(t *testing.T) {
	dockertest.Driver(t)
	catalog := t.TempDir()
	c := labCmd{t: t, bin: buildLab(t), dir: catalog, state: t.TempDir()}
	kinds := []string{"postgres", "redis", "nginx", "box", "runtime"}
	for _, kind := range kinds {
		if out, errOut, code := c.run("new", "new-"+kind, "--kind", kind); code != 0 {
			t.Fatalf("lab new new-%s --kind %s: exit %d\n%s%s", kind, kind, code, out, errOut)
		}
		yaml := string(mustRead(t, catalog+"/new-"+kind+"/lab.yaml"))
		if !strings.Contains(yaml, "id: new-"+kind+"\n") || !strings.Contains(yaml, "TODO") {
			t.Errorf("new-%s/lab.yaml has not its id, or no TODO:\n%s", kind, yaml)
		}
	}
	out, errOut, code := c.run("validate", ".")
	if code != 0 {
		t.Fatalf("lab validate: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = c.run("test", "-j", "2", ".")
	t.Logf("lab test:\n%s%s", out, errOut)
	if code != 0 {
		t.Fatalf("lab test: exit %d", code)
	}
	for _, kind := range kinds {
		if !strings.Contains(out, "✓ new-"+kind+" (") {
			t.Errorf("new-%s is not reported as proven", kind)
		}
	}
}
