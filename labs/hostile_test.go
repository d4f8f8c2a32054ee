package labs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// aliasBomb is a billion-laughs document: expected_rows expands to 9^9
// values if aliases are followed without a budget.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("x-l0: &l0 [x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i <= 8; i++ {
		prev := "*l" + string(rune('0'+i-1))
		b.WriteString("x-l" + string(rune('0'+i)) + ": &l" + string(rune('0'+i)) + " [")
		b.WriteString(strings.TrimSuffix(strings.Repeat(prev+", ", 9), ", "))
		b.WriteString("]\n")
	}
	b.WriteString(validBody)
	b.WriteString("    expected_rows: *l8\n")
	return b.String()
}

// mergeBomb nests merge keys so that expanding them all would take 9^8
// keys.
func mergeBomb() string {
	var b strings.Builder
	b.WriteString("x-m0: &m0 {a: 1}\n")
	for i := 1; i <= 8; i++ {
		prev := "*m" + string(rune('0'+i-1))
		b.WriteString("x-m" + string(rune('0'+i)) + ": &m" + string(rune('0'+i)) + " {<<: [")
		b.WriteString(strings.TrimSuffix(strings.Repeat(prev+", ", 9), ", "))
		b.WriteString("]}\n")
	}
	b.WriteString(validBody)
	b.WriteString("    <<: *m8\n")
	return b.String()
}

// validBody is a lab whose last check takes more fields.
const validBody = `id: demo
title: Demo lab
difficulty: beginner
services:
  db: {kind: postgres}
submission:
  - {file: query.sql, apply: query}
checks:
  - name: rows
    type: sql.result
    query_file: query.sql
`

// TestLoadHostileYAML: documents built to exhaust memory or the stack end
// in an error.
func TestLoadHostileYAML(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"alias bomb", aliasBomb(), "demo/lab.yaml:1:15: too many YAML values (more than 100000, counting every use of an alias); a lab.yaml is small"},
		{"merge-key bomb", mergeBomb(), "demo/lab.yaml:2:12: too many YAML values (more than 100000, counting every use of an alias); a lab.yaml is small"},
		{"deep nesting", validBody + "    expected_rows: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n",
			"demo/lab.yaml:12:55: value nested more than 32 levels deep"},
		{"nesting beyond the parser's limit", strings.Repeat("[", 20000), "demo/lab.yaml:1: invalid YAML: exceeded max depth of 10000"},
		{"binary", "\x7fELF\x02\x01\x01\x00\x00\x00", "demo/lab.yaml: binary data, not YAML text (the file holds NUL bytes)"},
		{"not UTF-8", "id: \xff\xfe\n", "demo/lab.yaml: not UTF-8 text"},
		{"empty", "", "demo/lab.yaml: empty file (a lab.yaml starts with id, title, difficulty, …)"},
		{"only a comment", "# nothing yet\n", "demo/lab.yaml: empty file (a lab.yaml starts with id, title, difficulty, …)"},
		{"a scalar", "hello\n", "demo/lab.yaml:1:1: expected the lab (a mapping of fields), got \"hello\""},
		{"control characters", "id: \x01\n", "demo/lab.yaml:1: invalid YAML: control characters are not allowed"},
		{"non-string key", validBody + "    expected_query: SELECT 1\n    [a]: 1\n", "demo/lab.yaml:13:5: a key must be a plain string, not a list"},
		{"unresolvable merge", validBody + "    expected_query: SELECT 1\n    <<: 3\n", "demo/lab.yaml:13:9: a merge key (<<) takes a mapping or a list of mappings, not \"3\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(demoFS(t, []byte(tt.data)), "demo")
			got := errorLines(t, err)
			if len(got) == 0 || got[0] != tt.want {
				t.Errorf("errors:\n  %s\nwant first:\n  %s", strings.Join(got, "\n  "), tt.want)
			}
		})
	}
}

// TestLoadHostileFiles: what is not a small regular lab.yaml in a lab
// folder is refused before it is read.
func TestLoadHostileFiles(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string // after "<dir>/lab.yaml: "
	}{
		{"50 MB file", func(t *testing.T, dir string) {
			f, err := os.Create(filepath.Join(dir, FileName))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(50 << 20); err != nil {
				t.Fatal(err)
			}
		}, "file is 50 MiB; a lab.yaml may be at most 1 MiB"},
		{"a folder", func(t *testing.T, dir string) {
			if err := os.Mkdir(filepath.Join(dir, FileName), 0o755); err != nil {
				t.Fatal(err)
			}
		}, "is a folder, not a file"},
		{"symlink loop", func(t *testing.T, dir string) {
			if err := os.Symlink(FileName, filepath.Join(dir, FileName)); err != nil {
				t.Fatal(err)
			}
		}, "cannot read: too many levels of symbolic links"},
		{"missing", func(t *testing.T, dir string) {}, "no such file (every lab folder holds a lab.yaml)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "demo")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			tt.setup(t, dir)
			_, err := LoadDir(dir)
			got := errorLines(t, err)
			want := filepath.Join(dir, FileName) + ": " + tt.want
			if len(got) != 1 || got[0] != want {
				t.Errorf("errors:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), want)
			}
		})
	}
}

// TestLoadBadFolders: a lab folder outside the FS, missing or not a folder.
func TestLoadBadFolders(t *testing.T) {
	fsys := fstest.MapFS{"file": &fstest.MapFile{Data: []byte("x")}}
	tests := []struct {
		dir, want string
	}{
		{"../demo", `../demo: invalid lab folder "../demo" (a lab is a folder inside its catalog: no "..", no leading /)`},
		{"/etc", `/etc: invalid lab folder "/etc" (a lab is a folder inside its catalog: no "..", no leading /)`},
		{"nope", "nope: cannot read the lab folder: file does not exist"},
		{"file", "file: not a folder (a lab is a folder holding lab.yaml)"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			_, err := Load(fsys, tt.dir)
			if got := errorLines(t, err); len(got) != 1 || got[0] != tt.want {
				t.Errorf("errors:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), tt.want)
			}
		})
	}
}
