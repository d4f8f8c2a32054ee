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
// It returns the lab and the file system its Dir is in.
func (d *Deps) LoadLab(id, catalog string) (*labs.Lab, fs.FS, error) {
	if !labIDRe.MatchString(id) {
		return nil, nil, &UsageError{Err: fmt.Errorf("invalid lab id %q: use lowercase letters, digits and -", id)}
	}
	if catalog == "" {
		catalog = d.Catalog
	}
	var fsys fs.FS
	var dir string
	if catalog == "" {
		fsys, dir = labs.BundledFS(), id
	} else {
		abs, err := filepath.Abs(catalog)
		if err != nil {
			return nil, nil, err
		}
		if _, err := os.Stat(filepath.Join(abs, id, labs.FileName)); err != nil {
			return nil, nil, &UsageError{Err: fmt.Errorf("no lab %q in catalog %s (see `lab list`)", id, catalog)}
		}
		// LoadDir names files in messages the way the user named the
		// catalog; the FS is the same folder.
		lab, err := labs.LoadDir(filepath.Join(catalog, id))
		if err != nil {
			return nil, nil, err
		}
		return lab, os.DirFS(abs), nil
	}
	if _, err := fs.Stat(fsys, dir+"/"+labs.FileName); err != nil {
		return nil, nil, &UsageError{Err: fmt.Errorf("no lab %q in the catalog (see `lab list`)", id)}
	}
	lab, err := labs.Load(fsys, dir)
	if err != nil {
		return nil, nil, err
	}
	return lab, fsys, nil
}
