package labs

import (
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/labrunner/labrunner/checks"
)

// MaxTimeout is the longest timeout a check may have.
const MaxTimeout = 10 * time.Minute

func (v *validator) checkDefs() {
	l := v.lab
	v.checks = map[string]*CheckDef{}
	if len(l.Checks) == 0 {
		v.missing(l, "checks", v.at(l, "checks"), `missing field "checks" (the checks that grade the submission)`)
		return
	}
	for _, c := range l.Checks {
		switch {
		case c.Name == "":
			v.missing(c, "name", c.Pos, `missing field "name" (e.g. "matches-reference")`)
		case !validSlug(c.Name):
			v.errs.add(v.at(c, "name"), "check name %q is not valid (lowercase letters and digits, words joined by single dashes)", c.Name)
		case v.checks[c.Name] != nil:
			v.errs.add(v.at(c, "name"), "duplicate check name %q (first at line %d)", c.Name, v.checks[c.Name].Pos.Line)
		default:
			v.checks[c.Name] = c
		}
		s := v.service(c, &c.Service)
		if t, ok := checks.Lookup(c.Type); ok && s != nil && knownKind(s.Kind) && !slices.Contains(t.Kinds, s.Kind) {
			v.errs.add(v.at(c, "service"), "%s check cannot run against %q, %s service (it needs %s)", a(c.Type), c.Service, a(s.Kind), strings.Join(t.Kinds, " or "))
		}
		if c.Points < 0 {
			v.errs.add(v.at(c, "points"), "points: must not be negative")
		}
		switch {
		case v.d.failed(c, "timeout"):
		case c.Timeout.Duration <= 0:
			v.errs.add(v.at(c, "timeout"), "timeout: must be positive, such as 10s")
		case c.Timeout.Duration > MaxTimeout:
			v.errs.add(v.at(c, "timeout"), "timeout: at most %s", "10m")
		}
		if c.Check != nil {
			v.checkFields(c)
			v.httpServices(c)
		}
	}
	for _, c := range l.Checks {
		for i, n := range c.Needs {
			switch {
			case n == c.Name:
				v.errs.add(v.atIndex(c, "needs", i), "check %q needs itself", c.Name)
			case v.checks[n] == nil:
				v.errs.add(v.atIndex(c, "needs", i), "needs unknown check %q (the lab's checks: %s)", n, v.checkNames())
			}
		}
	}
	v.needCycles()
}

// checkFields runs the check type's Validate, placing each problem at the
// field it names, and checks that `*_file` fields name submission files.
func (v *validator) checkFields(c *CheckDef) {
	if err := c.Check.Validate(); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			pos := c.Pos
			if f, _, ok := strings.Cut(line, ":"); ok {
				if v.d.failed(c.Check, f) {
					continue
				}
				pos = v.d.at(c.Check, f, c.Pos)
			}
			v.errs.add(pos, "%s", line)
		}
	}
	rv := reflect.ValueOf(c.Check)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return
	}
	for _, f := range fieldsOf(rv.Elem().Type()) {
		fv := rv.Elem().FieldByIndex(f.index)
		if !strings.HasSuffix(f.name, "_file") || fv.Kind() != reflect.String || fv.String() == "" {
			continue
		}
		if !slices.ContainsFunc(v.lab.Submission, func(s *SubmissionFile) bool { return s.File == fv.String() }) {
			v.errs.add(v.d.at(c.Check, f.name, c.Pos), "%s %q is not a submission file (submission files: %s)", f.name, fv.String(), v.submissionNames())
		}
	}
}

// needCycles reports each cycle of `needs` once, at the check that closes
// it.
func (v *validator) needCycles() {
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(c *CheckDef)
	visit = func(c *CheckDef) {
		state[c.Name] = active
		stack = append(stack, c.Name)
		for i, n := range c.Needs {
			next := v.checks[n]
			if next == nil || n == c.Name {
				continue
			}
			switch state[n] {
			case unseen:
				visit(next)
			case active:
				start := slices.Index(stack, n)
				cycle := append(slices.Clone(stack[start:]), n)
				v.errs.add(v.atIndex(c, "needs", i), "needs form a cycle: %s", strings.Join(cycle, " → "))
			}
		}
		stack = stack[:len(stack)-1]
		state[c.Name] = done
	}
	for _, c := range v.lab.Checks {
		if v.checks[c.Name] == c && state[c.Name] == unseen {
			visit(c)
		}
	}
}

func (v *validator) hints() {
	for _, h := range v.lab.Hints {
		if strings.TrimSpace(h.Text) == "" {
			v.missing(h, "text", h.Pos, `missing field "text"`)
		}
		if h.Check != "" && v.checks[h.Check] == nil {
			v.errs.add(v.at(h, "check"), "hint for unknown check %q (the lab's checks: %s)", h.Check, v.checkNames())
		}
	}
}

func (v *validator) checkNames() string {
	var names []string
	for _, c := range v.lab.Checks {
		if c.Name != "" {
			names = append(names, c.Name)
		}
	}
	return orNone(names)
}

func (v *validator) submissionNames() string {
	var names []string
	for _, s := range v.lab.Submission {
		if s.File != "" {
			names = append(names, s.File)
		}
	}
	return orNone(names)
}
