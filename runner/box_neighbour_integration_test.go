package runner_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
)

// boxLeftovers are what boxPoisoners leave; a box that kept any of them
// fails the clean-box lab's checks.
var boxLeftovers = []string{"/root/marker", "/tmp/poison", "/etc/profile.d/poison.sh", "/usr/local/bin/poison", "/home/intruder"}

// boxPoisoners are scripts that change what a reused box would keep:
// files, users, the tools the next script runs, processes left running,
// the box itself.
var boxPoisoners = []struct{ name, script string }{
	{"files and users", "touch /root/marker /tmp/poison /usr/local/bin/poison\nmkdir -p /etc/profile.d && echo 'chmod 777 /srv/site/index.html' >/etc/profile.d/poison.sh\n" +
		"useradd -m intruder\nchmod 0666 /srv/site/index.html\n"},
	// A later `chown`/`chmod` that does nothing fails the next correct
	// script on a reused box.
	{"tools replaced", "for t in chmod chown; do p=$(command -v $t); cp /bin/true \"$p\"; done\ntouch /root/marker\n"},
	{"a process left running", "setsid sh -c 'while :; do touch /root/marker; chmod 0666 /srv/site/index.html; sleep 0.05; done' >/dev/null 2>&1 </dev/null &\nsleep 0.3\n"},
	{"kills its own box", "touch /root/marker\nkill 1\n"},
	{"kills the process that runs it", "(while :; do touch /root/marker; sleep 0.05; done) >/dev/null 2>&1 </dev/null &\nkill -9 -1\n"},
}

// cleanBoxLab is boxLab with checks that each of boxLeftovers is absent.
func cleanBoxLab() *labs.Lab {
	lab := boxLab()
	lab.ID = fmt.Sprintf("clean-box-%d", time.Now().UnixNano()%1e6)
	for i, p := range boxLeftovers {
		lab.Checks = append(lab.Checks, &labs.CheckDef{Name: fmt.Sprintf("clean-%d", i), Type: "file", Service: "box", Points: 1, Reveal: true,
			Check: &checks.File{Path: p, Exists: new(bool)}})
	}
	return lab
}

// TestBoxHostileNeighbour: in one shared batch (a box per worker, reset
// between submissions), scripts that poison the box come first, then
// correct ones on the same workers and alongside: every correct one
// passes, and no poisoner errors.
func TestBoxHostileNeighbour(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	lab := cleanBoxLab()
	var batch []runner.Entry
	n := 0
	for _, p := range boxPoisoners {
		batch = append(batch, runner.Entry{Name: "poison: " + p.name, Files: runner.Submission{"solution.sh": p.script}})
		for range 2 {
			n++
			batch = append(batch, runner.Entry{Name: fmt.Sprintf("correct %d", n), Files: runner.Submission{"solution.sh": boxSolution}})
		}
	}
	gradeHostileBatch(t, ctx, d, lab, batch, 2)
}

// TestBoxScriptStopsItsBox: a script that stops its own box or kills
// the process that runs it is the learner's fail, said in a sentence,
// not the engine's "is not running" as an environment error; every
// check gets no points, and the next submission finds a box as seeded.
func TestBoxScriptStopsItsBox(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	env := dockertest.StartLab(t, ctx, d, cleanBoxLab())
	grade := func(t *testing.T, script string) *checks.Report {
		t.Helper()
		rep, err := env.Check(ctx, runner.Submission{"solution.sh": script}, runner.CheckOptions{Name: t.Name()})
		if err != nil {
			t.Fatalf("check: %v", err)
		}
		return rep
	}
	for _, tt := range []struct{ name, script, want string }{
		{"kill 1", boxSolution + "kill 1\n", "your script solution.sh stopped the box (it killed PID 1"},
		{"kill -TERM 1, then more", "#!/bin/sh\n" + boxSolution + "kill -TERM 1\nsleep 5\n", "your script solution.sh stopped the box (it killed PID 1"},
		{"kill -INT 1", boxSolution + "kill -INT 1\n", "your script solution.sh stopped the box (it killed PID 1"},
		{"kill -9 -1", boxSolution + "kill -9 -1\n", "your script solution.sh killed the grader's process that ran it (`kill -9 -1`"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep := grade(t, tt.script)
			if r := rep.Results[0]; r.Name != "apply solution.sh" || r.Status != checks.Fail || !strings.HasPrefix(r.Message, tt.want) {
				t.Errorf("apply: %+v, want a fail saying %q", r, tt.want)
			}
			if rep.Status != checks.Fail || rep.Score != 0 {
				t.Errorf("report: %s, %v points: %s", rep.Status, rep.Score, statuses(rep))
			}
			if rep := grade(t, boxSolution); rep.Status != checks.Pass {
				t.Errorf("the next submission: %s %s", statuses(rep), messages(rep))
			}
		})
	}
}
