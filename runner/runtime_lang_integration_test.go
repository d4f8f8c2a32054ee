package runner_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
)

// langHarness is each language's harness of langLab: it calls the
// learner's hello() and prints what it returns.
var langHarness = map[string]string{
	"py": "import sys\nsys.path.insert(0, '/app')\nimport prog\nprint(prog.hello())\n",
	"js": "console.log(require('/app/prog.js').hello());\n",
	"go": "//go:build labharness\n\npackage main\n\nimport (\n\t\"fmt\"\n\n\tprog \"labapp\"\n)\n\nfunc main() { fmt.Println(prog.Hello()) }\n",
}

// langLab is a multi-language lab built in Go: the learner's prog.{ext}
// defines hello, which the lab's harness calls.
func langLab() *labs.Lab {
	files := fstest.MapFS{}
	for ext, h := range langHarness {
		files["langs/harness."+ext] = &fstest.MapFile{Data: []byte(h)}
	}
	hello := "hello"
	run := &checks.Command{Command: []string{labs.HarnessCommand}, Stdout: &checks.Match{Equals: &hello}}
	lab := &labs.Lab{
		ID:        "langs",
		Dir:       "langs",
		Languages: []string{"python", "node", "go"},
		Services: map[string]*labs.Service{
			"app": {Kind: labs.KindRuntime, Files: []*labs.FileCopy{{Src: "harness.{ext}", Dst: "/lab/harness.{ext}"}}},
		},
		Submission: []*labs.SubmissionFile{{File: "prog.{ext}", Apply: labs.ApplyProgram, Service: "app"}},
		Checks: []*labs.CheckDef{
			{Name: "hello", Type: "command", Service: "app", Points: 1, Reveal: true, Timeout: checks.Duration{Duration: 30 * time.Second}, Check: run},
			{Name: "again", Type: "command", Service: "app", Points: 1, Reveal: true, Timeout: checks.Duration{Duration: 30 * time.Second}, Check: run},
		},
	}
	lab.SetFS(files)
	return lab
}

// TestLanguagePrograms runs a program in each language on that language's
// image: the lab's harness calls the learner's function; a program that
// does not build (or, in Node.js, does not parse) fails every harness
// check with the compiler's message and the learner's file:line, and is
// no environment error.
func TestLanguagePrograms(t *testing.T) {
	d := dockertest.Driver(t)
	cases := []struct {
		lang, good, bad string
		// badSays is what the fail's message and output must hold; a
		// build error names the learner's file as in the workspace.
		badSays []string
		// hog allocates without end: without ulimit -v (Node.js, Go) the
		// container's memory and the runtime's own limit stop it, a fail.
		hog string
	}{
		{"python", "def hello():\n    return 'hello'\n", "def hello():\n    return undefined_name\n", []string{"NameError"}, ""},
		{"node", "exports.hello = () => 'hello';\n", "exports.hello = () => {\n  return 'hello'\n}}\n",
			[]string{"the node program does not build: prog.js:3", "SyntaxError"},
			"exports.hello = () => { const a = []; for (;;) a.push(new Array(1 << 20).fill(1)); };\n"},
		{"go", "package prog\n\n// Hello greets.\nfunc Hello() string { return \"hello\" }\n", "package prog\n\nfunc Hello() string {\n\treturn greeting\n}\n",
			[]string{"the go program does not build: prog.go:4:9: undefined: greeting"},
			"package prog\n\nvar keep [][]byte\n\n// Hello hogs.\nfunc Hello() string {\n\tfor {\n\t\tb := make([]byte, 1<<20)\n\t\tfor i := range b {\n\t\t\tb[i] = 1\n\t\t}\n\t\tkeep = append(keep, b)\n\t}\n}\n"},
	}
	for _, c := range cases {
		t.Run(c.lang, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			lab, err := langLab().ForLanguage(c.lang)
			if err != nil {
				t.Fatal(err)
			}
			env := dockertest.StartLab(t, ctx, d, lab)
			file := lab.Submission[0].File
			grade := func(prog string) *checks.Report {
				rep, err := env.Check(ctx, runner.Submission{file: prog}, runner.CheckOptions{Name: t.Name()})
				if err != nil {
					t.Fatalf("check: %v", err)
				}
				return rep
			}
			if rep := grade(c.good); statuses(rep) != "hello:pass again:pass" {
				t.Fatalf("the right %s: %s\n%+v", file, statuses(rep), rep.Results)
			}
			rep := grade(c.bad)
			if statuses(rep) != "hello:fail again:fail" {
				t.Fatalf("the wrong %s: %s\n%+v", file, statuses(rep), rep.Results)
			}
			r := rep.Results[0]
			for _, want := range c.badSays {
				if !strings.Contains(r.Message+"\n"+r.Output, want) {
					t.Errorf("the fail does not say %q:\n%s\n%s", want, r.Message, r.Output)
				}
			}
			if c.lang != "python" && (strings.Contains(r.Message+r.Output, "/lab/build") || strings.Contains(r.Message+r.Output, "/app/")) {
				t.Errorf("the fail names the runner's folders, not the learner's file:\n%s\n%s", r.Message, r.Output)
			}
			if c.hog != "" {
				rep := grade(c.hog)
				if statuses(rep) != "hello:fail again:fail" {
					t.Fatalf("a program that allocates without end: %s\n%+v", statuses(rep), rep.Results)
				}
				t.Logf("the hog: %s", rep.Results[0].Message)
			}
			// The right program after the wrong ones: the build is the
			// run's own, and the container outlived the hog.
			if rep := grade(c.good); statuses(rep) != "hello:pass again:pass" {
				t.Fatalf("the right %s again: %s\n%+v", file, statuses(rep), rep.Results)
			}
		})
	}
}
