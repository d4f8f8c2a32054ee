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

// Test_newScaffold: lab new --kind writes the kind's scaffold with the
// id of the folder, and it loads as a lab of that kind.
func Test_newScaffold(t *testing.T) {
	for _, kind := range scaffoldKinds() {
		t.Run(kind, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "my-labs", "first-"+kind)
			io, _, errOut := TestStreams()
			deps := &Deps{IO: io, Getenv: func(string) string { return "" }}
			if err := newRun(context.Background(), &NewOptions{Deps: deps, Dir: dir, Kind: kind}); err != nil {
				t.Fatal(err)
			}
			if want := `created ` + dir + `: lab "first-` + kind + `", from the ` + kind + ` scaffold`; !strings.Contains(errOut.String(), want) {
				t.Errorf("stderr %q, want %q", errOut, want)
			}
			got, err := labs.LoadCatalogDir(filepath.Dir(dir))
			if err != nil || len(got) != 1 || got[0].ID != "first-"+kind {
				t.Fatalf("the scaffold as a catalog: %v, %v", got, err)
			}
			found := false
			for _, s := range got[0].Services {
				found = found || s.Kind == kind
			}
			if !found {
				t.Errorf("the %s scaffold has no %s service", kind, kind)
			}
			if len(got[0].Wrong) == 0 {
				t.Errorf("the %s scaffold has no known-wrong solution", kind)
			}
		})
	}
}

func TestNewFlags(t *testing.T) {
	tests := []struct {
		args     []string
		wantKind string
		wantFrom string
		wantErr  string
	}{
		{[]string{"my-labs/a"}, "postgres", "", ""},
		{[]string{"my-labs/a", "--kind", "redis"}, "redis", "", ""},
		{[]string{"my-labs/a", "--from", "sql-join"}, "postgres", "sql-join", ""},
		{[]string{"my-labs/a", "--kind", "mysql"}, "", "", `--kind "mysql": no scaffold of that kind (known: postgres, redis, nginx, box, runtime)`},
		{[]string{"my-labs/a", "--kind", "box", "--from", "sql-join"}, "", "", "--kind makes a scaffold and --from copies a lab; give one of them"},
		{[]string{}, "", "", "accepts 1 arg(s), received 0"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			io, _, _ := TestStreams()
			var got *NewOptions
			cmd := NewCmdNew(&Deps{IO: io, Getenv: func(string) string { return "" }}, func(_ context.Context, o *NewOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Out)
			cmd.SetErr(io.ErrOut)
			err := cmd.Execute()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || ExitCode(err) != ExitUsage {
					t.Errorf("error %v (exit %d), want %q and exit 2", err, ExitCode(err), tt.wantErr)
				}
				return
			}
			if err != nil || got.Kind != tt.wantKind || got.From != tt.wantFrom {
				t.Errorf("got %+v, %v; want kind %q from %q", got, err, tt.wantKind, tt.wantFrom)
			}
		})
	}
}
