package main

import (
	"strings"
	"testing"
)

func TestCheckVerdicts(t *testing.T) {
	index := func(results ...string) []byte {
		var b strings.Builder
		b.WriteString(`{"submissions": [`)
		for i, r := range results {
			name, status, _ := strings.Cut(r, "=")
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(`{"submission": "` + name + `", "status": "` + status + `", "message": "first line\nsecond",
				"checks": [{"name": "a", "status": "pass"}, {"name": "b", "status": "` + status + `", "message": "why\nmore", "duration_ms": 12.4}]}`)
		}
		b.WriteString(`]}`)
		return []byte(b.String())
	}
	tests := []struct {
		name    string
		index   []byte
		n       int
		wantErr string
	}{
		{"every verdict right", index("s000-ok-solution=pass", "s002-wrong-x=fail"), 2, ""},
		{"a wrong one passed", index("s000-ok-solution=pass", "s002-wrong-x=pass"), 2,
			"WRONG VERDICTS: 1 of 2 submissions (want 1 pass / 1 fail, got 2 pass): s002-wrong-x: pass, want fail (first line)"},
		{"the failing check named", index("s000-ok-solution=fail", "s002-wrong-x=fail"), 2,
			"s000-ok-solution: fail, want pass (first line; b fail after 12 ms: why)"},
		{"a right one failed", index("s000-ok-solution=fail", "s002-wrong-x=fail"), 2,
			"(want 1 pass / 1 fail, got 2 fail): s000-ok-solution: fail, want pass"},
		{"an error is a wrong verdict", index("s000-ok-solution=error", "s002-wrong-x=fail"), 2,
			"got 1 fail / 1 error): s000-ok-solution: error, want pass"},
		{"a result missing", index("s000-ok-solution=pass"), 2, "1 results for 2 submissions"},
		{"a stranger", index("s000-ok-solution=pass", "mine=pass"), 2, `result for "mine", which the bench did not write`},
		{"not JSON", []byte("<html>"), 1, "read index.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkVerdicts(tt.index, tt.n)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error %v, want one with %q", err, tt.wantErr)
			}
		})
	}
}
