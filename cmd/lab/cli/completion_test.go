package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// complete runs `lab __complete args…` (what the shell scripts run) with
// env and in dir, and returns the candidates (without descriptions) and
// the directive line.
func complete(t *testing.T, dir string, env map[string]string, args ...string) ([]string, string) {
	t.Helper()
	if dir != "" {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chdir(dir); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chdir(wd) })
	}
	io, out, _ := TestStreams()
	deps := &Deps{IO: io, Getenv: func(k string) string { return env[k] }}
	if code := Main(context.Background(), append([]string{cobra.ShellCompRequestCmd}, args...), deps); code != 0 {
		t.Fatalf("lab __complete %q: exit %d", args, code)
	}
	var got []string
	directive := ""
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if strings.HasPrefix(line, ":") {
			directive = line
			continue
		}
		name, _, _ := strings.Cut(line, "\t")
		got = append(got, name)
	}
	return got, directive
}

func TestCompletion(t *testing.T) {
	catalog := t.TempDir()
	if err := os.CopyFS(filepath.Join(catalog, "my-joins"), os.DirFS("../../../labs/sql-join")); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(catalog, "my-joins", "lab.yaml"), []byte(strings.Replace(
		string(mustReadFile(t, "../../../labs/sql-join/lab.yaml")), "id: sql-join", "id: my-joins", 1)), 0o644)

	ws := newWorkspaceTest(t, false, "redis-cache-aside", "", nil, &fakeDriver{}).dir
	noFiles := ":4" // ShellCompDirectiveNoFileComp
	dirs := ":16"   // ShellCompDirectiveFilterDirs
	list := ":6"    // NoFileComp | NoSpace
	anyFile := ":0" // ShellCompDirectiveDefault
	tests := []struct {
		name      string
		dir       string
		env       map[string]string
		args      []string
		want      []string
		directive string
	}{
		// A prefix no new SQL lab changes (sql-… grows with the catalog).
		{"lab ids of the bundled catalog", "", nil, []string{"start", "sql-j"}, []string{"sql-join"}, noFiles},
		{"lab ids of --labs", "", nil, []string{"--labs", catalog, "show", ""}, []string{"my-joins"}, noFiles},
		{"lab ids of LAB_CATALOG", "", map[string]string{"LAB_CATALOG": catalog}, []string{"grade", "my"}, []string{"my-joins"}, noFiles},
		{"start's second argument is a folder", "", nil, []string{"start", "sql-join", ""}, nil, dirs},
		{"grade's path is a file or folder", "", nil, []string{"grade", "sql-join", ""}, nil, anyFile},
		{"services of the workspace's lab", ws, nil, []string{"shell", ""}, []string{"app", "cache", "db"}, noFiles},
		{"services of the workspace named by -C", "", nil, []string{"shell", "-C", ws, "c"}, []string{"cache"}, noFiles},
		{"no services outside a workspace", t.TempDir(), nil, []string{"shell", ""}, nil, noFiles},
		{"check formats", "", nil, []string{"check", "--format", ""}, checkFormats, noFiles},
		{"grade formats", "", nil, []string{"grade", "--format", "j"}, []string{"json", "junit"}, list},
		{"grade formats after a comma leave out those given", "", nil, []string{"grade", "--format", "csv,"}, []string{"csv,terminal", "csv,tsv", "csv,json", "csv,junit", "csv,html", "csv,github", "csv,canvas", "csv,moodle"}, list},
		{"merge formats", "", nil, []string{"grade", "merge", "--format", "ht"}, []string{"html"}, list},
		{"images list formats", "", nil, []string{"images", "list", "--format", ""}, imagesListFormats, noFiles},
		{"new kinds", "", nil, []string{"new", "--kind", ""}, scaffoldKinds(), noFiles},
		{"new --from lab ids", "", nil, []string{"new", "--from", "redis-"}, []string{"redis-cache-aside", "redis-rate-limit"}, noFiles},
		{"--dir is a folder", "", nil, []string{"check", "-C", ""}, nil, dirs},
		{"--labs is a folder", "", nil, []string{"--labs", ""}, nil, dirs},
		{"--out is a folder", "", nil, []string{"grade", "--out", ""}, nil, dirs},
		{"stop takes a folder", "", nil, []string{"stop", ""}, nil, dirs},
		{"test takes folders", "", nil, []string{"test", ""}, nil, dirs},
		{"images build kinds", "", nil, []string{"images", "build", "po"}, []string{"postgres"}, noFiles},
		{"images pull lab ids", "", nil, []string{"images", "pull", "nginx-s"}, []string{"nginx-static"}, noFiles},
		{"no argument after the last", "", nil, []string{"show", "sql-join", ""}, nil, noFiles},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, directive := complete(t, tt.dir, tt.env, tt.args...)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("lab __complete %q = %q, want %q", tt.args, got, tt.want)
			}
			if directive != tt.directive {
				t.Errorf("lab __complete %q: directive %s, want %s", tt.args, directive, tt.directive)
			}
		})
	}
}

// TestCompletedFormatsAreAccepted: every format completion offers is one
// the command takes, so that the lists here cannot drift from the flags.
func TestCompletedFormatsAreAccepted(t *testing.T) {
	for _, f := range checkFormats {
		io, _, _ := TestStreams()
		cmd := NewCmdCheck(&Deps{IO: io, Getenv: func(string) string { return "" }}, func(context.Context, *CheckOptions) error { return nil })
		cmd.SetArgs([]string{"--format", f})
		if err := cmd.Execute(); err != nil {
			t.Errorf("lab check --format %s: %v", f, err)
		}
	}
	for _, f := range gradeFormatNames() {
		if _, err := parseFormats([]string{f}, ""); err != nil {
			t.Errorf("lab grade --format %s: %v", f, err)
		}
	}
}

// TestEveryCommandHasAnExample walks the command tree: every command a
// user can see shows at least one example in its help, as gh's do.
func TestEveryCommandHasAnExample(t *testing.T) {
	io, _, _ := TestStreams()
	root := NewCmdRoot(&Deps{IO: io, Getenv: func(string) string { return "" }})
	n := 0
	walk(root, func(cmd *cobra.Command) {
		if cmd.Hidden || cmd.IsAdditionalHelpTopicCommand() {
			return // a help topic (lab help exit-codes) is read, not run
		}
		n++
		if strings.TrimSpace(cmd.Example) == "" {
			t.Errorf("%s has no Example", cmd.CommandPath())
		}
		if !strings.Contains(cmd.Example, "lab "+strings.TrimPrefix(cmd.CommandPath(), "lab ")) && cmd != root {
			t.Errorf("%s: no example runs it:\n%s", cmd.CommandPath(), cmd.Example)
		}
	})
	if n < 20 {
		t.Errorf("walked %d commands; the tree has more", n)
	}
}

func mustReadFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
