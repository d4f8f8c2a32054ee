package labs

import (
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
)

// maxListedFiles bounds the files listed in one solution folder.
const maxListedFiles = 1000

// files checks the files a lab names: README.md, fixtures, files to copy,
// and the submission files in starter/, the solution, every wrong/<name>/
// and every alternatives/<name>/.
func (v *validator) files() {
	l := v.lab
	if !v.isFile(TaskFile) {
		v.errs.addFile(filepath.Join(filepath.Dir(l.Path), TaskFile), "missing (every lab has a README.md with the task)")
	}
	for _, name := range v.serviceNames() {
		s := l.Services[name]
		for i, f := range s.Fixtures {
			v.labFile(v.atIndex(s, "fixtures", i), "fixture", f, false)
		}
		for _, f := range s.Files {
			if f.Src != "" {
				v.labFile(v.at(f, "src"), "src", f.Src, true)
			}
		}
	}
	for _, va := range l.Variants {
		for i, f := range va.Fixtures {
			v.labFile(v.atIndex(va, "fixtures", i), "fixture", f, false)
		}
		for _, f := range va.Files {
			if f.Src != "" {
				v.labFile(v.at(f, "src"), "src", f.Src, true)
			}
		}
	}
	v.solutionFolders()
}

// solutionFolder is starter/, the solution or a wrong/<name>/ folder, and
// the place in lab.yaml its problems are reported at.
type solutionFolder struct {
	dir string
	pos Pos
}

// solutionFolders checks that every submission file is in starter/, the
// solution and each wrong/<name>/, and that those hold no file starter/
// lacks.
func (v *validator) solutionFolders() {
	l := v.lab
	starter := solutionFolder{StarterDir, v.at(l, "submission")}
	if !v.isDir(StarterDir) {
		v.errs.add(starter.pos, "starter/ is missing (it holds the files the learner starts from)")
		starter.dir = ""
	}
	var others []solutionFolder
	if validRelPath(l.Solution) {
		if v.isDir(l.Solution) {
			others = append(others, solutionFolder{l.Solution, v.at(l, "solution")})
		} else {
			v.errs.add(v.at(l, "solution"), "the solution folder %s/ is missing (it holds the reference solution)", l.Solution)
		}
	}
	for _, w := range l.Wrong {
		if !validSlug(w.Name) {
			continue
		}
		dir := path.Join(WrongDir, w.Name)
		if v.isDir(dir) {
			others = append(others, solutionFolder{dir, v.at(w, "name")})
		} else {
			v.errs.add(v.at(w, "name"), "wrong solution %q has no folder %s/", w.Name, dir)
		}
	}
	listed := map[string]bool{}
	for _, w := range l.Wrong {
		listed[w.Name] = true
	}
	if entries, err := fs.ReadDir(l.fsys, path.Join(l.Dir, WrongDir)); err == nil {
		for _, e := range entries {
			if e.IsDir() && !listed[e.Name()] {
				v.errs.add(v.at(l, "wrong"), "folder %s/%s/ is not listed under wrong: (lab test proves only the listed ones)", WrongDir, e.Name())
			}
		}
	}
	for _, name := range l.Alternatives() {
		dir := path.Join(AlternativesDir, name)
		if !validSlug(name) {
			v.errs.addFile(filepath.Join(filepath.Dir(l.Path), dir), "invalid folder name %q (lower-case letters, digits and dashes)", name)
			continue
		}
		others = append(others, solutionFolder{dir, Pos{}})
	}
	all := others
	if starter.dir != "" {
		all = append([]solutionFolder{starter}, others...)
	}
	for _, f := range l.Submission {
		if !validRelPath(f.File) {
			continue
		}
		for _, folder := range all {
			if !v.isFile(path.Join(folder.dir, f.File)) {
				v.errs.add(v.at(f, "file"), "submission file %q is missing from %s/", f.File, folder.dir)
			}
		}
	}
	if starter.dir == "" {
		return
	}
	inStarter := map[string]bool{}
	for _, f := range v.list(StarterDir) {
		inStarter[f] = true
	}
	for _, f := range l.Submission {
		// Reported above when missing from starter/.
		inStarter[f.File] = true
	}
	for _, folder := range others {
		for _, f := range v.list(folder.dir) {
			if !inStarter[f] {
				v.errs.add(folder.pos, "%s/%s is not in starter/ (a solution holds the same files as starter/)", folder.dir, f)
			}
		}
	}
}

// labFile checks that p, written at pos as what, names a file (or, with
// dirOK, a folder) inside the lab folder.
func (v *validator) labFile(pos Pos, what, p string, dirOK bool) {
	if !validRelPath(p) {
		v.errs.add(pos, "%s %q must be a relative path inside the lab folder (no \"..\", no leading /)", what, p)
		return
	}
	info, err := fs.Stat(v.lab.fsys, path.Join(v.lab.Dir, p))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		v.errs.add(pos, "%s %q does not exist in the lab folder", what, p)
	case err != nil:
		v.errs.add(pos, "%s %q cannot be read: %s", what, p, cause(err))
	case info.IsDir() && !dirOK:
		v.errs.add(pos, "%s %q is a folder, not a file", what, p)
	case !info.IsDir() && !info.Mode().IsRegular():
		v.errs.add(pos, "%s %q is not a regular file", what, p)
	}
}

func (v *validator) isFile(p string) bool {
	info, err := fs.Stat(v.lab.fsys, path.Join(v.lab.Dir, p))
	return err == nil && info.Mode().IsRegular()
}

func (v *validator) isDir(p string) bool {
	info, err := fs.Stat(v.lab.fsys, path.Join(v.lab.Dir, p))
	return err == nil && info.IsDir()
}

// list returns the files under folder p of the lab, relative to p, sorted;
// at most maxListedFiles of them.
func (v *validator) list(p string) []string {
	root := path.Join(v.lab.Dir, p)
	var out []string
	_ = fs.WalkDir(v.lab.fsys, root, func(name string, d fs.DirEntry, err error) error {
		if err != nil || len(out) >= maxListedFiles {
			return fs.SkipAll
		}
		if !d.IsDir() {
			rel := name[len(root)+1:]
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out
}
