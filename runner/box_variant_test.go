package runner

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

// TestBoxVariantBegin: a variant's run recreates the box with the
// variant's files and seeds it with its fixtures, then runs the reference
// commands of the on_variants checks only; the main run runs them all; a
// live run none.
func TestBoxVariantBegin(t *testing.T) {
	files := map[string]string{
		"data/log":    "a\nb\n",
		"variant/log": "v1\nv2\nv3\n",
		"site/index":  "<h1>\n",
		"f1.sh":       "mkdir /srv/report\n",
		"v.sh":        "mkdir /srv/report /srv/variant\n",
	}
	def := &labs.Service{Kind: labs.KindBox, Fixtures: []string{"f1.sh"},
		Files: []*labs.FileCopy{{Src: "data", Dst: "/srv/data"}, {Src: "site", Dst: "/srv/site"}}}
	tg, svc, sess := fakeTarget(t, "box", def, files)
	svc.state = engine.ContainerState{Running: true}
	tg.lab.Checks = []*labs.CheckDef{
		{Name: "on-both", Service: "box", OnVariants: true, Check: &checks.Command{Command: []string{"cat", "/a"}, ExpectedShell: "wc -l </srv/data/log"}},
		{Name: "main-only", Service: "box", Check: &checks.Command{Command: []string{"cat", "/b"}, ExpectedShell: "echo main"}},
		{Name: "no-reference", Service: "box", OnVariants: true, Check: &checks.Command{Command: []string{"true"}}},
	}
	va := &labs.Variant{Name: "other", Service: "box", Fixtures: []string{"v.sh"}, Files: []*labs.FileCopy{{Src: "variant", Dst: "/srv/data"}}}
	st := newBoxState(tg).(*boxState)
	svc.exec = []func(execCall) (engine.ExecResult, error){func(c execCall) (engine.ExecResult, error) {
		if len(c.Cmd) == 3 && c.Cmd[0] == "/bin/sh" && c.Cmd[1] == "-c" {
			return engine.ExecResult{Stdout: "ref of " + c.Cmd[2]}, nil
		}
		return engine.ExecResult{}, nil
	}}
	ctx := context.Background()
	references := func(from int) []string {
		var out []string
		for _, c := range svc.calls[from:] {
			if len(c.Cmd) == 3 && c.Cmd[1] == "-c" && c.Cmd[0] == "/bin/sh" {
				out = append(out, c.Cmd[2])
			}
		}
		return out
	}

	run, err := st.Begin(ctx, runOptions{Variant: va})
	if err != nil {
		t.Fatal(err)
	}
	if len(sess.replaced) != 1 {
		t.Fatalf("replaced %d times", len(sess.replaced))
	}
	got := map[string]string{}
	for _, f := range sess.replaced[0].Files {
		got[f.Path] = string(f.Content)
	}
	if got["/srv/data/log"] != files["variant/log"] || got["/srv/site/index"] != files["site/index"] || len(got) != 2 {
		t.Errorf("the variant's box has files %q", got)
	}
	if len(svc.calls) == 0 || svc.calls[0].Stdin != files["v.sh"] {
		t.Errorf("the variant's fixture did not run first: %+v", svc.calls)
	}
	if refs := references(0); strings.Join(refs, "|") != "wc -l </srv/data/log" {
		t.Errorf("a variant's run ran references %q, want on-both's only", refs)
	}
	if st.pristine {
		t.Error("a box on a variant's data is pristine: the next reset would keep it")
	}
	res, err := run.(referenceRun).reference("on-both")
	if err != nil || res.Stdout != "ref of wc -l </srv/data/log" {
		t.Errorf("reference = %+v, %v", res, err)
	}

	n := len(svc.calls)
	run, err = st.Begin(ctx, runOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sess.replaced) != 2 || svc.calls[n].Stdin != files["f1.sh"] {
		t.Errorf("the main run did not reset to the lab's data: replaced %d, first exec %+v", len(sess.replaced), svc.calls[n])
	}
	if refs := references(n); strings.Join(refs, "|") != "wc -l </srv/data/log|echo main" {
		t.Errorf("the main run ran references %q, want every check's", refs)
	}
	if _, err := run.(referenceRun).reference("no-reference"); err == nil {
		t.Error("a check without a reference has one")
	}

	n = len(svc.calls)
	run, err = st.Begin(ctx, runOptions{Live: true})
	if err != nil {
		t.Fatal(err)
	}
	if refs := references(n); len(refs) != 0 {
		t.Errorf("a live run ran references %q in the learner's box", refs)
	}
	if _, err := run.(referenceRun).reference("on-both"); !errors.Is(err, checks.ErrNoReference) {
		t.Errorf("live reference: %v, want ErrNoReference", err)
	}
	if _, err := st.Begin(ctx, runOptions{Live: true, Variant: va}); err == nil {
		t.Error("a live run on a variant began")
	}
}
