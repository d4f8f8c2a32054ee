package cli

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestValidateTracks: lab validate checks a catalog's tracks.yaml with its
// labs, and a tracks.yaml alone, each problem at tracks.yaml:line:col.
func TestValidateTracks(t *testing.T) {
	good := newCatalogTest(t, "alpha", "beta")
	good.write("tracks.yaml", "tracks:\n  - id: basics\n    title: Basics\n    labs: [alpha, beta]\n  - id: more\n    title: More\n    labs: [beta]\nrequires:\n  beta: [alpha]\n")
	one := newCatalogTest(t, "alpha")
	one.write("tracks.yaml", "tracks:\n  - {id: only, title: Only, labs: [alpha]}\n")
	bad := newCatalogTest(t, "alpha", "beta")
	bad.write("tracks.yaml", `tracks:
  - id: basics
    title: Basics
    labs: [alpha, nope, alpha]
  - id: basics
    title: Again
    labs: []
    titel: x
requires:
  alpha: [beta]
  beta: [alpha]
  ghost: [alpha]
colour: red
`)
	// A broken lab is still a known id; tracks.yaml alone does not load it.
	brokenLab := newCatalogTest(t, "alpha", "beta")
	brokenLab.write("beta/lab.yaml", "id: beta\ntitel: Beta\n")
	brokenLab.write("tracks.yaml", "tracks:\n  - {id: t, title: T, labs: [alpha, beta]}\n")
	implicit := newCatalogTest(t, "alpha")
	badTracks := filepath.Join(bad.dir, "tracks.yaml")
	badErrs := []string{
		badTracks + `:4:19: track "basics": no lab "nope" in this catalog (a lab id is the name of its folder)`,
		badTracks + `:4:25: track "basics": lab "alpha" is listed twice`,
		badTracks + `:5:9: duplicate track id "basics"`,
		badTracks + `:7:11: track "basics" has no labs; list at least one, or remove the track until its labs exist`,
		badTracks + `:8:5: unknown field "titel" in track "basics", did you mean "title"? (allowed: id, title, description, labs)`,
		badTracks + `:10:3: requires has a cycle: alpha → beta → alpha (no lab of it could ever be started)`,
		badTracks + `:12:3: requires: no lab "ghost" in this catalog (a lab id is the name of its folder)`,
		badTracks + `:13:1: unknown field "colour" in tracks.yaml (allowed: tracks, requires)`,
		"8 errors in lab definitions",
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		out    []string
		errOut []string
	}{
		{name: "catalog folder", args: []string{"validate", good.dir},
			out: []string{"ok\talpha", "ok\tbeta", filepath.Join(good.dir, "tracks.yaml") + ": ok (2 tracks)"}},
		{name: "--labs", args: []string{"validate", "--labs", one.dir},
			out: []string{"ok\talpha", filepath.Join(one.dir, "tracks.yaml") + ": ok (1 track)"}},
		{name: "tracks.yaml alone", args: []string{"validate", filepath.Join(good.dir, "tracks.yaml")},
			out: []string{filepath.Join(good.dir, "tracks.yaml") + ": ok (2 tracks)"}},
		{name: "no tracks.yaml: nothing to say", args: []string{"validate", implicit.dir}, out: []string{"ok\talpha"}},
		{name: "lab folder: its catalog's tracks are not read", args: []string{"validate", filepath.Join(bad.dir, "alpha")}, out: []string{"ok\talpha"}},
		{name: "every problem of a catalog's tracks", args: []string{"validate", bad.dir}, code: 2,
			out: []string{"ok\talpha", "ok\tbeta"}, errOut: badErrs},
		{name: "every problem of tracks.yaml alone", args: []string{"validate", badTracks}, code: 2, errOut: badErrs},
		{name: "tracks.yaml alone, a lab with errors of its own", args: []string{"validate", filepath.Join(brokenLab.dir, "tracks.yaml")},
			out: []string{filepath.Join(brokenLab.dir, "tracks.yaml") + ": ok (1 track)"}},
		{name: "missing tracks.yaml", args: []string{"validate", filepath.Join(implicit.dir, "tracks.yaml")}, code: 2,
			errOut: []string{filepath.Join(implicit.dir, "tracks.yaml") + ": no such file or folder", "1 error in lab definitions"}},
		{name: "another file", args: []string{"validate", filepath.Join(good.dir, "alpha", "README.md")}, code: 2,
			errOut: []string{filepath.Join(good.dir, "alpha", "README.md") + ": not a lab folder, a catalog folder, a lab.yaml or a tracks.yaml", "1 error in lab definitions"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := good.run(false, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			if got := lines(out); !slices.Equal(got, tt.out) {
				t.Errorf("stdout:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.out, "\n"))
			}
			if got := lines(errOut); !slices.Equal(got, tt.errOut) {
				t.Errorf("stderr:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.errOut, "\n"))
			}
		})
	}
}

// TestValidateTracksBundled: without a path, the catalog in use has its
// tracks validated too.
func TestValidateTracksBundled(t *testing.T) {
	c := newCatalogTest(t)
	out, errOut, code := c.run(false, "validate")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if lines := outputLines(out); !slices.ContainsFunc(lines, func(l string) bool {
		return strings.HasPrefix(l, filepath.Join("labs", "tracks.yaml")+": ok (") && strings.HasSuffix(l, " tracks)")
	}) {
		t.Errorf("no tracks line in:\n%s", out)
	}
}

// TestValidateTracksTTY marks a valid tracks.yaml with a check mark.
func TestValidateTracksTTY(t *testing.T) {
	c := newCatalogTest(t, "alpha")
	c.write("tracks.yaml", "tracks:\n  - {id: t, title: T, labs: [alpha]}\n")
	c.env["NO_COLOR"] = "1"
	out, _, code := c.run(true, "validate", c.dir)
	if want := "✓ alpha\n✓ " + filepath.Join(c.dir, "tracks.yaml") + " (1 track)\n"; code != 0 || out != want {
		t.Errorf("exit %d, stdout %q, want %q", code, out, want)
	}
}

// lines splits output into lines; no output is no lines.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return outputLines(s)
}
