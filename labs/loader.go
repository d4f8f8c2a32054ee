package labs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Names of the files and folders of a lab.
const (
	// FileName is the lab definition in a lab folder.
	FileName = "lab.yaml"
	// TaskFile is the task shown to the learner, beside lab.yaml.
	TaskFile = "README.md"
	// StarterDir holds what the learner starts from.
	StarterDir = "starter"
	// WrongDir holds the known-wrong solutions, one folder each.
	WrongDir = "wrong"
	// AlternativesDir holds other correct solutions, one folder each, in
	// other styles than the reference: lab test proves each passes every
	// check, so that a lab is shown to be fair as well as strict.
	AlternativesDir = "alternatives"
	// DefaultSolution is the reference solution's folder without `solution:`.
	DefaultSolution = "solution"
	// DefaultDatabase is a postgres service's database without `database:`.
	DefaultDatabase = "lab"
)

// MaxFileSize is the largest lab.yaml the loader reads; a bigger file is
// rejected before it is parsed.
const MaxFileSize = 1 << 20

// Load reads, decodes and validates the lab in folder dir of fsys (a
// slash-separated path, "." for the root). Unless dir is ".", the folder's
// name must be the lab's id. On any problem Load returns a nil Lab and an
// Errors holding every problem found in the lab, each at its place.
func Load(fsys fs.FS, dir string) (*Lab, error) {
	return load(fsys, dir, dir)
}

// LoadDir loads the lab in the operating-system folder dir. Messages name
// files the way dir does ("labs/sql-join/lab.yaml").
func LoadDir(dir string) (*Lab, error) {
	fsys, name, err := osParent(dir)
	if err != nil {
		return nil, err
	}
	return load(fsys, name, dir)
}

// osParent returns an FS of dir's parent folder and dir's name in it, so
// that the folder name can be checked against the lab id.
func osParent(dir string) (fs.FS, string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, "", Errors{{Path: dir, Msg: fmt.Sprintf("cannot resolve the folder: %v", err)}}
	}
	parent, name := filepath.Split(abs)
	if name == "" {
		return nil, "", Errors{{Path: dir, Msg: "not a lab folder (the file-system root)"}}
	}
	return os.DirFS(parent), name, nil
}

// load loads the lab in dir of fsys; display is how messages name dir.
func load(fsys fs.FS, dir, display string) (*Lab, error) {
	el := &errorList{path: filepath.Join(display, FileName)}
	if !fs.ValidPath(dir) {
		return nil, Errors{{Path: display, Msg: fmt.Sprintf("invalid lab folder %q (a lab is a folder inside its catalog: no \"..\", no leading /)", dir)}}
	}
	if info, err := fs.Stat(fsys, dir); err != nil {
		return nil, Errors{{Path: display, Msg: "cannot read the lab folder: " + cause(err)}}
	} else if !info.IsDir() {
		return nil, Errors{{Path: display, Msg: "not a folder (a lab is a folder holding lab.yaml)"}}
	}
	data, ok := readDefinition(fsys, path.Join(dir, FileName), el)
	if !ok {
		return nil, el.err()
	}
	root, ok := parse(data, el)
	if !ok {
		return nil, el.err()
	}
	l := &Lab{Dir: dir, Path: el.path, fsys: fsys}
	d := &decoder{errs: el, pos: map[posKey]Pos{}, bad: map[posKey]bool{}}
	d.value(root, reflect.ValueOf(l).Elem(), loc{owner: l, index: -1})
	if d.exhausted || root.Kind != yaml.MappingNode {
		return nil, el.err()
	}
	compact(l)
	v := &validator{lab: l, d: d, errs: el, root: nodePos(root)}
	v.validate()
	if err := el.err(); err != nil {
		return nil, err
	}
	return l, nil
}

// readDefinition reads a lab.yaml, refusing what is not a small regular
// file before reading it.
func readDefinition(fsys fs.FS, name string, el *errorList) ([]byte, bool) {
	info, err := fs.Stat(fsys, name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		el.add(Pos{}, "no such file (every lab folder holds a lab.yaml)")
		return nil, false
	case err != nil:
		el.add(Pos{}, "cannot read: %s", cause(err))
		return nil, false
	case info.IsDir():
		el.add(Pos{}, "is a folder, not a file")
		return nil, false
	case !info.Mode().IsRegular():
		el.add(Pos{}, "not a regular file (%s)", info.Mode().Type())
		return nil, false
	case info.Size() > MaxFileSize:
		el.add(Pos{}, "file is %s; a lab.yaml may be at most %s", size(info.Size()), size(MaxFileSize))
		return nil, false
	}
	f, err := fsys.Open(name)
	if err != nil {
		el.add(Pos{}, "cannot read: %s", cause(err))
		return nil, false
	}
	defer f.Close()
	// The size can change between Stat and Read; read at most one byte
	// more than allowed to tell.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		el.add(Pos{}, "cannot read: %s", cause(err))
		return nil, false
	}
	if len(data) > MaxFileSize {
		el.add(Pos{}, "file is over %s; a lab.yaml may be at most %s", size(MaxFileSize), size(MaxFileSize))
		return nil, false
	}
	return data, true
}

