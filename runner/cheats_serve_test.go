package runner

import (
	"strings"
	"testing"

	"github.com/labrunner/labrunner/labs"
)

func TestServeCheats(t *testing.T) {
	program := []*labs.SubmissionFile{{File: "app.py", Apply: labs.ApplyProgram, Service: "app"}}
	tests := []struct {
		name  string
		serve *labs.Serve
		want  string
	}{
		{"a serving runtime", &labs.Serve{Port: 8123, Entry: "app.py"}, "canned-server harness-reader"},
		{"a runtime whose programs a harness calls", nil, "harness-reader"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lab := &labs.Lab{Services: map[string]*labs.Service{"app": {Kind: labs.KindRuntime, Serve: tt.serve}}, Submission: program}
			var names []string
			for _, c := range cheatsFor(lab) {
				names = append(names, c.name)
			}
			if got := strings.Join(names, " "); got != tt.want {
				t.Fatalf("cheats %q, want %q", got, tt.want)
			}
			if tt.serve == nil {
				return
			}
			for _, c := range cheatsFor(lab) {
				if c.name != "canned-server" {
					continue
				}
				sub := cheated(lab, c, Submission{"app.py": "honest"})
				if !strings.Contains(sub["app.py"], `("0.0.0.0", 8123)`) {
					t.Errorf("the canned server does not listen on the lab's port:\n%s", sub["app.py"])
				}
			}
		})
	}
}
