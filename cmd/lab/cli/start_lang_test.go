package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Test_startRunLang: --lang copies that language's starter and the
// workspace remembers it; a language the lab does not offer, or another
// than an existing workspace's, is a usage error that starts nothing.
func Test_startRunLang(t *testing.T) {
	tests := []struct {
		name     string
		lang     string
		wantFile string // the starter file the workspace gets
		wantLang string // the language remembered
		wantErr  string
	}{
		{name: "the default", lang: "", wantFile: "cache.py", wantLang: "python"},
		{name: "go", lang: "go", wantFile: "cache.go", wantLang: "go"},
		{name: "node", lang: "node", wantFile: "cache.js", wantLang: "node"},
		{name: "unknown", lang: "cobol", wantErr: `unknown language "cobol" (known: python, node, go); lab redis-cache-aside is offered in python, node, go`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			drv := &fakeDriver{start: &fakeEnv{id: "s-new"}}
			w := newWorkspaceTest(t, false, "sql-join", "", nil, drv)
			t.Chdir(t.TempDir())
			dir := filepath.Join(t.TempDir(), "ws")
			err := startRun(context.Background(), &StartOptions{Deps: w.deps, Lab: "redis-cache-aside", Dir: dir, Lang: tt.lang})
			if tt.wantErr != "" {
				if ExitCode(err) != ExitUsage || err.Error() != tt.wantErr || len(drv.kept) != 0 {
					t.Fatalf("err = %v, starts %v; want the usage error %q and no start", err, drv.kept, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if got := strings.Join(names, " "); got != ".lab README.md "+tt.wantFile {
				t.Errorf("workspace holds %s, want .lab README.md %s", got, tt.wantFile)
			}
			w.dir = dir
			if got := w.workspace().Language; got != tt.wantLang {
				t.Errorf("remembered language %q, want %q", got, tt.wantLang)
			}
			// Again in the same folder in another language: refused.
			other := "node"
			if tt.wantLang == "node" {
				other = "go"
			}
			err = startRun(context.Background(), &StartOptions{Deps: w.deps, Lab: "redis-cache-aside", Dir: dir, Lang: other})
			if want := "holds redis-cache-aside's files in " + tt.wantLang; ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), want) {
				t.Errorf("start --lang %s in the %s workspace: %v, want a usage error containing %q", other, tt.wantLang, err, want)
			}
		})
	}
}
