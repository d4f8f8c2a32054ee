package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/labs"
)

// absCatalog is catalog as an absolute path, the form a workspace
// remembers; "" (the bundled catalog) stays "".
func absCatalog(catalog string) (string, error) {
	if catalog == "" {
		return "", nil
	}
	abs, err := filepath.Abs(catalog)
	if err != nil {
		return "", fmt.Errorf("catalog %s: %w", catalog, err)
	}
	return abs, nil
}

// workspaceCatalog is the catalog the lab of ws loads from, "" for the
// bundled one, and whether the workspace should remember it:
//
//   - --labs given on the command line wins, and is remembered (as an
//     absolute path), so that a workspace can follow a moved catalog;
//   - else the catalog the workspace was started from. LAB_CATALOG does
//     not override it: the workspace's own record is the more specific.
//
// State files written before catalogs were stored as absolute paths may
// hold a path relative to the folder `lab start` ran in. That folder was
// not recorded; it is the workspace's parent when the workspace has the
// default name (./<lab>), else perhaps the workspace itself. The first of
// these that holds the lab is taken, and remembered; when none does, the
// error says how to name the catalog.
func workspaceCatalog(deps *Deps, ws *workspace.Workspace) (catalog string, remember bool, err error) {
	if deps.CatalogFlag {
		abs, err := absCatalog(deps.Catalog)
		if err != nil {
			return "", false, &UsageError{Err: err}
		}
		return abs, abs != ws.State.Catalog, nil
	}
	cat := ws.State.Catalog
	if cat == "" || filepath.IsAbs(cat) {
		return cat, false, nil
	}
	var bases []string
	if filepath.Base(ws.Dir) == ws.State.Lab {
		bases = append(bases, filepath.Dir(ws.Dir))
	}
	bases = append(bases, ws.Dir)
	for _, base := range bases {
		dir := filepath.Join(base, cat)
		if _, err := os.Stat(filepath.Join(dir, ws.State.Lab, labs.FileName)); err == nil {
			return dir, true, nil
		}
	}
	return "", false, &UsageError{Err: fmt.Errorf(
		"this workspace was started from the catalog %q, a path relative to a folder it did not record, and no lab %q is found there from %s; "+
			"run the command once with --labs <catalog folder> (the workspace then remembers it)",
		cat, ws.State.Lab, ws.Dir)}
}
