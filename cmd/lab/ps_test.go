package main_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/runner/engine"
)

// TestPSAndStopOrphan: lab ps lists a started lab with its folder, from
// the containers' labels; once the folder is deleted it is an orphan, and
// lab stop <session> removes it alone.
func TestPSAndStopOrphan(t *testing.T) {
	d := dockertest.Driver(t)
	bin := buildLab(t)
	work := t.TempDir()
	c := labCmd{t: t, bin: bin, dir: work, state: filepath.Join(work, "state")}
	if out, errOut, code := c.run("start", "sql-join"); code != 0 {
		t.Fatalf("start: exit %d\n%s%s", code, out, errOut)
	}
	ws := filepath.Join(work, "sql-join")
	st, err := workspace.Open(ws)
	if err != nil {
		t.Fatal(err)
	}
	id := st.State.Session
	t.Cleanup(func() {
		s := d.NewSession("sql-join")
		s.ID = id
		s.Close(context.Background())
	})
	line := func() string {
		t.Helper()
		out, errOut, code := c.run("ps")
		if code != 0 {
			t.Fatalf("ps: exit %d: %s", code, errOut)
		}
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, id+"\t") {
				return l
			}
		}
		return ""
	}
	got := strings.Split(line(), "\t")
	if len(got) != 5 || got[1] != "sql-join" || got[2] != "running" || got[4] != ws {
		t.Errorf("ps lists the session as %q; want sql-join running in %s", got, ws)
	}

	if err := os.RemoveAll(ws); err != nil {
		t.Fatal(err)
	}
	if got := line(); !strings.HasSuffix(got, "\t"+ws+" (orphan)") {
		t.Errorf("with its folder deleted, ps lists %q; want it marked an orphan", got)
	}
	out, errOut, code := c.run("stop", id)
	if code != 0 || !strings.Contains(errOut, "session "+id+" of sql-join stopped") {
		t.Errorf("stop %s: exit %d\n%s%s", id, code, out, errOut)
	}
	dockertest.NoLeftovers(t, d, engine.LabelSession+"="+id, "lab stop "+id)
	if got := line(); got != "" {
		t.Errorf("after stop, ps still lists %q", got)
	}
}
