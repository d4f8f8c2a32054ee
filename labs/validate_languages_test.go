package labs

import (
	"strings"
	"testing"
	"testing/fstest"
)

const multiYAML = `id: m
title: M
difficulty: beginner
%LANGS%
services:
  app:
    kind: runtime
    files:
      - src: fixtures/harness.{ext}
        dst: /lab/harness.{ext}
submission:
  - file: cache.{ext}
    apply: program
    service: app
checks:
  - {name: runs, type: command, service: app, command: [harness]}
wrong:
  - {name: no-ttl, fails: [runs]}
`

// TestValidateLanguages: the folders and names of a multi-language lab,
// each problem with its place.
func TestValidateLanguages(t *testing.T) {
	full := []string{
		"README.md", "fixtures/harness.py", "fixtures/harness.go",
		"starter/python/cache.py", "starter/go/cache.go",
		"solution/python/cache.py", "solution/go/cache.go",
		"wrong/no-ttl/go/cache.go",
	}
	without := func(drop ...string) []string {
		var out []string
		for _, f := range full {
			keep := true
			for _, d := range drop {
				keep = keep && !strings.HasPrefix(f, d)
			}
			if keep {
				out = append(out, f)
			}
		}
		return out
	}
	tests := []struct {
		name  string
		langs string
		files []string
		want  string // "" is valid
	}{
		{"valid", "languages: [python, go]", full, ""},
		{"unknown language", "languages: [python, cobol]", full, `m/lab.yaml:4:21: unknown language "cobol" (known: python, node, go)`},
		{"twice", "languages: [go, go]", full, `m/lab.yaml:4:17: language "go" is listed twice`},
		{"no languages", "", full, "m/lab.yaml:12:11: {ext} is the language's extension: a lab must list its languages: to use it"},
		{"a language without its starter", "languages: [python, go]", without("starter/go"),
			`m/lab.yaml:12:3: starter/go/ is missing (it holds the files the learner starts from)`},
		{"a language without its harness", "languages: [python, go]", without("fixtures/harness.go"),
			`m/lab.yaml:9:14: src "fixtures/harness.go" does not exist in the lab folder`},
		{"a wrong solution in no language", "languages: [python, go]", append(without("wrong/"), "wrong/no-ttl/cache.py"),
			`m/lab.yaml:18:12: wrong solution "no-ttl" has no folder for any of the lab's languages (wrong/no-ttl/<lang>/, <lang> one of python, go)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"m/lab.yaml": {Data: []byte(strings.Replace(multiYAML, "%LANGS%", tt.langs, 1))}}
			for _, f := range tt.files {
				fsys["m/"+f] = &fstest.MapFile{Data: []byte("x")}
			}
			_, err := Load(fsys, "m")
			got := ""
			if err != nil {
				got = err.Error()
			}
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}
