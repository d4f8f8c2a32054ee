package runner

import (
	"slices"
	"testing"

	"github.com/labrunner/labrunner/images"
	"github.com/labrunner/labrunner/labs"
)

// TestLabImageSpecsLanguages: a multi-language lab as loaded needs the
// runtime image of each of its languages (lab images pull <lab> fetches
// them all); a language's view, that language's alone, with its contract.
func TestLabImageSpecsLanguages(t *testing.T) {
	d := &Driver{cfg: Config{}}
	lab := &labs.Lab{ID: "m", Languages: []string{"node", "go"}, Services: map[string]*labs.Service{
		"app":   {Kind: labs.KindRuntime},
		"cache": {Kind: labs.KindRedis},
	}}
	refs := func(l *labs.Lab) []string {
		t.Helper()
		specs, err := d.LabImageSpecs(l)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range specs {
			out = append(out, s.Image)
		}
		return out
	}
	cache := images.Redis.Ref("")
	if got, want := refs(lab), []string{images.Node.Ref(""), images.Golang.Ref(""), cache}; !slices.Equal(got, want) {
		t.Errorf("the lab as loaded: %v, want %v", got, want)
	}
	view, err := lab.ForLanguage("go")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := refs(view), []string{images.Golang.Ref(""), cache}; !slices.Equal(got, want) {
		t.Errorf("its Go view: %v, want %v", got, want)
	}
	single := &labs.Lab{ID: "s", Services: map[string]*labs.Service{"app": {Kind: labs.KindRuntime}}}
	if got, want := refs(single), []string{images.Python.Ref("")}; !slices.Equal(got, want) {
		t.Errorf("a Python lab: %v, want %v", got, want)
	}
	spec, err := d.serviceSpec("app", view.Services["app"])
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(spec.Requires.Commands, "go") || slices.Contains(spec.Requires.Commands, "python3") || spec.Contract.Env["PGSSLMODE"] != "disable" {
		t.Errorf("the Go runtime's contract: requires %v, env %v", spec.Requires.Commands, spec.Contract.Env)
	}
}

// TestConfigLanguageImages: a language's image can be set by hand, as a
// kind's, as LAB_IMAGE_RUNTIME_<LANG>.
func TestConfigLanguageImages(t *testing.T) {
	env := map[string]string{"LAB_IMAGE_RUNTIME_GO": "mirror.example.edu/go:1", "HOME": t.TempDir()}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Image("runtime-go"); got != "mirror.example.edu/go:1" || cfg.ImageSource("runtime-go") != "LAB_IMAGE_RUNTIME_GO" {
		t.Errorf("runtime-go is %q (from %q)", got, cfg.ImageSource("runtime-go"))
	}
	if got := cfg.Image("runtime-node"); got != images.Node.Ref("") {
		t.Errorf("runtime-node is %q, want labrunner's %s", got, images.Node.Ref(""))
	}
}
