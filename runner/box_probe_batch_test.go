package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

func TestParseProbeBatch(t *testing.T) {
	for _, tc := range []struct {
		name string
		out  string
		n    int
		want []checks.ExecResult
	}{
		{name: "two results", n: 2,
			out:  "labrunner-probe-result 0 9 0\ntype dir\nlabrunner-probe-result 1 0 4\noops",
			want: []checks.ExecResult{{Stdout: "type dir\n"}, {ExitCode: 1, Stderr: "oops"}}},
		{name: "content with a header inside", n: 1,
			out:  "labrunner-probe-result 0 29 0\nlabrunner-probe-result 0 0 0\n",
			want: []checks.ExecResult{{Stdout: "labrunner-probe-result 0 0 0\n"}}},
		{name: "fewer results", n: 2, out: "labrunner-probe-result 0 0 0\n"},
		{name: "more output", n: 1, out: "labrunner-probe-result 0 0 0\nx"},
		{name: "short body", n: 1, out: "labrunner-probe-result 0 5 0\nab"},
		{name: "not a header", n: 1, out: "type dir\n"},
		{name: "negative length", n: 1, out: "labrunner-probe-result 0 -1 0\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseProbeBatch(tc.out, tc.n)
			if ok != (tc.want != nil) || !slices.Equal(got, tc.want) {
				t.Errorf("got %+v, %t; want %+v", got, ok, tc.want)
			}
		})
	}
}

// batchAnswer answers `probe batch` with "<user> <args>" for each
// request, and any other probe with "single <user> <args>".
func batchAnswer(c execCall) (engine.ExecResult, error) {
	if len(c.Cmd) == 2 && c.Cmd[1] == "batch" {
		var reqs [][]string
		if err := json.Unmarshal([]byte(c.Stdin), &reqs); err != nil {
			return engine.ExecResult{ExitCode: 2, Stderr: err.Error()}, nil
		}
		var b strings.Builder
		for _, r := range reqs {
			out := c.Opts.User + " " + strings.Join(r, " ")
			fmt.Fprintf(&b, "labrunner-probe-result 0 %d 0\n%s", len(out), out)
		}
		return engine.ExecResult{Stdout: b.String()}, nil
	}
	if strings.HasPrefix(c.Cmd[0], "/.labrunner-probe-") && c.Cmd[1] != "remove" {
		return engine.ExecResult{Stdout: "single " + c.Opts.User + " " + strings.Join(c.Cmd[1:], " ")}, nil
	}
	return engine.ExecResult{}, nil
}

// TestBoxProbeBatch: the probes of a stretch of access and file checks
// are asked once per user; a check that is not a planner ends the
// stretch, and a command in the box drops what the batch answered.
func TestBoxProbeBatch(t *testing.T) {
	access := func(user, p string) *labs.CheckDef {
		return &labs.CheckDef{Name: user + p, Type: "access", Service: "box", Check: &checks.Access{User: user, Path: p, Allow: []string{"read"}}}
	}
	file := &labs.CheckDef{Name: "f", Type: "file", Service: "box", Check: &checks.File{Path: "/srv/f"}}
	command := &labs.CheckDef{Name: "c", Type: "command", Service: "box", Check: &checks.Command{Command: []string{"true"}}}
	sql := &labs.CheckDef{Name: "q", Type: "sql.assert", Service: "db", Check: &checks.SQLAssert{Query: "SELECT true"}}
	for _, tc := range []struct {
		name   string
		checks []*labs.CheckDef
		// asks are the checks whose planned probe is asked, in order;
		// "exec" runs a command in the box instead.
		asks []string
		want []string // each probe's stdout
		// execs are the execs in the box but removals: "batch <user>",
		// "single", "exec"; copies counts the probe's copies.
		execs  []string
		copies int
	}{
		{name: "one batch per user", checks: []*labs.CheckDef{access("web", "/a"), access("bob", "/a"), file, access("web", "/b")},
			asks:  []string{"web/a", "bob/a", "f", "web/b"},
			want:  []string{"web access /a read", "bob access /a read", "0 stat /srv/f 0", "web access /b read"},
			execs: []string{"batch web", "batch bob", "batch 0"}, copies: 1},
		{name: "a check of another service without learners' code does not end it", checks: []*labs.CheckDef{access("web", "/a"), sql, access("web", "/b")},
			asks:  []string{"web/a", "web/b"},
			want:  []string{"web access /a read", "web access /b read"},
			execs: []string{"batch web"}, copies: 1},
		{name: "a command check ends the stretch and drops the copy", checks: []*labs.CheckDef{access("web", "/a"), access("web", "/b"), command, access("web", "/c"), access("bob", "/c")},
			asks:  []string{"web/a", "exec", "web/b", "web/c", "bob/c"},
			want:  []string{"web access /a read", "single web access /b read", "web access /c read", "bob access /c read"},
			execs: []string{"batch web", "exec", "single", "batch web", "batch bob"}, copies: 2},
		{name: "a lone probe runs by itself", checks: []*labs.CheckDef{access("web", "/a"), command},
			asks:  []string{"web/a"},
			want:  []string{"single web access /a read"},
			execs: []string{"single"}, copies: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			def := &labs.Service{Kind: labs.KindBox}
			defs := map[string]*labs.Service{"box": def, "db": {Kind: labs.KindPostgres}}
			tg, fsvc, sess := fakeTarget(t, "box", def, nil)
			fsvc.exec = append(fsvc.exec, batchAnswer)
			svc := &copyingService{fakeService: fsvc}
			st := newBoxState(tg).(*boxState)
			st.probe = []byte("\x7fELF")
			st.pristine = true
			env, _ := fakeLabEnv(t, defs)
			env.Lab.Checks = tc.checks
			env.state["box"] = st
			env.sess = &svcSession{fakeSession: sess, svc: svc}
			tg.sess = env.sess
			run, err := st.Begin(context.Background(), runOptions{})
			if err != nil {
				t.Fatal(err)
			}
			lr := &labRun{env: env, runs: map[string]serviceRun{"box": run}}
			var got []string
			for _, a := range tc.asks {
				if a == "exec" {
					(&checkEnv{run: lr, service: "box"}).Exec(context.Background(), []string{"touch", "/x"}, checks.ExecOptions{})
					continue
				}
				var d *labs.CheckDef
				for _, c := range tc.checks {
					if c.Name == a {
						d = c
					}
				}
				if d == nil {
					t.Fatalf("no check %s", a)
				}
				pc := d.Check.(checks.ProbePlanner).PlannedProbe()
				res, err := (&checkEnv{run: lr, service: "box", def: d}).Probe(context.Background(), pc.User, pc.Args)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, res.Stdout)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("results %q\nwant    %q", got, tc.want)
			}
			var execs []string
			for _, c := range fsvc.calls {
				switch {
				case len(c.Cmd) == 2 && c.Cmd[1] == "batch":
					execs = append(execs, "batch "+c.Opts.User)
				case c.Cmd[0] == "touch":
					execs = append(execs, "exec")
				case len(c.Cmd) > 1 && c.Cmd[1] != "remove":
					execs = append(execs, "single")
				}
			}
			// The batches of one stretch run at once, in any order.
			if !slices.Equal(sortBatches(execs), sortBatches(tc.execs)) {
				t.Errorf("execs %q\nwant  %q", execs, tc.execs)
			}
			if len(svc.copies) != tc.copies {
				t.Errorf("%d copies, want %d", len(svc.copies), tc.copies)
			}
		})
	}
}

