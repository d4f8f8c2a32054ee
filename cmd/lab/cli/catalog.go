package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/labrunner/labrunner/labs"
)

// loadCatalog loads the catalog commands use: the folder of --labs or
// LAB_CATALOG, else the bundled labs. It returns the labs that loaded
// even when others did not.
func (d *Deps) loadCatalog() ([]*labs.Lab, error) {
	if d.Catalog != "" {
		return labs.LoadCatalogDir(d.Catalog)
	}
	return labs.Bundled()
}

// printDefinitionErrors prints lab-definition errors (labs.Errors) one per
// line, path:line:col first as compilers do, and a count, and returns a
// silent exit 2. Other errors are returned as they are, for Main to print.
func printDefinitionErrors(w io.Writer, err error) error {
	es, ok := err.(labs.Errors)
	if !ok {
		return err
	}
	for _, e := range es {
		fmt.Fprintln(w, e.Error())
	}
	fmt.Fprintf(w, "%s in lab definitions\n", plural(len(es), "error"))
	return &ExitError{Code: ExitUsage}
}

// plural formats n and noun, adding an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// shortDuration formats d without trailing zero units: "15m", "1h30m".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// loadTracks loads the tracks of the catalog commands use (its
// tracks.yaml, else one implicit track); all are its labs that loaded.
func (d *Deps) loadTracks(all []*labs.Lab) (*labs.Tracks, error) {
	if d.Catalog != "" {
		return labs.LoadTracksDir(d.Catalog, all)
	}
	return labs.BundledTracks(all)
}
