// Package atomicfile writes files so that a reader, a crash or a full
// disk never sees half of one: the whole file or its old content.
package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// TempPrefix starts the names of the temporary files WriteFile makes
// beside its target. A writer killed before its rename leaves one behind;
// RemoveTemps removes them.
const TempPrefix = ".tmp-"

// WriteFile writes data to path with perm so that path is, at every
// moment and after a crash, either its old content or data, whole: data
// goes to a temporary file in the same folder, which is synced, then
// renamed over path, and the folder is synced so that the rename itself
// is on disk. On any error the temporary file is removed and path is
// untouched.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, TempPrefix+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Chmod(perm); err != nil && runtime.GOOS != "windows" {
		return fail(err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

// RemoveTemps removes the temporary files that killed writers left in
// dir, and returns how many it removed.
func RemoveTemps(dir string) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() && strings.HasPrefix(e.Name(), TempPrefix) && os.Remove(filepath.Join(dir, e.Name())) == nil {
			n++
		}
	}
	return n
}

// syncDir makes a rename in dir durable. Windows cannot sync a folder;
// there the rename is as durable as NTFS makes it.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
