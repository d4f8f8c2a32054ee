package journal

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
)

func TestSubmissionKey(t *testing.T) {
	base := runner.Submission{"solution.sql": "SELECT 1", "notes.md": "hi"}
	tests := []struct {
		name  string
		files runner.Submission
		same  bool
	}{
		{"the same files", runner.Submission{"notes.md": "hi", "solution.sql": "SELECT 1"}, true},
		{"one byte changed", runner.Submission{"solution.sql": "SELECT 2", "notes.md": "hi"}, false},
		{"a file missing", runner.Submission{"solution.sql": "SELECT 1"}, false},
		{"a file renamed", runner.Submission{"solution2.sql": "SELECT 1", "notes.md": "hi"}, false},
		{"content moved into the name", runner.Submission{"solution.sqlS": "ELECT 1", "notes.md": "hi"}, false},
		{"no files", runner.Submission{}, false},
	}
	want := SubmissionKey(base)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SubmissionKey(tt.files); (got == want) != tt.same {
				t.Errorf("key %s vs %s: same = %v, want %v", got, want, got == want, tt.same)
			}
		})
	}
}

func TestLabKey(t *testing.T) {
	files := map[string]string{
		"lab.yaml":                       "id: demo\nchecks: []\n",
		"README.md":                      "# the task",
		"fixtures/seed.sql":              "INSERT 1",
		"fixtures/variant-seed.sql":      "INSERT 2",
		"solution/solution.sql":          "SELECT 1",
		"starter/solution.sql":           "-- TODO",
		"wrong/inner-join/solution.sql":  "SELECT 0",
		"alternatives/cte/solution.sql":  "WITH x AS (SELECT 1) SELECT * FROM x",
		"images/README.txt":              "kept: anything else the lab holds is hashed",
		"fixtures/nested/more/extra.sql": "INSERT 3",
	}
	write := func(t *testing.T, dir string, files map[string]string) {
		for name, content := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	key := func(t *testing.T, edit map[string]string, s Settings) string {
		dir := t.TempDir()
		write(t, dir, files)
		write(t, dir, edit)
		k, err := LabKey(&labs.Lab{ID: "demo", Dir: dir}, s)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	def := Settings{Deadline: 2 * time.Minute}
	want := key(t, nil, def)
	tests := []struct {
		name     string
		edit     map[string]string
		settings Settings
		same     bool
	}{
		{"nothing changed", nil, def, true},
		{"the task reworded", map[string]string{"README.md": "# another task"}, def, true},
		{"the starter edited", map[string]string{"starter/solution.sql": "-- start here"}, def, true},
		{"a known-wrong solution added", map[string]string{"wrong/count-star/solution.sql": "SELECT count(*)"}, def, true},
		{"an alternative edited", map[string]string{"alternatives/cte/solution.sql": "SELECT 1"}, def, true},
		{"a check edited", map[string]string{"lab.yaml": "id: demo\nchecks: [{name: x}]\n"}, def, false},
		{"a fixture edited", map[string]string{"fixtures/seed.sql": "INSERT 9"}, def, false},
		{"a hidden variant's data edited", map[string]string{"fixtures/variant-seed.sql": "INSERT 8"}, def, false},
		{"a nested fixture added", map[string]string{"fixtures/nested/new.sql": "x"}, def, false},
		{"the reference edited", map[string]string{"solution/solution.sql": "SELECT 2"}, def, false},
		{"another deadline", nil, Settings{Deadline: time.Minute}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := key(t, tt.edit, tt.settings); (got == want) != tt.same {
				t.Errorf("same key = %v, want %v", got == want, tt.same)
			}
		})
	}
}

// The bundled catalog (embedded in the binary) and the same labs read
// from disk (--labs) are the same labs: their results are reused across.
func TestLabKeyEmbeddedEqualsOnDisk(t *testing.T) {
	embedded, err := labs.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	onDisk, err := labs.LoadCatalogDir("../../labs")
	if err != nil {
		t.Fatal(err)
	}
	find := func(all []*labs.Lab, id string) *labs.Lab {
		for _, l := range all {
			if l.ID == id {
				return l
			}
		}
		t.Fatalf("no lab %s", id)
		return nil
	}
	s := Settings{Deadline: time.Minute}
	a, err1 := LabKey(find(embedded, "sql-join"), s)
	b, err2 := LabKey(find(onDisk, "sql-join"), s)
	if err1 != nil || err2 != nil || a != b {
		t.Errorf("embedded %s (%v), on disk %s (%v): want one key", a, err1, b, err2)
	}
	if c, _ := LabKey(find(onDisk, "sql-index"), s); c == a {
		t.Error("two labs share a key")
	}
}
