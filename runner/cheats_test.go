package runner

import (
	"slices"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/labs"
)

func TestAfterShebang(t *testing.T) {
	tests := []struct {
		name, script, want string
	}{
		{"after the #! line", "#!/bin/bash\nset -e\necho hi\n", "#!/bin/bash\nCHEAT\nset -e\necho hi\n"},
		{"at the start without one", "echo hi\n", "CHEAT\necho hi\n"},
		{"a #! line alone", "#!/bin/sh", "#!/bin/sh\nCHEAT\n"},
		{"an empty script", "", "CHEAT\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := afterShebang(tt.script, "CHEAT\n"); got != tt.want {
				t.Errorf("afterShebang(%q) = %q, want %q", tt.script, got, tt.want)
			}
		})
	}
}

// TestCheatsFor: each apply mode gets its own cheats, and a script's keep
// its interpreter (a bash script stays one).
func TestCheatsFor(t *testing.T) {
	tests := []struct {
		apply string
		want  []string
	}{
		{labs.ApplySQL, []string{"planner-settings", "role-defaults"}},
		{labs.ApplyShell, []string{"fake-tools", "world-writable"}},
		{labs.ApplyScript, []string{"tool-swap", "data-reader"}},
		{labs.ApplyNginxConfig, []string{"canned-answers"}},
		{labs.ApplyProgram, []string{"harness-reader"}},
		{labs.ApplyQuery, nil},
	}
	for _, tt := range tests {
		t.Run(tt.apply, func(t *testing.T) {
			lab := &labs.Lab{Submission: []*labs.SubmissionFile{{File: "f", Apply: tt.apply}}}
			var got []string
			for _, c := range cheatsFor(lab) {
				got = append(got, c.name)
				out := cheated(lab, c, Submission{"f": "#!/bin/bash\necho work\n"})["f"]
				if tt.apply == labs.ApplyScript && !strings.HasPrefix(out, "#!") {
					t.Errorf("%s: the cheating script has no #! line:\n%s", c.name, out)
				}
				if c.neutral && tt.apply == labs.ApplyScript && !strings.HasPrefix(out, "#!/bin/bash\n") {
					t.Errorf("%s: a neutral cheat changed the script's interpreter:\n%s", c.name, out)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("cheats for %s = %v, want %v", tt.apply, got, tt.want)
			}
		})
	}
}
