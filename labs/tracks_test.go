package labs

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// tracksFS is a catalog of labs a, b, c and d (their lab.yaml is not read)
// with tracks.yaml holding yml.
func tracksFS(yml string) fstest.MapFS {
	fsys := fstest.MapFS{TracksFile: {Data: []byte(yml)}}
	for _, id := range []string{"a", "b", "c", "d"} {
		fsys[id+"/"+FileName] = &fstest.MapFile{Data: []byte("id: " + id + "\n")}
	}
	return fsys
}

func TestLoadTracks(t *testing.T) {
	tests := []struct {
		name string
		yml  string
		// want are the errors, one "line:col: message" each, in order.
		want []string
	}{
		{name: "valid", yml: `
tracks:
  - id: first
    title: First
    description: The first steps.
    labs: [a, b]
  - id: mixed
    title: Mixed
    labs: [b, c]
requires:
  c: [a]
x-anchor: ignored
`},
		{name: "unknown lab with a suggestion", yml: `
tracks:
  - id: t
    title: T
    labs: [a, bb, zzz-lab]
`, want: []string{
			`4:15: track "t": no lab "bb" in this catalog, did you mean "b"? (a lab id is the name of its folder)`,
			`4:19: track "t": no lab "zzz-lab" in this catalog (a lab id is the name of its folder)`,
		}},
		{name: "cycle", yml: `
tracks:
  - id: t
    title: T
    labs: [a, b, c]
requires:
  a: [c]
  c: [b]
  b: [a]
`, want: []string{
			`6:3: a requires c, which comes after it in track "t"; put c first`,
			`6:3: requires has a cycle: a → c → b → a (no lab of it could ever be started)`,
		}},
		{name: "self requirement is a cycle", yml: `
tracks:
  - {id: t, title: T, labs: [a]}
requires:
  a: [a]
`, want: []string{`4:3: requires has a cycle: a → a (no lab of it could ever be started)`}},
		{name: "requirement later in the track", yml: `
tracks:
  - {id: t, title: T, labs: [a, b]}
requires:
  a: [b]
`, want: []string{`4:3: a requires b, which comes after it in track "t"; put b first`}},
		{name: "empty track", yml: `
tracks:
  - id: git
    title: Git
    labs: []
`, want: []string{`4:11: track "git" has no labs; list at least one, or remove the track until its labs exist`}},
		{name: "missing and bad fields", yml: `
tracks:
  - id: Not A Slug
    labs: [a]
    titel: x
  - title: No id
    labs: [a, a]
  - id: t
    title: T
    labs: a
`, want: []string{
			`2:5: track "Not A Slug": missing field "title"`,
			`2:9: track id "Not A Slug" must be a slug: lowercase letters, digits and single hyphens (as in sql-basics)`,
			`4:5: unknown field "titel" in track "Not A Slug", did you mean "title"? (allowed: id, title, description, labs)`,
			`5:5: track 2: missing field "id" (a short slug, as in id: sql)`,
			`6:15: track 2: lab "a" is listed twice`,
			`9:11: track "t" must be a list of lab ids, not "a"`,
		}},
		{name: "duplicate track id", yml: `
tracks:
  - {id: t, title: T, labs: [a]}
  - {id: t, title: T2, labs: [b]}
`, want: []string{`3:10: duplicate track id "t"`}},
		{name: "no tracks", yml: "requires: {}\ntrack: []\n", want: []string{
			`1:1: missing field "tracks" (a list of tracks, each with id, title and labs)`,
			`2:1: unknown field "track" in tracks.yaml, did you mean "tracks"? (allowed: tracks, requires)`,
		}},
		{name: "not a mapping", yml: "- a\n", want: []string{`1:1: tracks.yaml must be a mapping with a tracks list, not a list`}},
		{name: "empty file", yml: "# nothing yet\n", want: []string{`tracks.yaml: empty file (tracks.yaml starts with tracks:)`}},
		{name: "syntax error", yml: "tracks:\n  - id: [\n", want: []string{`2: invalid YAML`}},
		{name: "requires of unknown labs", yml: `
tracks:
  - {id: t, title: T, labs: [a]}
requires:
  nope: [a]
  b: [nada]
  c: a
`, want: []string{
			`4:3: requires: no lab "nope" in this catalog (a lab id is the name of its folder)`,
			`5:7: requires of b: no lab "nada" in this catalog (a lab id is the name of its folder)`,
			`6:6: requires of c must be a list of lab ids, not "a"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := LoadTracks(tracksFS(strings.TrimPrefix(tt.yml, "\n")), ".", nil)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error:\n%v", err)
				}
				if tr.Implicit || len(tr.Tracks) == 0 {
					t.Fatalf("got %+v", tr)
				}
				return
			}
			es, ok := err.(Errors)
			if !ok {
				t.Fatalf("want Errors, got %T %v", err, err)
			}
			var got []string
			for _, e := range es {
				if e.Path != TracksFile {
					t.Errorf("error path %q, want %q", e.Path, TracksFile)
				}
				got = append(got, strings.TrimPrefix(e.Error(), TracksFile+":"))
			}
			if tt.name == "syntax error" {
				if len(got) != 1 || !strings.HasPrefix(got[0], tt.want[0]) {
					t.Errorf("got %q", got)
				}
				return
			}
			if tt.name == "empty file" {
				got = []string{es[0].Error()}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("errors:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestLoadTracksValid(t *testing.T) {
	tr, err := LoadTracks(tracksFS(`
tracks:
  - id: first
    title: First
    description: The first steps.
    labs: [a, b]
  - id: mixed
    title: Mixed
    labs: [b, c]
requires:
  c: [a]
`), ".", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := tr.IDs(); !slices.Equal(got, []string{"first", "mixed"}) {
		t.Errorf("IDs = %q", got)
	}
	first := tr.Track("first")
	if first.Title != "First" || first.Description != "The first steps." || !slices.Equal(first.Labs, []string{"a", "b"}) {
		t.Errorf("first = %+v", first)
	}
	if of := tr.Of("b"); len(of) != 2 || of[0].ID != "first" || of[1].ID != "mixed" {
		t.Errorf("Of(b) = %v", of)
	}
	if !slices.Equal(tr.Requires["c"], []string{"a"}) {
		t.Errorf("Requires = %v", tr.Requires)
	}
	all := []*Lab{{ID: "a"}, {ID: "b"}, {ID: "c"}, {ID: "d"}}
	if got := tr.Untracked(all); !slices.Equal(got, []string{"d"}) {
		t.Errorf("Untracked = %q", got)
	}
	if tr.Track("nope") != nil {
		t.Error("Track(nope) is not nil")
	}
}

// TestImplicitTrack: a catalog without tracks.yaml (as `lab new` makes
// one) has one track of every lab, beginner to advanced.
func TestImplicitTrack(t *testing.T) {
	fsys := fstest.MapFS{"a/" + FileName: {Data: []byte("id: a\n")}}
	all := []*Lab{{ID: "z", Difficulty: Beginner}, {ID: "b", Difficulty: Advanced}, {ID: "a", Difficulty: Intermediate}, {ID: "c", Difficulty: Beginner}}
	tr, err := LoadTracks(fsys, ".", all)
	if err != nil {
		t.Fatal(err)
	}
	if !tr.Implicit || len(tr.Tracks) != 1 || tr.Tracks[0].ID != ImplicitTrack {
		t.Fatalf("got %+v", tr)
	}
	if got := tr.Tracks[0].Labs; !slices.Equal(got, []string{"c", "z", "a", "b"}) {
		t.Errorf("labs = %q", got)
	}
}

// TestBundledTracks: the bundled tracks load, and every bundled lab is in
// a track. A new lab fails here until it has its line in labs/tracks.yaml.
func TestBundledTracks(t *testing.T) {
	all, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	tr, err := BundledTracks(all)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Implicit {
		t.Fatal("the bundled catalog has no tracks.yaml")
	}
	for _, id := range tr.Untracked(all) {
		t.Errorf("lab %s is in no track: add it to the labs of a track in labs/%s", id, TracksFile)
	}
	for _, want := range []string{"sql", "redis", "nginx", "linux", "backend"} {
		if tr.Track(want) == nil {
			t.Errorf("no track %q", want)
		}
	}
}
