package labs

import (
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// TracksFile is the file at a catalog's root that orders its labs into
// tracks. A catalog without one has a single implicit track (ImplicitTrack).
const TracksFile = "tracks.yaml"

// ImplicitTrack is the id of the one track of a catalog without
// tracks.yaml: every lab, beginner to advanced.
const ImplicitTrack = "labs"

// Track is an ordered path through labs, beginner to advanced.
type Track struct {
	// ID is a slug ("sql"), as `lab next --track` takes it.
	ID string
	// Title is a short title ("SQL").
	Title string
	// Description is a sentence on what the track teaches.
	Description string
	// Labs are the ids of the track's labs, in the order to take them.
	Labs []string
}

// Tracks is a catalog's curriculum: its tracks in order and the labs each
// lab requires (passed first).
type Tracks struct {
	// Tracks are in the order of tracks.yaml.
	Tracks []*Track
	// Requires maps a lab id to the labs to pass before it.
	Requires map[string][]string
	// Implicit is set when the catalog has no tracks.yaml.
	Implicit bool
}

// Track returns the track with id, or nil.
func (t *Tracks) Track(id string) *Track {
	for _, tr := range t.Tracks {
		if tr.ID == id {
			return tr
		}
	}
	return nil
}

// Of returns the tracks lab id is in, in order.
func (t *Tracks) Of(id string) []*Track {
	var out []*Track
	for _, tr := range t.Tracks {
		if slices.Contains(tr.Labs, id) {
			out = append(out, tr)
		}
	}
	return out
}

// IDs returns the track ids in order.
func (t *Tracks) IDs() []string {
	out := make([]string, len(t.Tracks))
	for i, tr := range t.Tracks {
		out[i] = tr.ID
	}
	return out
}

// Untracked returns the ids of the labs of all that are in no track, in
// the order of all.
func (t *Tracks) Untracked(all []*Lab) []string {
	var out []string
	for _, l := range all {
		if len(t.Of(l.ID)) == 0 {
			out = append(out, l.ID)
		}
	}
	return out
}

// difficultyRank orders difficulties beginner to advanced; unknown last.
func difficultyRank(d string) int {
	if i := slices.Index(Difficulties(), d); i >= 0 {
		return i
	}
	return len(Difficulties())
}

// ImplicitTracks returns the curriculum of a catalog without tracks.yaml: one
// track of every lab, by difficulty then id.
func ImplicitTracks(all []*Lab) *Tracks {
	sorted := slices.Clone(all)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := difficultyRank(sorted[i].Difficulty), difficultyRank(sorted[j].Difficulty)
		if a != b {
			return a < b
		}
		return sorted[i].ID < sorted[j].ID
	})
	tr := &Track{ID: ImplicitTrack, Title: "Labs", Description: "Every lab of the catalog, beginner to advanced."}
	for _, l := range sorted {
		tr.Labs = append(tr.Labs, l.ID)
	}
	return &Tracks{Tracks: []*Track{tr}, Requires: map[string][]string{}, Implicit: true}
}

// BundledTracks loads the tracks of the bundled catalog (labs/tracks.yaml);
// all are the bundled labs that loaded.
func BundledTracks(all []*Lab) (*Tracks, error) {
	return loadTracks(bundled, ".", "labs", all)
}

// LoadTracksDir loads the tracks.yaml of the catalog folder dir; all are
// its labs that loaded. A catalog without tracks.yaml has one implicit
// track. Problems are Errors with file:line:col.
func LoadTracksDir(dir string, all []*Lab) (*Tracks, error) {
	fsys, name, err := osParent(dir)
	if err != nil {
		return nil, err
	}
	return loadTracks(fsys, name, dir, all)
}

// LoadTracks loads the tracks.yaml at root of fsys, as LoadTracksDir.
func LoadTracks(fsys fs.FS, root string, all []*Lab) (*Tracks, error) {
	return loadTracks(fsys, root, root, all)
}

func loadTracks(fsys fs.FS, root, display string, all []*Lab) (*Tracks, error) {
	name := path.Join(root, TracksFile)
	if _, err := fs.Stat(fsys, name); errors.Is(err, fs.ErrNotExist) {
		return ImplicitTracks(all), nil
	}
	el := &errorList{path: filepath.Join(display, TracksFile)}
	data, ok := readDefinition(fsys, name, el)
	if !ok {
		return nil, el.err()
	}
	node, ok := parse(data, el)
	if !ok {
		// parse's messages are about lab.yaml.
		for _, e := range el.errs {
			e.Msg = strings.ReplaceAll(e.Msg, "a lab.yaml starts with id, title, difficulty, …", "tracks.yaml starts with tracks:")
			e.Msg = strings.ReplaceAll(e.Msg, "a lab.yaml", "a tracks.yaml")
		}
		return nil, el.err()
	}
	// A lab is known when it loaded or when its folder holds a lab.yaml
	// (a lab with errors of its own is not reported unknown here too).
	known := map[string]bool{}
	for _, l := range all {
		known[l.ID] = true
	}
	entries, _ := fs.ReadDir(fsys, root)
	for _, e := range entries {
		if _, err := fs.Stat(fsys, path.Join(root, e.Name(), FileName)); err == nil {
			known[e.Name()] = true
		}
	}
	t := decodeTracks(node, el, known)
	if err := el.err(); err != nil {
		return nil, err
	}
	return t, nil
}

// TracksSchemaFile is the JSON Schema of tracks.yaml, in the bundled
// catalog's folder.
const TracksSchemaFile = "tracks.schema.json"

// TracksSchema returns the JSON Schema (draft 2020-12) of tracks.yaml.
func TracksSchema() []byte {
	b, err := fs.ReadFile(bundled, TracksSchemaFile)
	if err != nil {
		panic("labs: the embedded " + TracksSchemaFile + " is missing: " + err.Error())
	}
	return b
}
