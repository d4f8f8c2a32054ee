package labs

import (
	"slices"
	"strings"
)

// variantKinds are the service kinds a variant can seed: a postgres
// service gets other fixtures (its result checks compare on each data
// set themselves); a box gets other files and fixtures, and its checks
// marked on_variants run again on each.
var variantKinds = []string{KindPostgres, KindBox}

func (v *validator) variants() {
	seen := map[string]*Variant{}
	for _, va := range v.lab.Variants {
		switch {
		case va.Name == "":
			v.missing(va, "name", va.Pos, `missing field "name"`)
		case !validSlug(va.Name):
			v.errs.add(v.at(va, "name"), "variant name %q is not valid (lowercase letters and digits, words joined by single dashes)", va.Name)
		case seen[va.Name] != nil:
			v.errs.add(v.at(va, "name"), "duplicate variant name %q (first at line %d)", va.Name, seen[va.Name].Pos.Line)
		default:
			seen[va.Name] = va
		}
		s := v.variantService(va)
		for _, f := range va.Files {
			v.fileCopy(f)
		}
		if s == nil {
			continue
		}
		switch s.Kind {
		case KindPostgres:
			if len(va.Files) > 0 {
				v.errs.add(v.at(va, "files"), "files: a variant of a postgres service replaces its fixtures only (files are for a box)")
			}
			if len(va.Fixtures) == 0 {
				v.missing(va, "fixtures", v.at(va, "fixtures"), `missing field "fixtures" (the fixture files that replace the service's fixtures)`)
			}
		case KindBox:
			if len(va.Fixtures) == 0 && len(va.Files) == 0 {
				v.missing(va, "files", va.Pos, `a variant of a box needs files or fixtures (what replaces the box's files copied to the same dst, or its fixtures)`)
			}
		}
	}
	v.onVariants()
}

// variantService resolves the service of a variant (default: the lab's
// only postgres or box service) and returns it, or nil when there is
// none to use (already reported).
func (v *validator) variantService(va *Variant) *Service {
	if va.Service == "" {
		var names []string
		for _, name := range v.serviceNames() {
			if slices.Contains(variantKinds, v.lab.Services[name].Kind) {
				names = append(names, name)
			}
		}
		switch len(names) {
		case 0:
			v.errs.add(va.Pos, "a variant replaces the fixtures of a postgres service or the files and fixtures of a box; the lab has neither")
			return nil
		case 1:
			va.Service = names[0]
		default:
			v.missing(va, "service", va.Pos, `missing field "service" (the lab has several services a variant can seed: %s)`, strings.Join(names, ", "))
			return nil
		}
	}
	s := v.service(va, &va.Service)
	if s == nil || !knownKind(s.Kind) {
		return nil
	}
	if !slices.Contains(variantKinds, s.Kind) {
		v.errs.add(v.at(va, "service"), "variant service %q is %s service; a variant replaces the fixtures of a postgres service or the files and fixtures of a box", va.Service, a(s.Kind))
		return nil
	}
	return s
}

// onVariants checks that each check marked on_variants is on a box that
// has variants: a postgres service's checks compare on its variants by
// themselves, and elsewhere there is nothing to run again on.
func (v *validator) onVariants() {
	has := map[string]bool{}
	for _, va := range v.lab.Variants {
		has[va.Service] = true
	}
	for _, c := range v.lab.Checks {
		if !c.OnVariants {
			continue
		}
		s, ok := v.lab.Services[c.Service]
		switch {
		case !ok || !knownKind(s.Kind):
			// reported with the check's service
		case s.Kind != KindBox:
			v.errs.add(v.at(c, "on_variants"), "on_variants: runs a check again on the variants of a box; %q is %s service", c.Service, a(s.Kind))
		case !has[c.Service]:
			v.errs.add(v.at(c, "on_variants"), "on_variants: service %q has no variants (add one under variants:)", c.Service)
		}
	}
}
