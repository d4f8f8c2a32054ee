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
)

// variantBoxLab is a box lab with a hidden variant: the learner's
// count.sh writes the number of lines of /srv/data/log (three in the
// lab's data, five in the variant's) to /srv/answer, which a command
// check compares with a reference run on the box as seeded. A variant
// fixture also plants a file the lab's own data lacks.
func variantBoxLab() *labs.Lab {
	files := fstest.MapFS{
		"var-box/data/log":            {Data: []byte("a\nb\nc\n")},
		"var-box/variant/log":         {Data: []byte("v1\nv2\nv3\nv4\nv5\n")},
		"var-box/fixtures/seed.sh":    {Data: []byte("echo main >/srv/which\n")},
		"var-box/fixtures/variant.sh": {Data: []byte("echo variant >/srv/which\n")},
	}
	lab := &labs.Lab{
		ID:  "var-box",
		Dir: "var-box",
		Services: map[string]*labs.Service{
			"box": {Kind: "box", Fixtures: []string{"fixtures/seed.sh"}, Files: []*labs.FileCopy{{Src: "data", Dst: "/srv/data"}}},
		},
		Submission: []*labs.SubmissionFile{{File: "count.sh", Apply: labs.ApplyShell, Service: "box"}},
		Checks: []*labs.CheckDef{
			{Name: "counts", Type: "command", Service: "box", Points: 1, Reveal: true, OnVariants: true,
				Check: &checks.Command{Command: []string{"cat", "/srv/answer"}, ExpectedShell: "wc -l </srv/data/log"}},
			{Name: "after-counts", Type: "command", Service: "box", Points: 1, Reveal: true, OnVariants: true, Needs: []string{"counts"},
				Check: &checks.Command{Command: []string{"test", "-s", "/srv/answer"}}},
			{Name: "main-only", Type: "command", Service: "box", Points: 1, Reveal: true,
				Check: &checks.Command{Command: []string{"grep", "-qx", "main", "/srv/which"}}},
		},
		Variants: []*labs.Variant{{Name: "longer", Service: "box",
			Files: []*labs.FileCopy{{Src: "variant", Dst: "/srv/data"}}, Fixtures: []string{"fixtures/variant.sh"}}},
	}
	lab.SetFS(files)
	return lab
}

func TestBoxVariants(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	env := dockertest.StartLab(t, ctx, d, variantBoxLab())
	grade := func(t *testing.T, script string, live bool) *checks.Report {
		t.Helper()
		rep, err := env.Check(ctx, runner.Submission{"count.sh": script}, runner.CheckOptions{Name: t.Name(), Live: live})
		if err != nil {
			t.Fatalf("check: %v", err)
		}
		return rep
	}
	result := func(rep *checks.Report, name string) checks.Result {
		for _, r := range rep.Results {
			if r.Name == name {
				return r
			}
		}
		return checks.Result{}
	}
	statuses := func(rep *checks.Report) string {
		var s []string
		for _, r := range rep.Results {
			s = append(s, r.Name+"="+string(r.Status))
		}
		return strings.Join(s, " ")
	}

	t.Run("computed from the data passes on both", func(t *testing.T) {
		rep := grade(t, "wc -l </srv/data/log >/srv/answer\n", false)
		if got := statuses(rep); got != "counts=pass after-counts=pass main-only=pass" {
			t.Errorf("got %s", got)
		}
	})
	t.Run("hard-coded passes the main data only, and the variant's data is not shown", func(t *testing.T) {
		rep := grade(t, "echo 3 >/srv/answer\n", false)
		if got := statuses(rep); got != "counts=fail after-counts=skip main-only=pass" {
			t.Fatalf("got %s", got)
		}
		r := result(rep, "counts")
		if !strings.Contains(r.Message, `hidden data set ("longer")`) {
			t.Errorf("message does not name the variant: %q", r.Message)
		}
		if strings.Contains(r.Message+r.Output, "5") || r.Score != 0 {
			t.Errorf("the variant's answer shows, or it scored: %+v", r)
		}
	})
	t.Run("wrong on the main data says why there", func(t *testing.T) {
		r := result(grade(t, "echo 4 >/srv/answer\n", false), "counts")
		if r.Status != checks.Fail || !strings.Contains(r.Message, `expected "3"`) {
			t.Errorf("got %s %q", r.Status, r.Message)
		}
	})
	t.Run("a script that fails only on the variant fails there", func(t *testing.T) {
		rep := grade(t, "grep -q main /srv/which || exit 3\nwc -l </srv/data/log >/srv/answer\n", false)
		if got := statuses(rep); got != "counts=fail after-counts=fail main-only=pass" {
			t.Errorf("got %s", got)
		}
		r := result(rep, "counts")
		if !strings.Contains(r.Message, `on a hidden data set ("longer") count.sh did not run to its end`) || strings.Contains(r.Message, "3") {
			t.Errorf("the variant's failure to apply is not said, or its exit status shows: %q", r.Message)
		}
	})
	t.Run("the box holds the lab's data after the check", func(t *testing.T) {
		grade(t, "wc -l </srv/data/log >/srv/answer\n", false)
		rep := grade(t, "", true)
		if got := statuses(rep); !strings.Contains(got, "main-only=pass") {
			t.Errorf("after a check, the box is not on the lab's data: %s", got)
		}
		if r := result(rep, "counts"); r.Status != checks.Error || !strings.Contains(r.Message, "--live") {
			t.Errorf("a live run compared with a reference it cannot have: %s %q", r.Status, r.Message)
		}
	})
	t.Run("a script that replaces the tools does not change the reference", func(t *testing.T) {
		script := "printf '#!/bin/sh\\necho 9\\n' >/usr/bin/wc\nchmod +x /usr/bin/wc\necho 9 >/srv/answer\n"
		if r := result(grade(t, script, false), "counts"); r.Status != checks.Fail {
			t.Errorf("a fake wc fooled the reference: %s %q", r.Status, r.Message)
		}
	})
}
