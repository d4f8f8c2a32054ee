package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestNewCmdListFlags(t *testing.T) {
	io, _, _ := TestStreams()
	var got *ListOptions
	cmd := NewCmdList(&Deps{IO: io}, func(_ context.Context, o *ListOptions) error { got = o; return nil })
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	cmd.SetArgs([]string{"--json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !got.JSON {
		t.Error("--json not set")
	}
	cmd.SetArgs([]string{"extra"})
	if err := cmd.Execute(); ExitCode(err) != ExitUsage {
		t.Errorf("an argument: %v, want a usage error", err)
	}
}

// writeProgress records that the learner passed lab id.
func writeProgress(t *testing.T, stateDir, id string) {
	t.Helper()
	b := `{"labs": {"` + id + `": {"passed": true, "best_score": 3, "max_score": 3}}}`
	if err := os.WriteFile(filepath.Join(stateDir, "progress.json"), []byte(b), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestList(t *testing.T) {
	c := newCatalogTest(t, "beta", "alpha")
	writeProgress(t, c.env["LAB_STATE_DIR"], "beta")
	c.env["NO_COLOR"] = "1"

	t.Run("piped", func(t *testing.T) {
		out, errOut, code := c.run(false, "list", "--labs", c.dir)
		want := []string{
			"alpha\tDemo lab\tintermediate\tpostgres,nginx\t",
			"beta\tDemo lab\tintermediate\tpostgres,nginx\tpassed",
		}
		if code != 0 || !slices.Equal(outputLines(out), want) {
			t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
		}
	})
	t.Run("terminal", func(t *testing.T) {
		out, _, code := c.run(true, "list", "--labs", c.dir)
		want := []string{
			"ID     TITLE     DIFFICULTY    SERVICES         STATUS",
			"alpha  Demo lab  intermediate  postgres, nginx  ",
			"beta   Demo lab  intermediate  postgres, nginx  ✓ passed",
		}
		if code != 0 || !slices.Equal(outputLines(out), want) {
			t.Errorf("exit %d, stdout:\n%s\nwant:\n%s", code, out, strings.Join(want, "\n"))
		}
	})
	t.Run("json", func(t *testing.T) {
		out, _, code := c.run(false, "list", "--json", "--labs", c.dir)
		var got []listEntry
		if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 {
			t.Fatalf("exit %d, %v:\n%s", code, err, out)
		}
		if len(got) != 2 || got[0].ID != "alpha" || got[1].Status != "passed" || got[0].Estimate != "20m" ||
			len(got[0].Services) != 2 || got[0].Services[0] != (listService{Name: "db", Kind: "postgres"}) {
			t.Errorf("entries = %+v", got)
		}
	})
	t.Run("bundled", func(t *testing.T) {
		out, _, code := c.run(false, "list")
		if code != 0 || !strings.Contains(out, "sql-join\tCustomers and what they spent\tbeginner\tpostgres\t") {
			t.Errorf("exit %d, stdout %q", code, out)
		}
	})
}

// TestListBrokenCatalog lists the labs that load and reports the others.
func TestListBrokenCatalog(t *testing.T) {
	c := newCatalogTest(t, "good")
	c.write("bad/lab.yaml", "id: bad\n")
	out, errOut, code := c.run(false, "list", "--labs", c.dir)
	if code != ExitUsage || !strings.HasPrefix(out, "good\t") {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errOut, filepath.Join(c.dir, "bad", "lab.yaml")+`:1:1: missing field "title"`) {
		t.Errorf("stderr %q", errOut)
	}
}

// TestListStatusHook: ListOptions.LearnerStatus replaces the progress file.
func TestListStatusHook(t *testing.T) {
	c := newCatalogTest(t, "alpha")
	io, out, _ := TestStreams()
	opts := &ListOptions{
		Deps:          &Deps{IO: io, Getenv: func(string) string { return "" }, Catalog: c.dir},
		LearnerStatus: func(id string) string { return "status of " + id },
	}
	if err := listRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "alpha\tDemo lab\tintermediate\tpostgres,nginx\tstatus of alpha\n" {
		t.Errorf("stdout %q", got)
	}
}
