package cli

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/labrunner/labrunner/labs"
)

var labIDRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// LoadLab loads lab id from catalog: a folder of labs, or "" for the
// catalog this command uses (--labs, LAB_CATALOG, else the bundled one).
// The lab reads its files through Lab.FS.
func (d *Deps) LoadLab(id, catalog string) (*labs.Lab, error) {
	if catalog == "" {
		catalog = d.Catalog
	}
	return loadLabIn(id, catalog)
}

// loadLabIn loads lab id from catalog, a folder of labs, or the bundled
// catalog when catalog is "".
func loadLabIn(id, catalog string) (*labs.Lab, error) {
	if !labIDRe.MatchString(id) {
		return nil, &UsageError{Err: fmt.Errorf("invalid lab id %q: use lowercase letters, digits and -", id)}
	}
	var fsys fs.FS
	var dir string
	if catalog == "" {
		fsys, dir = labs.BundledFS(), id
	} else {
		abs, err := filepath.Abs(catalog)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(filepath.Join(abs, id, labs.FileName)); err != nil {
			return nil, &UsageError{Err: fmt.Errorf("no lab %q in catalog %s (see `lab list`)", id, catalog)}
		}
		// LoadDir names files in messages the way the user named the
		// catalog; the FS is the same folder.
		lab, err := labs.LoadDir(filepath.Join(catalog, id))
		if err != nil {
			return nil, err
		}
		return lab, nil
	}
	if _, err := fs.Stat(fsys, dir+"/"+labs.FileName); err != nil {
		return nil, &UsageError{Err: fmt.Errorf("no lab %q in the catalog (see `lab list`)", id)}
	}
	lab, err := labs.Load(fsys, dir)
	if err != nil {
		return nil, err
	}
	return lab, nil
}
