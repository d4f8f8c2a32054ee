package runner

import (
	"fmt"
	"maps"
	"slices"

	"github.com/labrunner/labrunner/images"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner/engine"
)

// runtimeLang is how a runtime service runs programs of one language: the
// image with its toolchain and drivers, how the learner's files are built
// (where the language compiles), and what a check's `harness` command
// runs. The lab's harness for the language is copied to
// /lab/harness.<ext> (lab.yaml's files:, src fixtures/harness.{ext}); it
// calls the learner's functions and prints what they return.
//
//	language  image        ext  build (once per run, as root)        harness runs
//	python    python:3.11  py   -                                    python3 /lab/harness.py
//	node      node:18      js   node --check on each file            node /lab/harness.js
//	go        golang:1.19  go   go build of harness.go + /app/*.go   /lab/build/harness
//
// Adding a language is a row here, a row in labs/language.go and an image.
type runtimeLang struct {
	// image is the language's image in labrunner's set.
	image images.Image
	// tool is the language's command, which the image must have; the
	// readiness probe runs it with probe.
	tool  string
	probe []string
	// env is the environment of the language's containers, on top of the
	// image's own.
	env map[string]string
	// build is a root shell script run in AppDir before the first harness
	// call of a run ("" for none). It exits non-zero with the compiler's
	// message, with paths relative to AppDir, when the learner's files do
	// not build.
	build string
	// harness is what a check's `harness` command runs; the check's
	// arguments follow.
	harness []string
	// noAddressLimit drops the program's address-space limit (ulimit -v
	// programMemory), for a runtime that reserves far more address space
	// than it uses: Node.js and Go programs abort under it. Its programs are bounded by
	// the container's memory (runtimeMemory) and the runtime's own heap
	// limit (env).
	noAddressLimit bool
}

// harnessBuild is the folder a compiled harness and its sources are in:
// root's, so that a program cannot replace what the next check runs.
const harnessBuild = "/lab/build"

// runtimeLangs is the table of languages, keyed by labs' names.
var runtimeLangs = map[string]runtimeLang{
	"python": {
		image: images.Python, tool: "python3", probe: []string{"-c", "pass"},
		env: map[string]string{
			// The program's folder is read-only; output reaches the
			// check even when the program is killed.
			"PYTHONDONTWRITEBYTECODE": "1",
			"PYTHONUNBUFFERED":        "1",
		},
		harness: []string{"python3", "/lab/harness.py"},
	},
	"node": {
		image: images.Node, tool: "node", probe: []string{"-e", "0"},
		// V8's heap is bounded below the container's memory: a program
		// that allocates without end gets JavaScript's out-of-memory
		// error rather than the kernel's kill.
		env:            map[string]string{"NODE_OPTIONS": "--max-old-space-size=256"},
		noAddressLimit: true,
		// A syntax error is a build error, with file:line, before any
		// of the program runs.
		build: `b=` + harnessBuild + `; rm -rf "$b"; mkdir -p "$b"; rc=0
for f in $(find . -name '*.js' | sort); do node --check "$f" >>"$b/log" 2>&1 || rc=1; done
if [ $rc -ne 0 ]; then sed -e "s#$PWD/##g" -e '/^    at /d' -e '/^Node\.js v/d' "$b/log"; fi; exit $rc`,
		harness: []string{"node", "/lab/harness.js"},
	},
	"go": {
		image: images.Golang, tool: "go", probe: []string{"version"},
		// lib/pq asks for TLS unless told; the lab's Postgres has none.
		// Go's runtime reserves its page summaries up front and dies
		// under ulimit -v; GOMEMLIMIT makes its collector keep the heap
		// below the container's memory.
		env:            map[string]string{"PGSSLMODE": "disable", "GOMEMLIMIT": "384MiB"},
		noAddressLimit: true,
		// GOPATH mode with Debian's driver sources: the learner's files
		// are the package labapp, which the harness (main, build tag
		// labharness) imports. -p 1 keeps the compiler's threads within
		// the container's process limit; -s -w halves the link.
		build: `set -e; b=` + harnessBuild + `; rm -rf "$b"; mkdir -p "$b/src/labapp" "$b/src/harness"
cp ./*.go "$b/src/labapp/"; cp /lab/harness.go "$b/src/harness/"; cd "$b/src/labapp"
if ! GOPATH="$b:$GOPATH" go build -p 1 -tags labharness -ldflags "-s -w" -o "$b/harness" harness >"$b/log" 2>&1; then
  sed -e 's#^\./##' -e '/^# /d' "$b/log"; exit 1
fi
chmod -R a+rX "$b"`,
		harness: []string{harnessBuild + "/harness"},
	},
}

// RuntimeLanguages returns the languages the runner can run, sorted.
func RuntimeLanguages() []string { return slices.Sorted(maps.Keys(runtimeLangs)) }

// languageOf returns the language of a runtime service's programs.
func languageOf(def *labs.Service) (string, runtimeLang, error) {
	name := labs.DefaultLanguage
	if def != nil && def.Language != "" {
		name = def.Language
	}
	l, ok := runtimeLangs[name]
	if !ok {
		return name, l, fmt.Errorf("the runner cannot run programs in %q (it can in %v)", name, RuntimeLanguages())
	}
	return name, l, nil
}

// contract is the runtime kind's contract for the language: its probe,
// its command among the requirements and its environment. Python's is the
// kind's own.
func (l runtimeLang) contract() engine.Contract {
	c := runtimeKind.Contract
	if l.tool == "python3" {
		return c
	}
	c.Probe = execProbe(append([]string{l.tool}, l.probe...)...)
	c.Env = l.env
	c.Requires.Commands = append([]string{l.tool}, slices.DeleteFunc(slices.Clone(c.Requires.Commands), func(s string) bool { return s == "python3" })...)
	return c
}

// langSpec makes spec, a runtime service's, the spec of def's language:
// its image (unless the lab or the configuration names one) and contract.
// A Python service keeps the kind's.
func (d *Driver) langSpec(spec engine.ServiceSpec, def *labs.Service) (engine.ServiceSpec, error) {
	name, l, err := languageOf(def)
	if err != nil || name == labs.DefaultLanguage {
		return spec, err
	}
	if def.Image == "" {
		spec.Image = d.cfg.Image(langImageKey(name))
	}
	spec.Contract = l.contract()
	return spec, nil
}

// langImageKey is the key of a language's image among the kinds' in
// image work and configuration: "runtime-go" (LAB_IMAGE_RUNTIME_GO).
// Python's is the runtime kind's own, "runtime".
func langImageKey(lang string) Kind {
	if lang == labs.DefaultLanguage {
		return labs.KindRuntime
	}
	return labs.KindRuntime + "-" + lang
}

// imageKinds are the keys of every image of the set: the kinds, and the
// runtime's other languages.
func imageKinds() []Kind {
	keys := Kinds()
	for _, lang := range RuntimeLanguages() {
		if lang != labs.DefaultLanguage {
			keys = append(keys, langImageKey(lang))
		}
	}
	return keys
}

// setImage returns the image of the set for key, a kind or a language's
// image key.
func setImage(key Kind) (images.Image, bool) {
	if k, ok := kinds[key]; ok {
		return k.image, true
	}
	for lang, l := range runtimeLangs {
		if langImageKey(lang) == key {
			return l.image, true
		}
	}
	return images.Image{}, false
}
