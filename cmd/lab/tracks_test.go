package main_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/internal/dockertest"
)

// instructorTracksScript returns the shell block of labs/README.md that
// builds an instructor's own catalog with a track.
func instructorTracksScript(t *testing.T) string {
	t.Helper()
	doc, err := os.ReadFile("../../labs/README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "Your own catalog with a track")
	if !ok {
		t.Fatal(`labs/README.md has no "Your own catalog with a track" example`)
	}
	_, rest, ok = strings.Cut(rest, "```sh\n")
	script, _, ok2 := strings.Cut(rest, "\n```")
	if !ok || !ok2 {
		t.Fatal("the example has no sh code block")
	}
	return script
}

// TestInstructorTracks runs the instructor's round trip of labs/README.md
// ("Tracks") exactly as written, in an empty folder with the built binary
// as lab: two labs from lab new, a tracks.yaml, its schema, lab validate of
// the catalog and of tracks.yaml alone, lab list grouped by the track and
// lab next starting its first lab for real. Then a broken tracks.yaml is
// refused by lab validate, lab list and lab next, at its line and column.
func TestInstructorTracks(t *testing.T) {
	dockertest.Driver(t)
	bin := buildLab(t)
	work := t.TempDir()
	state := filepath.Join(work, ".state")
	c := labCmd{t: t, bin: bin, dir: work, state: state}
	t.Cleanup(func() {
		if _, err := os.Stat(filepath.Join(work, "joins")); err != nil {
			return
		}
		s := c
		s.dir = filepath.Join(work, "joins")
		if _, errOut, code := s.run("stop"); code != 0 {
			t.Errorf("stop: exit %d\n%s", code, errOut)
		}
	})

	sh := exec.Command("bash", "-e", "-u", "-o", "pipefail", "-c", instructorTracksScript(t))
	sh.Dir = work
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LAB_CATALOG=") && !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	sh.Env = append(env, "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"), "LAB_STATE_DIR="+state, "NO_COLOR=1")
	var out, errOut bytes.Buffer
	sh.Stdout, sh.Stderr = &out, &errOut
	if err := sh.Run(); err != nil {
		t.Fatalf("the README's commands failed: %v\n%s%s", err, out.String(), errOut.String())
	}
	for _, want := range []string{
		"ok\tjoins\nok\ttotals\nmy-labs/tracks.yaml: ok (1 track)\n",
		"my-labs/tracks.yaml: ok (1 track)\nmy-labs/tracks.yaml: ok (1 track)\n",
		"workspace " + filepath.Join(work, "joins"),
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output lacks %q:\n%s", want, out.String())
		}
	}
	for _, re := range []string{`(?m)^joins\t.*\tsql-basics$`, `(?m)^totals\t.*needs joins.*\tsql-basics$`} {
		if !regexp.MustCompile(re).MatchString(out.String()) {
			t.Errorf("lab list shows no line matching %s:\n%s", re, out.String())
		}
	}
	if _, err := os.Stat(filepath.Join(work, "joins", ".lab", "state.json")); err != nil {
		t.Errorf("lab next made no workspace for joins: %v", err)
	}
	schema, err := os.ReadFile(filepath.Join(work, "my-labs", "tracks.schema.json"))
	if err != nil || !bytes.Contains(schema, []byte(`"title": "labrunner tracks.yaml"`)) {
		t.Errorf("my-labs/tracks.schema.json is not the tracks schema (%v):\n%.200s", err, schema)
	}

	// A typo and an unknown lab, as an instructor makes them.
	bad := "# yaml-language-server: $schema=tracks.schema.json\ntracks:\n  - id: sql-basics\n    titel: SQL basics\n    labs: [joins, total]\n"
	if err := os.WriteFile(filepath.Join(work, "my-labs", "tracks.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	wantErrs := []string{
		`my-labs/tracks.yaml:3:5: track "sql-basics": missing field "title"`,
		`my-labs/tracks.yaml:4:5: unknown field "titel" in track "sql-basics", did you mean "title"? (allowed: id, title, description, labs)`,
		`my-labs/tracks.yaml:5:19: track "sql-basics": no lab "total" in this catalog, did you mean "totals"? (a lab id is the name of its folder)`,
	}
	for _, args := range [][]string{
		{"validate", "my-labs/"},
		{"validate", "my-labs/tracks.yaml"},
		{"list", "--labs", "my-labs"},
		{"next", "--labs", "my-labs"},
	} {
		_, errOut, code := c.run(args...)
		if code != 2 {
			t.Errorf("lab %s: exit %d, want 2\n%s", strings.Join(args, " "), code, errOut)
		}
		for _, want := range wantErrs {
			if !strings.Contains(errOut, want+"\n") {
				t.Errorf("lab %s: stderr lacks %q:\n%s", strings.Join(args, " "), want, errOut)
			}
		}
	}
}
