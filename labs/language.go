package labs

import (
	"fmt"
	"strings"
)

// Language is a language a program lab can be offered in: the learner
// picks one with `lab start <lab> --lang <name>`. The runner's own table
// (runner/runtime_lang.go) says how a language's program is built and run.
type Language struct {
	// Name is what --lang and lab.yaml's languages: say ("go").
	Name string
	// Title is the language's name for people ("Go").
	Title string
	// Ext is the extension of its source files, without the dot ("go");
	// {ext} in a submission file name or a runtime file copy of a
	// multi-language lab stands for it.
	Ext string
}

// DefaultLanguage is the language of a program lab that names none.
const DefaultLanguage = "python"

// ExtPlaceholder, in a submission file name or in the src and dst of a
// runtime service's file copy, stands for the chosen language's
// extension: cache.{ext} is cache.py, cache.js or cache.go.
const ExtPlaceholder = "{ext}"

// languages is the table of languages, one row each. Adding one is a row
// here, a row in runner's table and an image.
var languages = []Language{
	{Name: "python", Title: "Python", Ext: "py"},
	{Name: "node", Title: "Node.js", Ext: "js"},
	{Name: "go", Title: "Go", Ext: "go"},
}

// Languages returns the languages labs can be offered in, in table order.
func Languages() []Language { return append([]Language(nil), languages...) }

// LanguageNames returns the names of Languages.
func LanguageNames() []string {
	var names []string
	for _, l := range languages {
		names = append(names, l.Name)
	}
	return names
}

// LookupLanguage returns the language called name.
func LookupLanguage(name string) (Language, bool) {
	for _, l := range languages {
		if l.Name == name {
			return l, true
		}
	}
	return Language{}, false
}

// Offered returns the languages the lab is offered in: its languages:, or
// DefaultLanguage alone for a lab with none.
func (l *Lab) Offered() []string {
	if len(l.Languages) == 0 {
		return []string{DefaultLanguage}
	}
	return append([]string(nil), l.Languages...)
}

// MultiLanguage reports whether the lab names its languages, and so keeps
// each language's files in a folder of its own (starter/<lang>/, …).
func (l *Lab) MultiLanguage() bool { return len(l.Languages) > 0 }

// LanguageError is a language the lab is not offered in.
type LanguageError struct {
	Lab, Language string
	Offered       []string
}

func (e *LanguageError) Error() string {
	if _, ok := LookupLanguage(e.Language); !ok {
		return fmt.Sprintf("unknown language %q (known: %s); lab %s is offered in %s",
			e.Language, strings.Join(LanguageNames(), ", "), e.Lab, strings.Join(e.Offered, ", "))
	}
	return fmt.Sprintf("lab %s is not offered in %s (it is in %s)", e.Lab, e.Language, strings.Join(e.Offered, ", "))
}

// HarnessCommand, as the first word of a check's command on a runtime
// service, runs the lab's harness for the chosen language (built first
// where the language compiles); the command's other words are the
// harness's arguments. It lets one check serve every language.
const HarnessCommand = "harness"