// TestBoxProbeBatchOldProbe: a probe without batch is asked one by one,
// and not asked for a batch again.
func TestBoxProbeBatchOldProbe(t *testing.T) {
	def := &labs.Service{Kind: labs.KindBox}
	tg, fsvc, sess := fakeTarget(t, "box", def, nil)
	fsvc.exec = append(fsvc.exec, func(c execCall) (engine.ExecResult, error) {
		if c.Cmd[1] == "batch" {
			return engine.ExecResult{ExitCode: 2, Stderr: "probe: unknown command \"batch\"\n"}, nil
		}
		return engine.ExecResult{Stdout: "single"}, nil
	})
	svc := &copyingService{fakeService: fsvc}
	st := newBoxState(tg).(*boxState)
	st.probe = []byte("\x7fELF")
	st.pristine = true
	env, _ := fakeLabEnv(t, map[string]*labs.Service{"box": def})
	a := &labs.CheckDef{Name: "a", Type: "access", Service: "box", Check: &checks.Access{User: "web", Path: "/a", Allow: []string{"read"}}}
	b := &labs.CheckDef{Name: "b", Type: "access", Service: "box", Check: &checks.Access{User: "web", Path: "/b", Allow: []string{"read"}}}
	env.Lab.Checks = []*labs.CheckDef{a, b}
	env.state["box"] = st
	env.sess = &svcSession{fakeSession: sess, svc: svc}
	tg.sess = env.sess
	run, _ := st.Begin(context.Background(), runOptions{})
	lr := &labRun{env: env, runs: map[string]serviceRun{"box": run}}
	for _, d := range []*labs.CheckDef{a, b} {
		pc := d.Check.(checks.ProbePlanner).PlannedProbe()
		res, err := (&checkEnv{run: lr, service: "box", def: d}).Probe(context.Background(), pc.User, pc.Args)
		if err != nil || res.Stdout != "single" {
			t.Errorf("%s: %+v, %v", d.Name, res, err)
		}
	}
	batches := 0
	for _, c := range fsvc.calls {
		if c.Cmd[1] == "batch" {
			batches++
		}
	}
	if batches != 1 {
		t.Errorf("%d batches asked, want 1", batches)
	}
}

// sortBatches sorts each run of consecutive "batch <user>" execs.
func sortBatches(execs []string) []string {
	out := slices.Clone(execs)
	for i := 0; i < len(out); {
		j := i
		for j < len(out) && strings.HasPrefix(out[j], "batch ") {
			j++
		}
		slices.Sort(out[i:j])
		i = max(j, i+1)
	}
	return out
}
