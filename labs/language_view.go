package labs

import (
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
)

// ForLanguage returns the lab as offered in lang ("" is the lab's first
// language): a view whose starter/, solution and wrong/ and alternatives/
// folders are that language's (starter/<lang>/ read as starter/, …), whose
// submission file names and runtime file copies have {ext} replaced by the
// language's extension, and whose runtime services run that language. A
// known-wrong solution or an alternative with no folder for lang is left
// out of the view. A lab without languages: is offered in DefaultLanguage
// only and is returned as it is.
func (l *Lab) ForLanguage(lang string) (*Lab, error) {
	if l.origin != nil {
		// A view of a view is a view of the lab as loaded.
		return l.origin.ForLanguage(lang)
	}
	if !l.MultiLanguage() {
		if lang == "" || lang == DefaultLanguage {
			return l, nil
		}
		return nil, &LanguageError{Lab: l.ID, Language: lang, Offered: l.Offered()}
	}
	if lang == "" {
		lang = l.Languages[0]
	}
	language, ok := LookupLanguage(lang)
	if !ok || !slices.Contains(l.Languages, lang) {
		return nil, &LanguageError{Lab: l.ID, Language: lang, Offered: l.Offered()}
	}
	v := *l
	v.origin = l
	v.Language = lang
	v.fsys = &languageFS{base: l.fsys, dir: l.Dir, lang: lang, solution: l.Solution}
	if l.fsys == nil {
		v.fsys, v.Dir = &languageFS{base: os.DirFS(l.Dir), dir: ".", lang: lang, solution: l.Solution}, "."
	}
	ext := func(s string) string { return strings.ReplaceAll(s, ExtPlaceholder, language.Ext) }
	v.Submission = nil
	for _, f := range l.Submission {
		c := *f
		c.File = ext(f.File)
		v.Submission = append(v.Submission, &c)
	}
	v.Services = map[string]*Service{}
	for name, s := range l.Services {
		c := *s
		if s.Kind == KindRuntime {
			c.Language = lang
			c.Files = nil
			for _, f := range s.Files {
				fc := *f
				fc.Src, fc.Dst = ext(f.Src), ext(f.Dst)
				c.Files = append(c.Files, &fc)
			}
		}
		v.Services[name] = &c
	}
	v.Wrong = nil
	for _, w := range l.Wrong {
		if isDir(l.FS(), path.Join(WrongDir, w.Name, lang)) {
			v.Wrong = append(v.Wrong, w)
		}
	}
	return &v, nil
}

func isDir(fsys fs.FS, p string) bool {
	info, err := fs.Stat(fsys, p)
	return err == nil && info.IsDir()
}

// languageFS is a multi-language lab's folder as seen in one language:
// starter/ and the solution folder are their <lang>/ subfolders, and so is
// each wrong/<name>/ and alternatives/<name>/; wrong/ and alternatives/
// list only the folders that have one for the language. Everything else
// (lab.yaml, README.md, fixtures/) is the lab's own.
type languageFS struct {
	base     fs.FS
	dir      string // the lab's folder in base
	lang     string
	solution string
}

// Open implements fs.FS.
func (f *languageFS) Open(name string) (fs.File, error) {
	p, listing, err := f.resolve(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	file, err := f.base.Open(p)
	if err != nil || !listing {
		return file, err
	}
	return &filteredDir{File: file, keep: func(e fs.DirEntry) bool {
		return e.IsDir() && isDir(f.base, path.Join(p, e.Name(), f.lang))
	}}, nil
}

// resolve maps name to its path in base; listing is true for wrong/ and
// alternatives/ themselves, whose entries are filtered.
func (f *languageFS) resolve(name string) (p string, listing bool, err error) {
	if !fs.ValidPath(name) {
		return "", false, fs.ErrInvalid
	}
	rel, ok := strings.CutPrefix(name, f.dir)
	if f.dir == "." {
		rel, ok = "/"+name, true
		if name == "." {
			rel = ""
		}
	}
	if !ok || (rel != "" && rel[0] != '/') {
		return name, false, nil
	}
	parts := strings.Split(strings.TrimPrefix(rel, "/"), "/")
	solution := strings.Split(f.solution, "/")
	at := -1 // the part after which the language's folder is inserted
	switch {
	case parts[0] == StarterDir:
		at = 0
	case f.solution != "" && len(parts) >= len(solution) && slices.Equal(parts[:len(solution)], solution):
		at = len(solution) - 1
	case parts[0] == WrongDir || parts[0] == AlternativesDir:
		if len(parts) == 1 {
			return name, true, nil
		}
		at = 1
	}
	if at < 0 {
		return name, false, nil
	}
	out := append(append(append([]string{}, parts[:at+1]...), f.lang), parts[at+1:]...)
	return path.Join(f.dir, path.Join(out...)), false, nil
}

// filteredDir is a folder whose listing keeps only some entries.
type filteredDir struct {
	fs.File
	keep func(fs.DirEntry) bool
}

// ReadDir implements fs.ReadDirFile.
func (d *filteredDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rd, ok := d.File.(fs.ReadDirFile)
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Err: fs.ErrInvalid}
	}
	all, err := rd.ReadDir(-1)
	var out []fs.DirEntry
	for _, e := range all {
		if d.keep(e) {
			out = append(out, e)
		}
	}
	if n > 0 && len(out) == 0 && err == nil {
		return nil, io.EOF
	}
	return out, err
}
