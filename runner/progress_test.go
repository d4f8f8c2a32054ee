package runner

import (
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
	w := &Workspace{Dir: dir, State: WorkspaceState{Lab: "sql-join", Session: "abc"}}
	if err := w.Save(); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "a", "b")
	os.MkdirAll(sub, 0o755)
	found, err := FindWorkspace(sub)
	if err != nil || found.State.Lab != "sql-join" || found.Dir != dir {
		t.Fatalf("FindWorkspace = %+v, %v", found, err)
	}
	if _, err := FindWorkspace(t.TempDir()); err != ErrNoWorkspace {
		t.Errorf("err = %v, want ErrNoWorkspace", err)
	}
	os.WriteFile(statePath(dir), []byte("garbage"), 0o644)
	if _, err := OpenWorkspace(dir); err == nil || !strings.Contains(err.Error(), "corrupted") {
		t.Errorf("err = %v", err)
	}
}
