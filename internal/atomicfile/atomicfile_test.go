package atomicfile

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "gradebook.csv")
	if err := WriteFile(p, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != "new\n" {
		t.Fatalf("content %q, %v; want new", b, err)
	}
	if fi, _ := os.Stat(p); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	if n := RemoveTemps(dir); n != 0 {
		t.Errorf("%d temporary files left after a good write", n)
	}
}

func TestWriteFileFailsWithoutTouchingTarget(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "missing", "x.json")
	if err := WriteFile(p, []byte("x"), 0o644); err == nil {
		t.Fatal("a write into a missing folder succeeded")
	}
	// The target is a folder: the rename fails, the temp file goes.
	target := filepath.Join(dir, "taken")
	if err := os.MkdirAll(filepath.Join(target, "child"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(target, []byte("x"), 0o644); err == nil {
		t.Fatal("renaming over a non-empty folder succeeded")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "taken" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestRemoveTemps(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{TempPrefix + "a-1", TempPrefix + "b-2", "keep.json"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if n := RemoveTemps(dir); n != 2 {
		t.Errorf("removed %d, want 2", n)
	}
	if _, err := os.Stat(filepath.Join(dir, "keep.json")); err != nil {
		t.Errorf("a result was removed: %v", err)
	}
}
