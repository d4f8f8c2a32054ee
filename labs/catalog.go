package labs

import (
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// LoadCatalog loads every lab of a catalog: each folder directly under
// root in fsys is a lab, except testdata and names starting with "." or
// "_". It returns the labs that loaded, sorted by id, and an Errors with
// every problem of the others and every id used twice.
func LoadCatalog(fsys fs.FS, root string) ([]*Lab, error) {
	return loadCatalog(fsys, root, root)
}

// LoadCatalogDir loads the catalog in the operating-system folder dir.
func LoadCatalogDir(dir string) ([]*Lab, error) {
	fsys, name, err := osParent(dir)
	if err != nil {
		return nil, err
	}
	return loadCatalog(fsys, name, dir)
}

// loadCatalog loads the catalog in root of fsys; display is how messages
// name root.
func loadCatalog(fsys fs.FS, root, display string) ([]*Lab, error) {
	entries, err := fs.ReadDir(fsys, root)
	if err != nil {
		return nil, Errors{{Path: display, Msg: "cannot read the catalog: " + cause(err)}}
	}
	var labs []*Lab
	var errs Errors
	for _, e := range entries {
		name := e.Name()
		if name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			continue
		}
		if !e.IsDir() {
			// A symlink to a folder is a lab too.
			info, err := fs.Stat(fsys, path.Join(root, name))
			if err != nil || !info.IsDir() {
				continue
			}
		}
		l, err := load(fsys, path.Join(root, name), filepath.Join(display, name))
		if err != nil {
			errs = append(errs, asErrors(err)...)
			continue
		}
		labs = append(labs, l)
	}
	if len(labs) == 0 && len(errs) == 0 {
		errs = append(errs, &Error{Path: display, Msg: "no labs here (a catalog holds one folder per lab, each with a lab.yaml)"})
	}
	errs = append(errs, duplicateIDs(labs)...)
	sort.Slice(labs, func(i, j int) bool { return labs[i].ID < labs[j].ID })
	if len(errs) > 0 {
		errs.sort()
		return labs, errs
	}
	return labs, nil
}

// DuplicateIDs returns an error for every lab whose id an earlier lab in
// labs already has, or nil.
func DuplicateIDs(labs []*Lab) error {
	if errs := duplicateIDs(labs); len(errs) > 0 {
		return errs
	}
	return nil
}

func duplicateIDs(labs []*Lab) Errors {
	var errs Errors
	first := map[string]*Lab{}
	for _, l := range labs {
		if f, dup := first[l.ID]; dup {
			errs = append(errs, &Error{Path: l.Path, Line: l.idPos.Line, Col: l.idPos.Col,
				Msg: fmt.Sprintf("duplicate lab id %q (also in %s)", l.ID, f.Path)})
			continue
		}
		first[l.ID] = l
	}
	return errs
}

// asErrors returns err as Errors; errors of other kinds become one Error.
func asErrors(err error) Errors {
	if es, ok := err.(Errors); ok {
		return es
	}
	return Errors{{Msg: err.Error()}}
}
