package main_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/internal/phase"
	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/runner/engine"
)

// TestCheckTrace: LAB_TRACE=1 on a cold `lab check` of a lab that runs
// learners' code prints every phase of it on stderr, on the real engine:
// its two networks and its box started, seeded, reset, the file applied,
// each check, the run ended, containers and networks removed, the whole
// command last; stdout holds the report and no trace.
func TestCheckTrace(t *testing.T) {
	d := dockertest.Driver(t)
	bin := buildLab(t)
	ws := t.TempDir()
	w := &workspace.Workspace{Dir: ws, State: workspace.State{Lab: "linux-permissions"}}
	if err := w.Save(); err != nil {
		t.Fatal(err)
	}
	sol, err := os.ReadFile("../../labs/linux-permissions/solution/solution.sh")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ws, "solution.sh"), sol, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LAB_TRACE", "1")
	c := labCmd{t: t, bin: bin, dir: ws, state: t.TempDir()}
	before, beforeNets, _ := d.List(context.Background(), engine.LabelLab+"=linux-permissions")
	out, errOut, code := c.run("check")
	if code != 0 {
		t.Fatalf("cold check: exit %d\n%s%s", code, out, errOut)
	}
	var names []string
	for _, l := range phase.Parse(errOut) {
		names = append(names, l.Name)
	}
	count := func(name string) int {
		n := 0
		for _, x := range names {
			if x == name {
				n++
			}
		}
		return n
	}
	for name, want := range map[string]int{
		// A lab whose only service is a box gets no network at all.
		"start network": 0, "start box": 1, "start": 1, "seed": 1, "reset box": 1, "apply solution.sh": 1,
		"check web-reads-site": 1, "end run": 1, "check": 1, "remove containers": 1, "close": 1, "total": 1,
	} {
		if got := count(name); got != want {
			t.Errorf("phase %q %d times, want %d; phases: %q", name, got, want, names)
		}
	}
	if len(names) == 0 || names[len(names)-1] != "total" {
		t.Errorf("the last phase is not the whole command: %q", names)
	}
	if i, j := slices.Index(names, "start"), slices.Index(names, "close"); i < 0 || j < i {
		t.Errorf("start ends at %d, close at %d: %q", i, j, names)
	}
	if strings.Contains(out, phase.Prefix) || !strings.Contains(out, "web-reads-site") {
		t.Errorf("stdout should be the report alone:\n%s", out)
	}
	after, afterNets, _ := d.List(context.Background(), engine.LabelLab+"=linux-permissions")
	if len(after) > len(before) || len(afterNets) > len(beforeNets) {
		t.Errorf("cold check left %d containers and %d networks", len(after)-len(before), len(afterNets)-len(beforeNets))
	}
}
