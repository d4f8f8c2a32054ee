package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/labrunner/labrunner/labs"
)

// validTracks is a tracks.yaml that validated, for validate's report.
type validTracks struct {
	// path names the file as the user did ("my-labs/tracks.yaml").
	path string
	n    int
}

// appendTracks adds t, read from path, to the report; a catalog without
// tracks.yaml (one implicit track) or one that failed adds nothing.
func appendTracks(out []validTracks, path string, t *labs.Tracks) []validTracks {
	if t == nil || t.Implicit {
		return out
	}
	return append(out, validTracks{path: path, n: len(t.Tracks)})
}

// printValidTracks prints a line per tracks.yaml that validated:
// "my-labs/tracks.yaml: ok (2 tracks)", with a check mark on a terminal.
func printValidTracks(io *IOStreams, tracks []validTracks) {
	p := io.Palette()
	for _, t := range tracks {
		if io.OutTTY {
			fmt.Fprintf(io.Out, "%s %s (%s)\n", p.Green("✓"), t.path, plural(t.n, "track"))
		} else {
			fmt.Fprintf(io.Out, "%s: ok (%s)\n", t.path, plural(t.n, "track"))
		}
	}
}

// isTracksFile reports whether path is a file named tracks.yaml.
func isTracksFile(path string) bool {
	if filepath.Base(path) != labs.TracksFile {
		return false
	}
	info, err := os.Stat(path)
	return err == nil && !info.IsDir()
}

// loadTracksFile validates the tracks.yaml at path alone: its lab ids are
// checked against the lab folders beside it, whose lab.yaml files are not
// validated (a lab with errors of its own is still a known id).
func loadTracksFile(path string) (*labs.Tracks, error) {
	return labs.LoadTracksDir(filepath.Dir(path), nil)
}

// tracksPath names the tracks.yaml of the catalog commands use, as
// messages about it do.
func (d *Deps) tracksPath() string {
	if d.Catalog != "" {
		return filepath.Join(d.Catalog, labs.TracksFile)
	}
	return filepath.Join("labs", labs.TracksFile)
}
