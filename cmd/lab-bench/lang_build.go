package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/labrunner/labrunner/internal/phase"
)

// langLab is the lab langBuild measures in each language that builds.
const langLab = "redis-cache-aside"

// langBuildLangs are the languages whose runtime builds the learner's
// files before the checks (runner/runtime_lang.go): Go compiles, Node.js
// parses (node --check).
var langBuildLangs = []string{"go", "node"}

// langBuild times, for each language that builds, the build of langLab's
// reference solution (phase "build app" of `LAB_TRACE=1 lab check`) and
// the warm check it is part of, in a workspace started once per language
// (issue 19, point 4: the warm check of an app lab is ≤ 1 s plus the
// language's compile time). There is no reference.
func langBuild() benchmark {
	var rows []row
	for _, lang := range langBuildLangs {
		rows = append(rows,
			row{op: "build " + lang + " (" + langLab + ")", unit: unitSeconds, note: "the phase build app of a warm lab check: " + map[string]string{"go": "go build, cache warmed", "node": "node --check"}[lang]},
			row{op: "  check, warm (" + lang + ")", unit: unitSeconds, note: "the whole lab check it is part of"},
		)
	}
	dirs := map[string]string{}
	traceEnv := append(os.Environ(), "LAB_TRACE=1")
	return benchmark{
		name:    "lang-build",
		rows:    rows,
		maxRuns: 3,
		setup: func(ctx context.Context, e *env) (func(), error) {
			root, err := os.MkdirTemp("", "lab-bench-lang-")
			if err != nil {
				return nil, err
			}
			teardown := func() {
				for _, dir := range dirs {
					stopWorkspace(e, dir)
				}
				os.RemoveAll(root)
			}
			for _, lang := range langBuildLangs {
				dir := filepath.Join(root, lang)
				dirs[lang] = dir
				if _, err := execLab(ctx, e, labOptions{timeout: 5 * time.Minute}, "start", langLab, dir, "--lang", lang); err != nil {
					return teardown, err
				}
				if err := copyLangSolution(dir, langLab, lang); err != nil {
					return teardown, err
				}
			}
			return teardown, nil
		},
		labrunner: func(ctx context.Context, e *env) ([]float64, error) {
			var out []float64
			for _, lang := range langBuildLangs {
				r, err := execLab(ctx, e, labOptions{env: traceEnv, timeout: 5 * time.Minute}, "check", "-C", dirs[lang])
				if err != nil {
					return nil, err
				}
				build := -1.0
				for _, l := range phase.Parse(r.stderr) {
					if l.Name == "build app" {
						build = l.Duration.Seconds()
					}
				}
				if build < 0 {
					return nil, fmt.Errorf("lab check in %s printed no build phase: %s", lang, lastLines(r.stderr, 3))
				}
				out = append(out, build, r.wall.Seconds())
			}
			return out, nil
		},
	}
}

// copyLangSolution copies lab's reference solution in lang into the
// workspace dir.
func copyLangSolution(dir, lab, lang string) error {
	base, err := loadLab(os.DirFS("labs"), lab)
	if err != nil {
		return err
	}
	l, err := base.ForLanguage(lang)
	if err != nil {
		return err
	}
	return writeSolution(dir, l)
}
