package workspace

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestProgressRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "progress.json")
	p, err := LoadProgress(path)
	if err != nil {
		t.Fatal(err)
	}
	p.RecordCheck("sql-join", 1, 3, false, time.Unix(0, 0))
	p.RecordCheck("sql-join", 3, 3, true, time.Unix(1, 0))
	p.RecordCheck("sql-join", 2, 3, false, time.Unix(2, 0))
	p.Lab("sql-join").HintsUsed = 2
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	q, err := LoadProgress(path)
	if err != nil {
		t.Fatal(err)
	}
	lp := q.Labs["sql-join"]
	if !lp.Passed || lp.BestScore != 3 || lp.Checks != 3 || lp.HintsUsed != 2 || lp.Status() != "passed" {
		t.Errorf("got %+v", lp)
	}
}

func TestProgressCorruptedIsReported(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	os.WriteFile(path, []byte(`{"labs": {`), 0o644)
	_, err := LoadProgress(path)
	if err == nil || !strings.Contains(err.Error(), "is corrupted") {
		t.Fatalf("err = %v", err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != `{"labs": {` {
		t.Errorf("corrupted file was changed: %q", b)
	}
}

func TestWorkspaceFindAndCorruption(t *testing.T) {
	dir := t.TempDir()
	w := &Workspace{Dir: dir, State: State{Lab: "sql-join", Session: "abc"}}
	if err := w.Save(); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "a", "b")
	os.MkdirAll(sub, 0o755)
	found, err := Find(sub)
	if err != nil || found.State.Lab != "sql-join" || found.Dir != dir {
		t.Fatalf("FindWorkspace = %+v, %v", found, err)
	}
	if _, err := Find(t.TempDir()); err != ErrNoWorkspace {
		t.Errorf("err = %v, want ErrNoWorkspace", err)
	}
	os.WriteFile(statePath(dir), []byte("garbage"), 0o644)
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), "corrupted") {
		t.Errorf("err = %v", err)
	}
}

func TestReadFilesLeavesOutMissing(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "app"), 0o755)
	os.WriteFile(filepath.Join(dir, "solution.sql"), []byte("SELECT 1"), 0o644)
	os.WriteFile(filepath.Join(dir, "app", "main.py"), []byte("print()"), 0o644)
	w := &Workspace{Dir: dir}
	got, err := w.ReadFiles([]string{"solution.sql", "app/main.py", "missing.sql"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"solution.sql": "SELECT 1", "app/main.py": "print()"}
	if !maps.Equal(got, want) {
		t.Errorf("ReadFiles = %q, want %q", got, want)
	}
}