// parse parses data as one YAML document and returns its root node.
func parse(data []byte, el *errorList) (root *yaml.Node, ok bool) {
	if bytes.IndexByte(data, 0) >= 0 {
		el.add(Pos{}, "binary data, not YAML text (the file holds NUL bytes)")
		return nil, false
	}
	if !utf8.Valid(data) {
		el.add(Pos{}, "not UTF-8 text")
		return nil, false
	}
	defer func() {
		// yaml.v3 has panicked on malformed input in the past; bad input
		// must end in a message, never a crash.
		if r := recover(); r != nil {
			el.add(Pos{}, "invalid YAML (the parser failed: %v)", r)
			root, ok = nil, false
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			el.add(Pos{}, "empty file (a lab.yaml starts with id, title, difficulty, …)")
		} else {
			addYAMLError(el, data, err)
		}
		return nil, false
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == io.EOF:
	case err != nil:
		addYAMLError(el, data, err)
		return nil, false
	default:
		pos := nodePos(&extra)
		if len(extra.Content) > 0 {
			pos = nodePos(extra.Content[0])
		}
		el.add(pos, "a second YAML document (a lab.yaml holds one; remove the ---)")
		return nil, false
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		el.add(Pos{}, "empty file (a lab.yaml starts with id, title, difficulty, …)")
		return nil, false
	}
	return doc.Content[0], true
}

// addYAMLError records a yaml.v3 syntax error in data at the line that
// is wrong (see SyntaxError).
func addYAMLError(el *errorList, data []byte, err error) {
	el.errs = append(el.errs, SyntaxError(el.path, data, err))
}

// compact drops the nil entries a `- ~` or `name: ~` leaves behind; the
// decoder has reported them.
func compact(l *Lab) {
	for name, s := range l.Services {
		if s == nil {
			delete(l.Services, name)
			continue
		}
		s.Files = dropNil(s.Files)
	}
	l.Submission = dropNil(l.Submission)
	l.Hints = dropNil(l.Hints)
	l.Checks = dropNil(l.Checks)
	l.Variants = dropNil(l.Variants)
	l.Wrong = dropNil(l.Wrong)
}

func dropNil[T any](s []*T) []*T {
	out := s[:0]
	for _, x := range s {
		if x != nil {
			out = append(out, x)
		}
	}
	return out
}

// cause returns the reason of a file-system error without the operation
// and path, which the message already names.
func cause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// size formats a byte count for messages.
func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ServiceNames returns the names of the lab's services, sorted.
func (l *Lab) ServiceNames() []string { return slices.Sorted(maps.Keys(l.Services)) }

// SetFS sets the file system that holds Dir, for a Lab built in Go
// rather than loaded (one loaded keeps the file system it came from).
func (l *Lab) SetFS(fsys fs.FS) { l.fsys = fsys }

// Alternatives returns the names of the folders under alternatives/,
// sorted: the lab's other correct solutions.
func (l *Lab) Alternatives() []string {
	entries, err := fs.ReadDir(l.FS(), AlternativesDir)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}

// FS returns the lab's folder: lab.yaml, README.md, fixtures/, starter/,
// solution/, wrong/, alternatives/.
func (l *Lab) FS() fs.FS {
	if l.fsys == nil {
		// A Lab built in Go rather than loaded: Dir is an OS folder.
		return os.DirFS(l.Dir)
	}
	sub, err := fs.Sub(l.fsys, l.Dir)
	if err != nil {
		// Dir was checked with fs.ValidPath when the lab was loaded.
		panic("labs: " + err.Error())
	}
	return sub
}

// Task returns the task, the lab's README.md.
func (l *Lab) Task() (string, error) {
	b, err := fs.ReadFile(l.FS(), TaskFile)
	if err != nil {
		return "", fmt.Errorf("read task of lab %q: %w", l.ID, err)
	}
	return string(b), nil
}
