package runner_test

import (
	"context"
	"strconv"
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

// boxLab is a small box lab built in Go: a fixture creates a user and a
// folder, the learner's solution.sh must make the folder readable to
// that user only.
func boxLab() *labs.Lab {
	files := fstest.MapFS{
		"mini-box/fixtures/users.sh": {Data: []byte("useradd -m web\nuseradd -m guest\nmkdir -p /srv/site\n")},
		"mini-box/site/index.html":   {Data: []byte("<h1>hi</h1>\n")},
	}
	lab := &labs.Lab{
		ID:  "mini-box",
		Dir: "mini-box",
		Services: map[string]*labs.Service{
			"box": {Kind: "box", Fixtures: []string{"fixtures/users.sh"}, Files: []*labs.FileCopy{{Src: "site", Dst: "/srv/site", Mode: "0600"}}},
		},
		Submission: []*labs.SubmissionFile{{File: "solution.sh", Apply: labs.ApplyShell, Service: "box"}},
		Checks: []*labs.CheckDef{
			{Name: "web-reads", Type: "access", Service: "box", Points: 1, Reveal: true,
				Check: &checks.Access{User: "web", Path: "/srv/site/index.html", Allow: []string{"read"}, Deny: []string{"write"}}},
			{Name: "guest-cannot", Type: "access", Service: "box", Points: 1, Reveal: true,
				Check: &checks.Access{User: "guest", Path: "/srv/site/index.html", Deny: []string{"read"}}},
			{Name: "no-marker", Type: "file", Service: "box", Points: 0, Reveal: true,
				Check: &checks.File{Path: "/root/marker", Exists: new(bool)}},
		},
	}
	lab.SetFS(files)
	return lab
}

const boxSolution = "chown web /srv/site/index.html\nchmod 0400 /srv/site/index.html\n"

func TestBoxLab(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	lab := boxLab()
	start := time.Now()
	env := dockertest.StartLab(t, ctx, d, lab)
	t.Logf("started in %s", time.Since(start))
	grade := func(t *testing.T, script string, live bool) *checks.Report {
		t.Helper()
		start := time.Now()
		rep, err := env.Check(ctx, runner.Submission{"solution.sh": script}, runner.CheckOptions{Name: t.Name(), Live: live})
		if err != nil {
			t.Fatalf("check: %v", err)
		}
		t.Logf("graded in %s", time.Since(start))
		return rep
	}
	statuses := func(rep *checks.Report) string {
		var s []string
		for _, r := range rep.Results {
			s = append(s, r.Name+"="+string(r.Status))
		}
		return strings.Join(s, " ")
	}

	t.Run("the starter state fails", func(t *testing.T) {
		if got := statuses(grade(t, "#!/bin/sh\n# nothing yet\n", false)); got != "web-reads=fail guest-cannot=pass no-marker=pass" {
			t.Errorf("got %s", got)
		}
	})
	t.Run("a correct script passes", func(t *testing.T) {
		if rep := grade(t, boxSolution+"touch /root/marker-gone-after-reset\n", false); rep.Status != checks.Pass {
			t.Errorf("got %+v", rep.Results)
		}
	})
	t.Run("chmod 777 fails the deny checks", func(t *testing.T) {
		if got := statuses(grade(t, "chmod -R 777 /srv\n", false)); got != "web-reads=fail guest-cannot=fail no-marker=pass" {
			t.Errorf("got %s", got)
		}
	})
	t.Run("a failing script reports its status and stderr", func(t *testing.T) {
		rep := grade(t, "echo working\nnosuchcommand --flag\nexit 3\n", false)
		r := rep.Results[0]
		if r.Name != "apply solution.sh" || r.Message != "solution.sh exited with status 3:\nsolution.sh: 2: nosuchcommand: not found" {
			t.Errorf("got %+v", r)
		}
	})
	t.Run("a bash script runs with bash", func(t *testing.T) {
		rep := grade(t, "#!/bin/bash\nset -euo pipefail\nfiles=(/srv/site/index.html)\nchown web \"${files[@]}\"\nchmod 0400 \"${files[0]}\"\n", false)
		if rep.Status != checks.Pass {
			t.Errorf("got %+v", rep.Results)
		}
	})
	t.Run("huge output is capped", func(t *testing.T) {
		rep := grade(t, "yes 'spam spam spam' | head -c 50000000\nexit 1\n", false)
		if r := rep.Results[0]; r.Status != checks.Fail || len(r.Message) > 4<<10 || !strings.HasPrefix(r.Message, "solution.sh exited with status 1:\n…\nspam spam spam") {
			t.Errorf("got %.300q (len %d)", r.Message, len(r.Message))
		}
	})
	t.Run("what a script leaves running is stopped", func(t *testing.T) {
		start := time.Now()
		// The bomb starts in one background job: the script's own shell
		// forks once, before the bomb fills the process limit (a pipeline
		// started from the script's shell forks there twice, and the
		// second fork races the bomb).
		rep := grade(t, boxSolution+"sleep 600 &\nbomb() { bomb | bomb & }\nbomb &\n", false)
		if rep.Status != checks.Pass {
			t.Errorf("got %+v", rep.Results)
		}
		if el := time.Since(start); el > 15*time.Second {
			t.Errorf("took %s: the apply waited for the background jobs", el)
		}
		// Left: init, its sleep, and this command (sh, ls, wc).
		res, err := env.Session.Service("box").Exec(ctx, []string{"sh", "-c", "ls -d /proc/[0-9]* | wc -l"}, engine.ExecOptions{})
		if n, _ := strconv.Atoi(strings.TrimSpace(res.Stdout)); err != nil || n == 0 || n > 6 {
			t.Errorf("%q processes in the box after the apply (%v)", res.Stdout, err)
		}
	})
	t.Run("reset recreates the box", func(t *testing.T) {
		box := env.Session.Service("box")
		before := box.ContainerID
		if _, err := box.Exec(ctx, []string{"touch", "/root/marker"}, engine.ExecOptions{}); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := env.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("reset in %s", time.Since(start))
		if box.ContainerID == before {
			t.Error("the container was not replaced")
		}
		res, err := box.Exec(ctx, []string{"sh", "-c", "test ! -e /root/marker && id web && stat -c %a /srv/site/index.html"}, engine.ExecOptions{})
		if err != nil || res.ExitCode != 0 || !strings.Contains(res.Stdout, "uid=") || !strings.HasSuffix(res.Stdout, "\n600\n") {
			t.Errorf("after reset: %+v %v", res, err)
		}
	})
	t.Run("live grades work done by hand and runs no script", func(t *testing.T) {
		box := env.Session.Service("box")
		if res, err := box.Exec(ctx, []string{"sh", "-c", boxSolution}, engine.ExecOptions{}); err != nil || res.ExitCode != 0 {
			t.Fatalf("by hand: %+v %v", res, err)
		}
		// Another process attaches to the running lab, as `lab check --live` does.
		env2, err := d.AttachLab(ctx, lab, env.Session.ID)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := env2.Check(ctx, runner.Submission{"solution.sh": "touch /root/marker\nexit 1\n"}, runner.CheckOptions{Live: true})
		if err != nil || rep.Status != checks.Pass {
			t.Errorf("got %v %+v", err, rep)
		}
	})
	t.Run("a new process resets an attached box", func(t *testing.T) {
		env2, err := d.AttachLab(ctx, lab, env.Session.ID)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := env2.Check(ctx, runner.Submission{"solution.sh": "true\n"}, runner.CheckOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := statuses(rep); got != "web-reads=fail guest-cannot=pass no-marker=pass" {
			t.Errorf("got %s: the by-hand fix survived the reset", got)
		}
	})
}
