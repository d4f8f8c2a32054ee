package workspace

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRestoreFiles(t *testing.T) {
	now := time.Date(2026, 12, 2, 13, 40, 5, 0, time.UTC)
	starter := map[string][]byte{"solution.sql": []byte("-- TODO\n"), "app/main.py": []byte("pass\n")}
	tests := []struct {
		name         string
		files        map[string]string // the workspace's files before
		names        []string
		wantRestored []string
		wantBackup   map[string]string // what the backup holds
		wantErr      string
	}{
		{name: "edited", files: map[string]string{"solution.sql": "SELECT 1;\n", "app/main.py": "print(1)\n"},
			names: []string{"solution.sql", "app/main.py"}, wantRestored: []string{"solution.sql", "app/main.py"},
			wantBackup: map[string]string{"solution.sql": "SELECT 1;\n", "app/main.py": "print(1)\n"}},
		{name: "one untouched", files: map[string]string{"solution.sql": "-- TODO\n", "app/main.py": "print(1)\n"},
			names: []string{"solution.sql", "app/main.py"}, wantRestored: []string{"app/main.py"},
			wantBackup: map[string]string{"app/main.py": "print(1)\n"}},
		{name: "all untouched", files: map[string]string{"solution.sql": "-- TODO\n"}, names: []string{"solution.sql"}},
		{name: "deleted", files: map[string]string{}, names: []string{"solution.sql"},
			wantRestored: []string{"solution.sql"}},
		{name: "no starter", files: map[string]string{"extra.txt": "mine\n"}, names: []string{"extra.txt"},
			wantRestored: []string{"extra.txt"}, wantBackup: map[string]string{"extra.txt": "mine\n"}},
		{name: "outside", names: []string{"../x"}, wantErr: `file "../x" is outside the workspace`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &Workspace{Dir: t.TempDir(), State: State{Lab: "x"}}
			for name, content := range tt.files {
				p := filepath.Join(w.Dir, name)
				os.MkdirAll(filepath.Dir(p), 0o755)
				os.WriteFile(p, []byte(content), 0o644)
			}
			res, err := w.RestoreFiles(tt.names, starter, now)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Files, tt.wantRestored) {
				t.Errorf("restored %v, want %v", res.Files, tt.wantRestored)
			}
			for _, name := range tt.names {
				b, err := os.ReadFile(filepath.Join(w.Dir, name))
				if st := starter[name]; st != nil && string(b) != string(st) || st == nil && err == nil {
					t.Errorf("%s is %q (%v) after the restore, want the starter %q", name, b, err, st)
				}
			}
			if tt.wantBackup == nil {
				if res.Backup != "" {
					t.Errorf("backup %s made with nothing restored", res.Backup)
				}
				return
			}
			if want := filepath.Join(w.Dir, ".lab", "backup", "20261202-134005"); res.Backup != want {
				t.Errorf("backup in %s, want %s", res.Backup, want)
			}
			got := map[string]string{}
			filepath.WalkDir(res.Backup, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					b, _ := os.ReadFile(p)
					rel, _ := filepath.Rel(res.Backup, p)
					got[filepath.ToSlash(rel)] = string(b)
				}
				return err
			})
			if len(got) != len(tt.wantBackup) {
				t.Errorf("backup holds %v, want %v", got, tt.wantBackup)
			}
			for k, v := range tt.wantBackup {
				if got[k] != v {
					t.Errorf("backup of %s is %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// TestRestoreFilesTwice: a second restore in the same second keeps the
// first backup.
func TestRestoreFilesTwice(t *testing.T) {
	w := &Workspace{Dir: t.TempDir()}
	now := time.Date(2026, 12, 2, 13, 40, 5, 0, time.UTC)
	starter := map[string][]byte{"a": []byte("start")}
	var backups []string
	for _, mine := range []string{"one", "two"} {
		os.WriteFile(filepath.Join(w.Dir, "a"), []byte(mine), 0o644)
		res, err := w.RestoreFiles([]string{"a"}, starter, now)
		if err != nil {
			t.Fatal(err)
		}
		backups = append(backups, res.Backup)
		if b, _ := os.ReadFile(filepath.Join(res.Backup, "a")); string(b) != mine {
			t.Errorf("backup %s holds %q, want %q", res.Backup, b, mine)
		}
	}
	if backups[0] == backups[1] || !strings.HasSuffix(backups[1], "-2") {
		t.Errorf("backups %v; want two folders, the second with -2", backups)
	}
}
