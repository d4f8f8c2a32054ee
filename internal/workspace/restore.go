package workspace

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/labrunner/labrunner/internal/atomicfile"
)

// BackupDir is the folder, inside StateDir, where RestoreFiles keeps the
// learner's files it replaces: one subfolder per restore, named for when
// it ran.
const BackupDir = "backup"

// Restored is what RestoreFiles did.
type Restored struct {
	// Files are the files put back to their starter (or removed, having
	// none), in the order given.
	Files []string
	// Backup is the folder the learner's versions of them were copied to;
	// "" when none was backed up (nothing restored, or only files the
	// learner had deleted).
	Backup string
}

// RestoreFiles puts the named files back to their starter content, a nil
// starter meaning the lab gives none (the file is removed). Files already
// equal to their starter are left alone; every other one is first copied
// under .lab/backup/<time>/, keeping its name, so that nothing the learner
// wrote is lost. A name must stay inside the workspace.
func (w *Workspace) RestoreFiles(names []string, starter map[string][]byte, now time.Time) (Restored, error) {
	var res Restored
	type change struct {
		name string
		mine []byte
	}
	var changes []change
	for _, name := range names {
		if !filepath.IsLocal(filepath.FromSlash(name)) {
			return res, fmt.Errorf("file %q is outside the workspace", name)
		}
		mine, err := os.ReadFile(filepath.Join(w.Dir, filepath.FromSlash(name)))
		exists := err == nil
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, err
		}
		st := starter[name]
		if exists && st != nil && bytes.Equal(mine, st) || !exists && st == nil {
			continue
		}
		changes = append(changes, change{name, mine})
	}
	if len(changes) == 0 {
		return res, nil
	}
	for _, c := range changes {
		if c.mine == nil {
			continue
		}
		if res.Backup == "" {
			backup, err := newBackupDir(filepath.Join(w.Dir, StateDir, BackupDir), now)
			if err != nil {
				return res, fmt.Errorf("make a backup folder: %w", err)
			}
			res.Backup = backup
		}
		dst := filepath.Join(res.Backup, filepath.FromSlash(c.name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return res, err
		}
		if err := os.WriteFile(dst, c.mine, 0o644); err != nil {
			return res, fmt.Errorf("back up %s: %w", c.name, err)
		}
	}
	for _, c := range changes {
		p := filepath.Join(w.Dir, filepath.FromSlash(c.name))
		if st := starter[c.name]; st != nil {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return res, err
			}
			if err := atomicfile.WriteFile(p, st, 0o644); err != nil {
				return res, fmt.Errorf("restore %s: %w", c.name, err)
			}
		} else if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return res, err
		}
		res.Files = append(res.Files, c.name)
	}
	return res, nil
}

// newBackupDir makes a new folder in parent named for now, with a suffix
// when one of that name exists.
func newBackupDir(parent string, now time.Time) (string, error) {
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	base := filepath.Join(parent, now.Format("20060102-150405"))
	for i := 1; ; i++ {
		dir := base
		if i > 1 {
			dir = fmt.Sprintf("%s-%d", base, i)
		}
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
}
