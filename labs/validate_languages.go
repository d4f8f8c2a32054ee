package labs

import (
	"strings"
)

// languages checks languages: every name is a known language, once, and
// the lab has a runtime service for the programs; and that {ext} is used
// only where a language gives it a value: in a multi-language lab's
// submission file names and runtime file copies.
func (v *validator) languages() {
	l := v.lab
	seen := map[string]bool{}
	for i, name := range l.Languages {
		switch _, ok := LookupLanguage(name); {
		case !ok:
			v.errs.add(v.atIndex(l, "languages", i), "unknown language %q (known: %s)", name, strings.Join(LanguageNames(), ", "))
		case seen[name]:
			v.errs.add(v.atIndex(l, "languages", i), "language %q is listed twice", name)
		}
		seen[name] = true
	}
	runtimes := 0
	for _, name := range v.serviceNames() {
		s := l.Services[name]
		if s.Kind == KindRuntime {
			runtimes++
		}
		for _, f := range s.Files {
			if s.Kind != KindRuntime && (strings.Contains(f.Src, ExtPlaceholder) || strings.Contains(f.Dst, ExtPlaceholder)) {
				v.errs.add(v.at(f, "src"), "%s is the language's extension, which only a runtime service's files may use", ExtPlaceholder)
			} else if !l.MultiLanguage() && (strings.Contains(f.Src, ExtPlaceholder) || strings.Contains(f.Dst, ExtPlaceholder)) {
				v.errs.add(v.at(f, "src"), "%s is the language's extension: a lab must list its languages: to use it", ExtPlaceholder)
			}
		}
	}
	if l.MultiLanguage() && runtimes == 0 {
		v.errs.add(v.at(l, "languages"), "languages: needs a runtime service, where the learner's program runs")
	}
	for _, f := range l.Submission {
		if strings.Contains(f.File, ExtPlaceholder) && !l.MultiLanguage() {
			v.errs.add(v.at(f, "file"), "%s is the language's extension: a lab must list its languages: to use it", ExtPlaceholder)
		}
	}
}
