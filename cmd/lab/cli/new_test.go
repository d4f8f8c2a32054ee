package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/labs"
)

// Test_newRun: lab new copies a lab into a new folder, with the id
// changed to the folder's name, so that the copy validates as a catalog
// of its own; it refuses a folder that exists and a name that is no id.
func Test_newRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my-labs", "joins")
	io, _, errOut := TestStreams()
	deps := &Deps{IO: io, Getenv: func(string) string { return "" }}
	if err := newRun(context.Background(), &NewOptions{Deps: deps, Dir: dir, From: "sql-join"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), `created `+dir+`: lab "joins", a copy of sql-join`) {
		t.Errorf("stderr %q", errOut)
	}
	for _, f := range []string{"README.md", "fixtures/seed.sql", "starter/solution.sql", "solution/solution.sql", "wrong/inner-join/solution.sql"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("copy lacks %s: %v", f, err)
		}
	}
	got, err := labs.LoadCatalogDir(filepath.Dir(dir))
	if err != nil || len(got) != 1 || got[0].ID != "joins" {
		t.Fatalf("the copy as a catalog: %v, %v", got, err)
	}
	yaml, _ := os.ReadFile(filepath.Join(dir, "lab.yaml"))
	if !strings.HasPrefix(string(yaml), "# yaml-language-server") || strings.Contains(string(yaml), "id: sql-join") {
		t.Errorf("lab.yaml not kept but for its id:\n%s", yaml[:200])
	}

	err = newRun(context.Background(), &NewOptions{Deps: deps, Dir: dir, From: "sql-join"})
	if ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), "overwrites nothing") {
		t.Errorf("existing folder: %v", err)
	}
	err = newRun(context.Background(), &NewOptions{Deps: deps, Dir: filepath.Join(t.TempDir(), "My Lab"), From: "sql-join"})
	if ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), "lower-case letters") {
		t.Errorf("bad id: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) != 1 {
		t.Errorf("left beside the lab: %v", entries)
	}
}
