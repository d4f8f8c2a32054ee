package workflows

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// root is the repository root, from this package's folder.
const root = "../.."

// workflow is one workflow to lint: its text and where it came from.
type workflow struct {
	path string // file, relative to the repository root
	line int    // line of path where the text begins, 1-based
	text []byte
}

// lint runs actionlint over w and returns its messages as
// "path:line:col: message [rule]", with lines counted in w.path.
func lint(t *testing.T, w workflow) []string {
	t.Helper()
	proj, err := actionlint.NewProject(absRoot(t))
	if err != nil {
		t.Fatalf("actionlint project: %v", err)
	}
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{
		Color: actionlint.ColorOptionKindNever,
		// External programs are off, explicitly: the same result on every
		// machine, whatever is installed.
		Shellcheck: "",
		Pyflakes:   "",
	})
	if err != nil {
		t.Fatalf("actionlint: %v", err)
	}
	errs, err := l.Lint(w.path, w.text, proj)
	if err != nil {
		t.Fatalf("actionlint %s: %v", w.path, err)
	}
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, fmt.Sprintf("%s:%d:%d: %s [%s]", w.path, w.line+e.Line-1, e.Column, e.Message, e.Kind))
	}
	return msgs
}

func absRoot(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// readWorkflows returns the workflows in the .yml and .yaml files of dir
// and in the ```yaml blocks of its .md files, with paths relative to root.
func readWorkflows(t *testing.T, dir string) []workflow {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(root, dir))
	if err != nil {
		t.Fatalf("read %s: %v", dir, err)
	}
	var ws []workflow
	for _, e := range entries {
		rel := filepath.ToSlash(filepath.Join(dir, e.Name()))
		if e.IsDir() {
			continue
		}
		text, err := os.ReadFile(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(rel) {
		case ".yml", ".yaml":
			ws = append(ws, workflow{path: rel, line: 1, text: text})
		case ".md":
			ws = append(ws, markdownWorkflows(rel, text)...)
		}
	}
	return ws
}

// markdownWorkflows returns the ```yaml (or ```yml) blocks of a Markdown
// file that look like workflows: those with a top-level jobs: key.
func markdownWorkflows(path string, text []byte) []workflow {
	var ws []workflow
	var cur *workflow
	sc := bufio.NewScanner(bytes.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		fence := strings.TrimSpace(line)
		switch {
		case cur == nil && (fence == "```yaml" || fence == "```yml"):
			cur = &workflow{path: path, line: n + 1}
		case cur != nil && fence == "```":
			if hasJobs(cur.text) {
				ws = append(ws, *cur)
			}
			cur = nil
		case cur != nil:
			cur.text = append(cur.text, line...)
			cur.text = append(cur.text, '\n')
		}
	}
	return ws
}

func hasJobs(text []byte) bool {
	return slices.ContainsFunc(strings.Split(string(text), "\n"), func(l string) bool {
		return strings.HasPrefix(l, "jobs:")
	})
}

// TestWorkflows lints the repository's workflows and the ones its docs
// show; any actionlint message fails it.
func TestWorkflows(t *testing.T) {
	var ws []workflow
	ws = append(ws, readWorkflows(t, ".github/workflows")...)
	ws = append(ws, readWorkflows(t, "docs")...)
	ws = append(ws, readWorkflows(t, "docs/workflows")...)
	if !slices.ContainsFunc(ws, func(w workflow) bool { return w.path == ".github/workflows/release.yml" }) {
		t.Errorf("no .github/workflows/release.yml among %d workflows: is the root %q right?", len(ws), root)
	}
	if !slices.ContainsFunc(ws, func(w workflow) bool { return w.path == "docs/workflows/grade-pushes.yml" }) {
		t.Errorf("no docs/workflows/grade-pushes.yml among %d workflows", len(ws))
	}
	if !slices.ContainsFunc(ws, func(w workflow) bool { return strings.HasPrefix(w.path, "docs/") }) {
		t.Errorf("no workflow found in docs/*.md: has the fence or the page changed?")
	}
	for _, w := range ws {
		t.Run(fmt.Sprintf("%s:%d", w.path, w.line), func(t *testing.T) {
			for _, m := range lint(t, w) {
				t.Error(m)
			}
		})
	}
}

// TestBrokenWorkflows proves that the lint fails on broken workflows, and
// that messages point at the right line, in a file and in a Markdown block.
func TestBrokenWorkflows(t *testing.T) {
	ws := readWorkflows(t, "internal/workflows/testdata")
	want := map[string][]string{
		"internal/workflows/testdata/broken.yml": {
			`internal/workflows/testdata/broken.yml:7:3: job "test" needs job "biuld" which does not exist in this workflow [job-needs]`,
			`internal/workflows/testdata/broken.yml:11:23: property "shard" is not defined in object type {} [expression]`,
		},
		"internal/workflows/testdata/broken.md": {
			`internal/workflows/testdata/broken.md:18:11: input "retension-days" is not defined in action "actions/upload-artifact@v7". available inputs are "archive", "compression-level", "if-no-files-found", "include-hidden-files", "name", "overwrite", "path", "retention-days" [action]`,
		},
	}
	got := map[string][]string{}
	for _, w := range ws {
		got[w.path] = append(got[w.path], lint(t, w)...)
	}
	for path, msgs := range want {
		if !slices.Equal(got[path], msgs) {
			t.Errorf("actionlint on %s:\n got  %q\n want %q", path, got[path], msgs)
		}
	}
}

// TestDocWorkflowFiles: each workflow file under docs/workflows is shown,
// as it is, in a ```yaml block of a page in docs/, so that the page and
// the file (which TestWorkflows lints) never drift apart.
func TestDocWorkflowFiles(t *testing.T) {
	files := readWorkflows(t, "docs/workflows")
	if len(files) == 0 {
		t.Fatal("no workflow in docs/workflows")
	}
	blocks := readWorkflows(t, "docs")
	for _, f := range files {
		if !slices.ContainsFunc(blocks, func(b workflow) bool { return bytes.Equal(b.text, f.text) }) {
			t.Errorf("%s is not shown as it is in any ```yaml block of docs/*.md: copy it into the page", f.path)
		}
	}
}
