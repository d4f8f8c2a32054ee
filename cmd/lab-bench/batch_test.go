package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClassMix(t *testing.T) {
	tests := []struct {
		name         string
		n            int
		right, wrong []string
		wantPass     int
		wantNames    []string // first names, in order
	}{
		{"100 is 70 right and 30 wrong", 100, []string{"solution", "alternatives/a"}, []string{"wrong/x", "wrong/y", "wrong/z"}, 70,
			[]string{"s000-ok-solution", "s001-ok-a", "s002-wrong-x", "s003-ok-solution", "s004-ok-a", "s005-wrong-y"}},
		{"10 is the same mix", 10, []string{"solution"}, []string{"wrong/x"}, 7, nil},
		{"2 has no wrong one yet", 2, []string{"solution"}, []string{"wrong/x"}, 2, nil},
		{"3 has one", 3, []string{"solution"}, []string{"wrong/x"}, 2, []string{"s000-ok-solution", "s001-ok-solution", "s002-wrong-x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := classMix(tt.n, tt.right, tt.wrong)
			if len(got) != tt.n {
				t.Fatalf("%d members, want %d", len(got), tt.n)
			}
			pass := 0
			names := map[string]bool{}
			for i, m := range got {
				if m.pass {
					pass++
				}
				if m.pass != strings.Contains(m.name, "-ok-") || m.pass == strings.Contains(m.name, "-wrong-") {
					t.Errorf("member %d %q: pass = %v, not what its name says", i, m.name, m.pass)
				}
				if names[m.name] {
					t.Errorf("name %q twice", m.name)
				}
				names[m.name] = true
				if i < len(tt.wantNames) && m.name != tt.wantNames[i] {
					t.Errorf("member %d = %q, want %q", i, m.name, tt.wantNames[i])
				}
			}
			if pass != tt.wantPass {
				t.Errorf("%d right, want %d", pass, tt.wantPass)
			}
		})
	}
}

// TestWriteClassUsesEveryVariant: a class of each batch lab holds every
// file of the lab's submission list, and draws on the solution, every
// alternative and every wrong solution.
func TestWriteClassUsesEveryVariant(t *testing.T) {
	chdirRepo(t)
	for _, lab := range batchLabs {
		t.Run(lab, func(t *testing.T) {
			l, right, wrong, err := classSources(lab)
			if err != nil {
				t.Fatal(err)
			}
			if len(right) < 2 {
				t.Errorf("right = %v: the lab has alternatives/ the class should use", right)
			}
			dir := t.TempDir()
			if err := writeClass(dir, lab, 100); err != nil {
				t.Fatal(err)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 100 {
				t.Fatalf("%d submissions, want 100", len(entries))
			}
			used := map[string]bool{}
			for _, e := range entries {
				parts := strings.SplitN(e.Name(), "-", 3)
				used[parts[1]+"/"+parts[2]] = true
				for _, f := range l.Submission {
					if _, err := os.Stat(filepath.Join(dir, e.Name(), f.File)); err != nil {
						t.Errorf("%s: %v", e.Name(), err)
					}
				}
			}
			for _, src := range right {
				if !used["ok/"+filepath.Base(src)] {
					t.Errorf("no submission from %s", src)
				}
			}
			for _, src := range wrong {
				if !used["wrong/"+filepath.Base(src)] {
					t.Errorf("no submission from %s", src)
				}
			}
		})
	}
}

// chdirRepo runs the test from the repository root, where the bench runs
// (it reads labs/).
func chdirRepo(t *testing.T) {
	t.Helper()
	t.Chdir(filepath.Join("..", ".."))
}
