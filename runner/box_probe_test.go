package runner

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

// copyingService is a fakeService that also takes files.
type copyingService struct {
	*fakeService
	mu     sync.Mutex
	copies []string
}

func (c *copyingService) CopyFiles(ctx context.Context, files ...engine.File) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range files {
		c.copies = append(c.copies, f.Path)
	}
	return nil
}

// TestBoxProbeCopies: a run copies the probe once and runs that copy
// until something else runs in the box; End removes every copy. A live
// run copies it for each check.
func TestBoxProbeCopies(t *testing.T) {
	probe := []string{"access", "/srv", "read"}
	for _, tc := range []struct {
		name string
		live bool
		// steps: "probe", "exec" (a check's command), "script" (a
		// learner's script)
		steps  []string
		copies int
		// runs are which copy (1-based, in order made) each probe ran.
		runs    []int
		removed int // folders removed at End or after each probe
	}{
		{name: "one copy for the run", steps: []string{"probe", "probe", "probe"}, copies: 1, runs: []int{1, 1, 1}, removed: 1},
		{name: "a check's command: a new copy after it", steps: []string{"probe", "exec", "probe", "probe"}, copies: 2, runs: []int{1, 2, 2}, removed: 2},
		{name: "a script: a new copy after it", steps: []string{"probe", "script", "probe"}, copies: 2, runs: []int{1, 2}, removed: 2},
		{name: "live: a copy per check", live: true, steps: []string{"probe", "probe"}, copies: 2, runs: []int{1, 2}, removed: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			def := &labs.Service{Kind: labs.KindBox}
			tg, fsvc, sess := fakeTarget(t, "box", def, nil)
			svc := &copyingService{fakeService: fsvc}
			st := newBoxState(tg).(*boxState)
			st.probe = []byte("\x7fELF")
			st.pristine = true
			env, _ := fakeLabEnv(t, map[string]*labs.Service{"box": def})
			env.state["box"] = st
			env.sess = &svcSession{fakeSession: sess, svc: svc}
			tg.sess = env.sess
			run, err := st.Begin(context.Background(), runOptions{Live: tc.live})
			if err != nil {
				t.Fatal(err)
			}
			lr := &labRun{env: env, runs: map[string]serviceRun{"box": run}}
			ce := &checkEnv{run: lr, service: "box"}
			var ran []string
			for _, s := range tc.steps {
				switch s {
				case "probe":
					n := len(fsvc.calls)
					if _, err := ce.Probe(context.Background(), "web", probe); err != nil {
						t.Fatal(err)
					}
					ran = append(ran, fsvc.calls[n].Cmd[0])
				case "exec":
					ce.Exec(context.Background(), []string{"cat", "/srv/x"}, checks.ExecOptions{})
				case "script":
					st.runScript(context.Background(), "s.sh", "true", false)
				}
			}
			if err := run.End(context.Background()); err != nil {
				t.Fatal(err)
			}
			if len(svc.copies) != tc.copies {
				t.Fatalf("%d copies %q, want %d", len(svc.copies), svc.copies, tc.copies)
			}
			for i, bin := range ran {
				if want := svc.copies[tc.runs[i]-1]; bin != want {
					t.Errorf("probe %d ran %s, want %s", i+1, bin, want)
				}
			}
			removed := 0
			for _, c := range fsvc.calls {
				if len(c.Cmd) == 3 && c.Cmd[1] == "remove" && strings.HasPrefix(c.Cmd[2], "/.labrunner-probe-") && c.Cmd[0] == c.Cmd[2]+"/probe" {
					removed++
				}
			}
			if removed != tc.removed {
				t.Errorf("%d folders removed, want %d", removed, tc.removed)
			}
		})
	}
}

// svcSession is a fakeSession whose service named by svc is svc.
type svcSession struct {
	*fakeSession
	svc service
}

func (s *svcSession) lookup(name string) service { return s.svc }
