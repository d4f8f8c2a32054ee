package runner

import (
	"testing"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

func Test_locate(t *testing.T) {
	lab := &labs.Lab{
		Submission: []*labs.SubmissionFile{
			{File: "solution.sql", Service: "db"},
			{File: "site.conf", Service: "web"},
			{File: "a.py", Service: "app"}, {File: "b.py", Service: "app"},
		},
		Checks: []*labs.CheckDef{{Name: "rows", Service: "db"}, {Name: "home", Service: "web"}, {Name: "api", Service: "app"}},
	}
	tests := []struct {
		name     string
		res      checks.Result
		wantFile string
		wantLine int
	}{
		{"postgres syntax error", checks.Result{Name: "apply solution.sql", Type: "apply", Message: `solution.sql: line 3: syntax error at or near "FORM"`}, "solution.sql", 3},
		{"nginx error", checks.Result{Name: "apply site.conf", Type: "apply", Message: `site.conf:12: unknown directive "servr"`}, "site.conf", 12},
		{"missing file", checks.Result{Name: "apply site.conf", Type: "apply", Message: "the submission has no file site.conf"}, "site.conf", 0},
		{"a check of the service's one file", checks.Result{Name: "rows", Type: "sql.result", Message: "2 rows differ"}, "solution.sql", 0},
		{"a check that names a line", checks.Result{Name: "home", Type: "http.get", Message: "site.conf did not apply: site.conf:4: bad port"}, "site.conf", 4},
		{"another file's line is not this file's", checks.Result{Name: "home", Type: "http.get", Message: "mysite.conf:4: bad"}, "site.conf", 0},
		{"a service of two files", checks.Result{Name: "api", Type: "http.get", Message: "a.py:3: boom"}, "", 0},
		{"a python traceback", checks.Result{Name: "api", File: "a.py", Message: "Traceback:\n  File \"/app/a.py\", line 7, in <module>"}, "a.py", 7},
		{"an unknown check", checks.Result{Name: "other", Type: "sql.result"}, "", 0},
		{"a file set already is kept", checks.Result{Name: "api", File: "b.py", Message: "b.py: line 9: x"}, "b.py", 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := []checks.Result{tt.res}
			locate(lab, rs)
			if rs[0].File != tt.wantFile || rs[0].Line != tt.wantLine {
				t.Errorf("file, line = %q, %d; want %q, %d", rs[0].File, rs[0].Line, tt.wantFile, tt.wantLine)
			}
		})
	}
}
