package labs

import (
	"io/fs"
	"slices"
	"testing"
	"testing/fstest"
)

// multiLab is a lab offered in Python and Go, in memory.
func multiLab() *Lab {
	files := fstest.MapFS{}
	for _, p := range []string{
		"starter/python/cache.py", "starter/go/cache.go",
		"solution/python/cache.py", "solution/go/cache.go",
		"wrong/no-ttl/python/cache.py", "wrong/no-ttl/go/cache.go",
		"wrong/dict/python/cache.py",
		"alternatives/pool/go/cache.go",
		"fixtures/harness.py", "fixtures/harness.go", "README.md",
	} {
		files["m/"+p] = &fstest.MapFile{Data: []byte(p)}
	}
	l := &Lab{
		ID: "m", Dir: "m", Solution: DefaultSolution, Languages: []string{"python", "go"},
		Services: map[string]*Service{
			"app": {Kind: KindRuntime, Files: []*FileCopy{{Src: "fixtures/harness.{ext}", Dst: "/lab/harness.{ext}"}}},
			"db":  {Kind: KindPostgres},
		},
		Submission: []*SubmissionFile{{File: "cache.{ext}", Apply: ApplyProgram, Service: "app"}},
		Wrong:      []*WrongSolution{{Name: "no-ttl"}, {Name: "dict"}},
	}
	l.SetFS(files)
	return l
}

func TestForLanguage(t *testing.T) {
	tests := []struct {
		lang         string
		wantLang     string
		file, harn   string
		wrong, alts  []string
		starter, sol string
	}{
		{lang: "", wantLang: "python", file: "cache.py", harn: "fixtures/harness.py", wrong: []string{"no-ttl", "dict"}, alts: nil,
			starter: "starter/python/cache.py", sol: "solution/python/cache.py"},
		{lang: "go", wantLang: "go", file: "cache.go", harn: "fixtures/harness.go", wrong: []string{"no-ttl"}, alts: []string{"pool"},
			starter: "starter/go/cache.go", sol: "solution/go/cache.go"},
	}
	for _, tt := range tests {
		t.Run(tt.wantLang, func(t *testing.T) {
			base := multiLab()
			v, err := base.ForLanguage(tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			// A view of another language's view is the same view.
			other, _ := base.ForLanguage("python")
			if tt.lang != "" {
				other, _ = base.ForLanguage("go")
				other, _ = other.ForLanguage("python")
			}
			if v, err = other.ForLanguage(tt.lang); err != nil {
				t.Fatal(err)
			}
			if v.Language != tt.wantLang || v.Services["app"].Language != tt.wantLang || v.Services["db"].Language != "" {
				t.Errorf("language: lab %q, app %q, db %q", v.Language, v.Services["app"].Language, v.Services["db"].Language)
			}
			if got := v.Submission[0].File; got != tt.file {
				t.Errorf("submission file %q, want %q", got, tt.file)
			}
			if f := v.Services["app"].Files[0]; f.Src != tt.harn || f.Dst != "/lab/harness."+tt.file[len("cache."):] {
				t.Errorf("harness copy %s -> %s", f.Src, f.Dst)
			}
			if base.Submission[0].File != "cache.{ext}" || base.Services["app"].Files[0].Src != "fixtures/harness.{ext}" {
				t.Error("the view changed the lab it was made from")
			}
			var wrong []string
			for _, w := range v.Wrong {
				wrong = append(wrong, w.Name)
			}
			if !slices.Equal(wrong, tt.wrong) {
				t.Errorf("wrong %v, want %v", wrong, tt.wrong)
			}
			if got := v.Alternatives(); !slices.Equal(got, tt.alts) {
				t.Errorf("alternatives %v, want %v", got, tt.alts)
			}
			for dir, want := range map[string]string{"starter": tt.starter, "solution": tt.sol} {
				b, err := fs.ReadFile(v.FS(), dir+"/"+tt.file)
				if err != nil || string(b) != want {
					t.Errorf("%s/%s reads %q (%v), want the contents of %s", dir, tt.file, b, err, want)
				}
			}
			var walked []string
			fs.WalkDir(v.FS(), "starter", func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					walked = append(walked, p)
				}
				return err
			})
			if want := []string{"starter/" + tt.file}; !slices.Equal(walked, want) {
				t.Errorf("starter/ walks as %v, want %v", walked, want)
			}
			if b, err := fs.ReadFile(v.FS(), "README.md"); err != nil || string(b) != "README.md" {
				t.Errorf("README.md reads %q (%v)", b, err)
			}
		})
	}
}

func TestForLanguageErrors(t *testing.T) {
	single := &Lab{ID: "s"}
	tests := []struct {
		name string
		lab  *Lab
		lang string
		want string
	}{
		{"not offered", multiLab(), "node", "lab m is not offered in node (it is in python, go)"},
		{"unknown", multiLab(), "rust", `unknown language "rust" (known: python, node, go); lab m is offered in python, go`},
		{"single-language lab", single, "go", "lab s is not offered in go (it is in python)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.lab.ForLanguage(tt.lang)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got %v\nwant %s", err, tt.want)
			}
		})
	}
	for _, lang := range []string{"", "python"} {
		if v, err := single.ForLanguage(lang); err != nil || v != single {
			t.Errorf("ForLanguage(%q) of a single-language lab: %v, %v; want the lab itself", lang, v, err)
		}
	}
}
