package labs

import (
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
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
			if f.Src == "" {
				continue
			}
			if !strings.Contains(f.Src, ExtPlaceholder) || !l.MultiLanguage() {
				v.labFile(v.at(f, "src"), "src", f.Src, true)
				continue
			}
			// One file per language: harness.{ext} is harness.py, harness.js, …
			for _, lang := range l.Languages {
				if language, ok := LookupLanguage(lang); ok {
					v.labFile(v.at(f, "src"), "src", strings.ReplaceAll(f.Src, ExtPlaceholder, language.Ext), true)
				}
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
//
// A multi-language lab (languages:) has those folders once per language,
// as starter/<lang>/, <solution>/<lang>/, wrong/<name>/<lang>/ and
// alternatives/<name>/<lang>/, with {ext} in the submission file names
// replaced by the language's extension. Every language has a starter and
// a solution; a wrong solution or an alternative may be written in some
// languages only, but in one at least.
func (v *validator) solutionFolders() {
	l := v.lab
	for _, w := range l.Wrong {
		if !validSlug(w.Name) {
			continue
		}
		dir := path.Join(WrongDir, w.Name)
		if !v.isDir(dir) {
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
	if !l.MultiLanguage() {
		v.solutionFoldersIn("")
		return
	}
	inSome := map[string]bool{}
	for _, lang := range l.Languages {
		if _, ok := LookupLanguage(lang); ok {
			for _, dir := range v.solutionFoldersIn(lang) {
				inSome[dir] = true
			}
		}
	}
	for _, w := range l.Wrong {
		dir := path.Join(WrongDir, w.Name)
		if validSlug(w.Name) && v.isDir(dir) && !inSome[dir] {
			v.errs.add(v.at(w, "name"), "wrong solution %q has no folder for any of the lab's languages (%s/<lang>/, <lang> one of %s)", w.Name, dir, strings.Join(l.Languages, ", "))
		}
	}
}

// solutionFoldersIn checks the folders of language lang ("" for a lab
// without languages:) and returns the wrong/<name> and
// alternatives/<name> folders that have one for it.
func (v *validator) solutionFoldersIn(lang string) (found []string) {
	l := v.lab
	sub := func(dir string) string {
		if lang == "" {
			return dir
		}
		return path.Join(dir, lang)
	}
	file := func(f *SubmissionFile) string { return f.File }
	if lang != "" {
		language, _ := LookupLanguage(lang)
		file = func(f *SubmissionFile) string { return strings.ReplaceAll(f.File, ExtPlaceholder, language.Ext) }
	}
	starter := solutionFolder{sub(StarterDir), v.at(l, "submission")}
	if !v.isDir(starter.dir) {
		v.errs.add(starter.pos, "%s/ is missing (it holds the files the learner starts from)", starter.dir)
		starter.dir = ""
	}
	var others []solutionFolder
	if validRelPath(l.Solution) {
		if dir := sub(l.Solution); v.isDir(dir) {
			others = append(others, solutionFolder{dir, v.at(l, "solution")})
		} else {
			v.errs.add(v.at(l, "solution"), "the solution folder %s/ is missing (it holds the reference solution)", dir)
		}
	}
	for _, w := range l.Wrong {
		if !validSlug(w.Name) {
			continue
		}
		dir := path.Join(WrongDir, w.Name)
		if v.isDir(sub(dir)) && (lang == "" || v.isDir(dir)) {
			others = append(others, solutionFolder{sub(dir), v.at(w, "name")})
			found = append(found, dir)
		}
	}
	for _, name := range l.Alternatives() {
		dir := path.Join(AlternativesDir, name)
		if !validSlug(name) {
			if lang == "" || lang == l.Languages[0] {
				v.errs.addFile(filepath.Join(filepath.Dir(l.Path), dir), "invalid folder name %q (lower-case letters, digits and dashes)", name)
			}
			continue
		}
		if v.isDir(sub(dir)) {
			others = append(others, solutionFolder{sub(dir), Pos{}})
			found = append(found, dir)
		}
	}
	all := others
	if starter.dir != "" {
		all = append([]solutionFolder{starter}, others...)
	}
	for _, f := range l.Submission {
		if !validRelPath(file(f)) {
			continue
		}
		for _, folder := range all {
			if !v.isFile(path.Join(folder.dir, file(f))) {
				v.errs.add(v.at(f, "file"), "submission file %q is missing from %s/", file(f), folder.dir)
			}
		}
	}
	if starter.dir == "" {
		return found
	}
	inStarter := map[string]bool{}
	for _, f := range v.list(starter.dir) {
		inStarter[f] = true
	}
	for _, f := range l.Submission {
		// Reported above when missing from starter/.
		inStarter[file(f)] = true
	}
	for _, folder := range others {
		for _, f := range v.list(folder.dir) {
			if !inStarter[f] {
				v.errs.add(folder.pos, "%s/%s is not in %s/ (a solution holds the same files as %s/)", folder.dir, f, starter.dir, starter.dir)
			}
		}
	}
	return found
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
