package runner_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// scriptBoxLab is a box lab whose submission is a script of apply mode
// script: copied into /app, never run at apply time, run by its checks.
func scriptBoxLab() *labs.Lab {
	files := fstest.MapFS{
		"script-box/fixtures/dirs.sh": {Data: []byte("mkdir -p /srv/one /srv/two\n")},
	}
	lab := &labs.Lab{
		ID:  "script-box",
		Dir: "script-box",
		Services: map[string]*labs.Service{
			"box": {Kind: "box", Fixtures: []string{"fixtures/dirs.sh"}},
		},
		Submission: []*labs.SubmissionFile{{File: "where.sh", Apply: labs.ApplyScript, Service: "box"}},
		Checks: []*labs.CheckDef{
			// Run as root at apply time, the script would leave /root/ran.
			{Name: "not-run", Type: "file", Service: "box", Points: 1, Reveal: true,
				Check: &checks.File{Path: "/root/ran", Exists: new(bool)}},
			{Name: "installed", Type: "file", Service: "box", Points: 1, Reveal: true,
				Check: &checks.File{Path: runner.BoxScriptDir + "/where.sh", FileType: "file", Mode: "0555", Owner: "root"}},
			{Name: "runs-in-one", Type: "command", Service: "box", Points: 1, Reveal: true,
				Check: &checks.Command{Shell: "cd /srv/one && /app/where.sh", User: "nobody", Stdout: &checks.Match{Contains: "in /srv/one as nobody"}}},
			{Name: "runs-in-two", Type: "command", Service: "box", Points: 1, Reveal: true,
				Check: &checks.Command{Shell: "cd /srv/two && /app/where.sh", User: "nobody", Stdout: &checks.Match{Contains: "in /srv/two as nobody"}}},
		},
	}
	lab.SetFS(files)
	return lab
}

// whereScript prints where and as whom it runs, after version.
func whereScript(version string) string {
	return "#!/bin/sh\ntouch /root/ran 2>/dev/null\necho \"" + version + " in $(pwd) as $(id -un)\"\n"
}

// TestBoxScriptApply: a script file is copied into the box's /app,
// read-only and executable, not run; each check runs it where it likes;
// a live check copies the workspace's version again; lab shell's sync
// copies it in and removes the copy of a deleted file.
func TestBoxScriptApply(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env := dockertest.StartLab(t, ctx, d, scriptBoxLab())
	grade := func(t *testing.T, script string, live bool) *checks.Report {
		t.Helper()
		rep, err := env.Check(ctx, runner.Submission{"where.sh": script}, runner.CheckOptions{Name: t.Name(), Live: live})
		if err != nil {
			t.Fatalf("check: %v", err)
		}
		return rep
	}
	passes := func(t *testing.T, rep *checks.Report) {
		t.Helper()
		for _, r := range rep.Results {
			if r.Status != checks.Pass {
				t.Errorf("%s: %s: %s", r.Name, r.Status, r.Message)
			}
		}
	}
	cat := func(t *testing.T) (string, int) {
		t.Helper()
		res, err := env.Session.Service("box").Exec(ctx, []string{"cat", runner.BoxScriptDir + "/where.sh"}, engine.ExecOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return res.Stdout, res.ExitCode
	}

	t.Run("copied, not run, and run by each check", func(t *testing.T) {
		passes(t, grade(t, whereScript("v1"), false))
	})
	t.Run("a live check copies the current file", func(t *testing.T) {
		passes(t, grade(t, whereScript("v2"), true))
		if got, _ := cat(t); !strings.Contains(got, "v2") {
			t.Errorf("/app/where.sh after a live check = %q, want v2", got)
		}
	})
	t.Run("lab shell's sync copies it and removes a deleted one", func(t *testing.T) {
		if err := env.SyncFiles(ctx, "box", runner.Submission{"where.sh": whereScript("v3")}); err != nil {
			t.Fatal(err)
		}
		if got, _ := cat(t); !strings.Contains(got, "v3") {
			t.Errorf("/app/where.sh after a sync = %q, want v3", got)
		}
		if err := env.SyncFiles(ctx, "box", runner.Submission{}); err != nil {
			t.Fatal(err)
		}
		if got, code := cat(t); code == 0 {
			t.Errorf("/app/where.sh is still there after the learner deleted it: %q", got)
		}
	})
}
