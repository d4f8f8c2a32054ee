package labs

import (
	"io/fs"
	"maps"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

var (
	// slugRe is a safe id: lab ids, check, variant and wrong names.
	slugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// hostRe is a service name, which is also its host name.
	hostRe = regexp.MustCompile(`^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)
	// identRe is a Postgres database name labrunner creates.
	identRe = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	// envRe is an environment variable name.
	envRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

func validSlug(s string) bool { return len(s) <= 64 && slugRe.MatchString(s) }

// validRelPath reports whether p names something inside a lab folder.
func validRelPath(p string) bool { return p != "." && fs.ValidPath(p) }

// validator checks a decoded lab: required fields, names, references
// between its parts, and the files it names. It also applies the defaults
// that depend on the rest of the lab.
type validator struct {
	lab  *Lab
	d    *decoder
	errs *errorList
	// root is where the lab's mapping starts.
	root Pos
	// checks are the lab's checks by name.
	checks map[string]*CheckDef
}

func (v *validator) validate() {
	v.meta()
	v.services()
	v.submission()
	v.serves()
	v.checkDefs()
	v.hints()
	v.variants()
	v.solutions()
	v.languages()
	v.files()
}

// missing reports a missing field of owner at pos, unless the decoder
// already reported a problem with that field.
func (v *validator) missing(owner any, field string, pos Pos, format string, args ...any) {
	if !v.d.failed(owner, field) {
		v.errs.add(pos, format, args...)
	}
}

// at returns where field of owner is written, or where owner starts.
func (v *validator) at(owner any, field string) Pos {
	return v.d.at(owner, field, v.start(owner))
}

// atIndex returns where element i of the list field of owner is written.
func (v *validator) atIndex(owner any, field string, i int) Pos {
	if p, ok := v.d.pos[posKey{owner, field, i}]; ok {
		return p
	}
	return v.at(owner, field)
}

// start returns where owner's mapping starts.
func (v *validator) start(owner any) Pos {
	if owner == any(v.lab) {
		return v.root
	}
	if rv := reflect.ValueOf(owner); rv.Kind() == reflect.Pointer && rv.Elem().Kind() == reflect.Struct {
		if f := rv.Elem().FieldByName("Pos"); f.IsValid() {
			if p, ok := f.Interface().(Pos); ok {
				return p
			}
		}
	}
	return v.root
}

func (v *validator) meta() {
	l := v.lab
	l.idPos = v.at(l, "id")
	switch {
	case l.ID == "":
		v.missing(l, "id", v.root, `missing field "id" (the lab's folder name, e.g. "sql-join")`)
	case !validSlug(l.ID):
		v.errs.add(l.idPos, "id %q is not a safe slug (lowercase letters and digits, words joined by single dashes, at most 64 characters)", l.ID)
	case l.Dir != "." && path.Base(l.Dir) != l.ID:
		v.errs.add(l.idPos, "id %q does not match the lab's folder %q (they must be equal)", l.ID, path.Base(l.Dir))
	}
	switch {
	case strings.TrimSpace(l.Title) == "":
		v.missing(l, "title", v.root, `missing field "title" (a one-line title)`)
	case strings.Contains(strings.TrimSpace(l.Title), "\n"):
		v.errs.add(v.at(l, "title"), "title: must be one line")
	}
	switch {
	case l.Difficulty == "":
		v.missing(l, "difficulty", v.root, `missing field "difficulty" (one of: %s)`, strings.Join(Difficulties(), ", "))
	case !slices.Contains(Difficulties(), l.Difficulty):
		v.errs.add(v.at(l, "difficulty"), "unknown difficulty %q (one of: %s)", l.Difficulty, strings.Join(Difficulties(), ", "))
	}
	if l.Estimate.Duration < 0 {
		v.errs.add(v.at(l, "estimate"), "estimate: must not be negative")
	}
	for i, t := range l.Tags {
		if strings.TrimSpace(t) == "" {
			v.errs.add(v.atIndex(l, "tags", i), "tags: a tag must not be empty")
		}
	}
}

func (v *validator) services() {
	l := v.lab
	if len(l.Services) == 0 {
		v.missing(l, "services", v.at(l, "services"), `missing field "services" (the lab's containers by name, e.g. db: {kind: postgres})`)
		return
	}
	for _, name := range v.serviceNames() {
		s := l.Services[name]
		if !hostRe.MatchString(name) {
			v.errs.add(s.Pos, "service name %q is not valid (it is a host name: lowercase letters, digits and dashes, starting with a letter)", name)
		}
		spec, ok := lookupKind(s.Kind)
		switch {
		case s.Kind == "":
			v.missing(s, "kind", s.Pos, `service %q: missing field "kind" (one of: %s)`, name, strings.Join(Kinds(), ", "))
		case !ok:
			v.errs.add(v.at(s, "kind"), "unknown service kind %q (known: %s)", s.Kind, strings.Join(Kinds(), ", "))
		}
		if ok {
			if len(s.Fixtures) > 0 && !spec.fixtures {
				v.errs.add(v.at(s, "fixtures"), "fixtures: %s service takes no fixtures (use files)", a(s.Kind))
			}
			if len(s.Files) > 0 && !spec.files {
				v.errs.add(v.at(s, "files"), "files: %s service takes no files (use fixtures)", a(s.Kind))
			}
			if s.Database != "" && !spec.database {
				v.errs.add(v.at(s, "database"), "database: only a postgres service has a database")
			}
			if s.ACL && !spec.acl {
				v.errs.add(v.at(s, "acl"), "acl: only a redis service has a learner user")
			}
			if spec.database && s.Database == "" {
				s.Database = DefaultDatabase
			}
		}
		if s.Database != "" && !identRe.MatchString(s.Database) {
			v.errs.add(v.at(s, "database"), "database %q is not a valid name (lowercase letters, digits and _, not starting with a digit)", s.Database)
		}
		for _, k := range slices.Sorted(maps.Keys(s.Env)) {
			if !envRe.MatchString(k) {
				v.errs.add(v.at(s, "env."+k), "env: %q is not a variable name (letters, digits and _, not starting with a digit)", k)
			}
		}
		for _, f := range s.Files {
			v.fileCopy(f)
		}
	}
}

func (v *validator) fileCopy(f *FileCopy) {
	if f.Src == "" {
		v.missing(f, "src", f.Pos, `missing field "src" (a file or folder of the lab)`)
	}
	switch {
	case f.Dst == "":
		v.missing(f, "dst", f.Pos, `missing field "dst" (an absolute path in the container)`)
	case !path.IsAbs(f.Dst) || path.Clean(f.Dst) != f.Dst:
		v.errs.add(v.at(f, "dst"), "dst %q must be a clean absolute path in the container, such as /etc/nginx/conf.d/site.conf", f.Dst)
	}
	if f.Mode != "" {
		if m, ok := parseMode(f.Mode); !ok || m > 0o7777 {
			v.errs.add(v.at(f, "mode"), "mode %q is not octal permission bits such as \"0644\"", f.Mode)
		}
	}
}

// parseMode parses octal permission bits such as "0644".
func parseMode(s string) (uint64, bool) {
	m, err := strconv.ParseUint(s, 8, 32)
	return m, err == nil
}

func (v *validator) submission() {
	l := v.lab
	if len(l.Submission) == 0 {
		v.missing(l, "submission", v.at(l, "submission"), `missing field "submission" (the files the learner edits, e.g. - {file: solution.sql, apply: query, service: db})`)
		return
	}
	seen := map[string]*SubmissionFile{}
	for _, f := range l.Submission {
		switch {
		case f.File == "":
			v.missing(f, "file", f.Pos, `missing field "file"`)
		case !validRelPath(f.File):
			v.errs.add(v.at(f, "file"), "file %q must be a relative path (no \"..\", no leading /)", f.File)
		case seen[f.File] != nil:
			v.errs.add(v.at(f, "file"), "duplicate submission file %q (first at line %d)", f.File, seen[f.File].Pos.Line)
		default:
			seen[f.File] = f
		}
		need, known := applyKind(f.Apply)
		switch {
		case f.Apply == "":
			v.missing(f, "apply", f.Pos, `missing field "apply" (one of: %s)`, strings.Join(ApplyModes(), ", "))
		case !known:
			v.errs.add(v.at(f, "apply"), "unknown apply mode %q (known: %s)", f.Apply, strings.Join(ApplyModes(), ", "))
		}
		s := v.service(f, &f.Service)
		if s != nil && known && knownKind(s.Kind) && s.Kind != need {
			v.errs.add(v.at(f, "apply"), "apply mode %q needs %s service; %q is %s service", f.Apply, a(need), f.Service, a(s.Kind))
		}
	}
}

// service resolves the `service:` field of owner: it defaults to the
// lab's only service, and must name a declared one.
func (v *validator) service(owner any, name *string) *Service {
	l := v.lab
	if *name == "" {
		switch names := v.serviceNames(); len(names) {
		case 0:
		case 1:
			*name = names[0]
			return l.Services[names[0]]
		default:
			v.missing(owner, "service", v.start(owner), `missing field "service" (the lab has several: %s)`, strings.Join(names, ", "))
		}
		return nil
	}
	s, ok := l.Services[*name]
	if !ok {
		v.errs.add(v.at(owner, "service"), "unknown service %q (the lab's services: %s)", *name, orNone(v.serviceNames()))
	}
	return s
}

func (v *validator) serviceNames() []string { return v.lab.ServiceNames() }

func (v *validator) solutions() {
	l := v.lab
	if l.Solution == "" {
		l.Solution = DefaultSolution
	} else if !validRelPath(l.Solution) {
		v.errs.add(v.at(l, "solution"), "solution %q must be a folder of the lab (no \"..\", no leading /)", l.Solution)
	}
	seen := map[string]*WrongSolution{}
	for _, w := range l.Wrong {
		switch {
		case w.Name == "":
			v.missing(w, "name", w.Pos, `missing field "name" (its folder under wrong/)`)
		case !validSlug(w.Name):
			v.errs.add(v.at(w, "name"), "wrong solution name %q is not valid (lowercase letters and digits, words joined by single dashes)", w.Name)
		case seen[w.Name] != nil:
			v.errs.add(v.at(w, "name"), "duplicate wrong solution %q (first at line %d)", w.Name, seen[w.Name].Pos.Line)
		default:
			seen[w.Name] = w
		}
		if len(w.Fails) == 0 {
			v.missing(w, "fails", v.at(w, "fails"), `missing field "fails" (the checks this solution must fail)`)
		}
		for i, n := range w.Fails {
			if v.checks[n] == nil {
				v.errs.add(v.atIndex(w, "fails", i), "wrong solution %q fails unknown check %q (the lab's checks: %s)", w.Name, n, v.checkNames())
			}
		}
	}
}

// a prefixes a service kind or a check type with its article, as the
// name is read: "a postgres", "an nginx", "an access", "an http".
func a(name string) string {
	if strings.HasPrefix(name, KindNginx) || strings.HasPrefix(name, "http") || strings.IndexAny(name, "aeiou") == 0 {
		return "an " + name
	}
	return "a " + name
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
