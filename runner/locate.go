package runner

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

// locate sets File and Line of results, for annotations on the learner's
// file: an apply result ("apply solution.sql") is about its file; a
// check is about the one submission file of the service it runs against
// (none when the service has several or none). Line is the first line of
// that file the message points at, as the appliers write it:
// "solution.sql: line 3: …" (Postgres, shell), "site.conf:12: …" (nginx)
// or `File "/app/main.py", line 7` (a Python traceback).
func locate(lab *labs.Lab, results []checks.Result) {
	byService := map[string][]string{}
	for _, f := range lab.Submission {
		byService[f.Service] = append(byService[f.Service], f.File)
	}
	defs := map[string]*labs.CheckDef{}
	for _, d := range lab.Checks {
		defs[d.Name] = d
	}
	for i := range results {
		r := &results[i]
		if r.File == "" {
			if file, ok := strings.CutPrefix(r.Name, "apply "); ok && r.Type == "apply" {
				r.File = file
			} else if d := defs[r.Name]; d != nil && len(byService[d.Service]) == 1 {
				r.File = byService[d.Service][0]
			}
		}
		if r.File != "" && r.Line == 0 {
			r.Line = lineIn(r.Message, r.File)
		}
	}
}

// lineIn returns the first line of file that msg points at
// ("file: line 3:", "file:3:" or `file", line 3`), or 0.
func lineIn(msg, file string) int {
	re := regexp.MustCompile(`(?:^|[\s("'/])` + regexp.QuoteMeta(file) + `(?::(\d+)\b|: line (\d+)\b|", line (\d+)\b)`)
	m := re.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	n, err := strconv.Atoi(m[1] + m[2] + m[3])
	if err != nil || n < 1 {
		return 0
	}
	return n
}
