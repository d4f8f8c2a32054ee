package checks

import (
	"strings"
	"testing"
)

// TestDiffAt: two long values that differ far in are shown around their
// first difference, with a caret under it, so that the difference is
// visible (two quotes cut at the same length showed the same text).
func TestDiffAt(t *testing.T) {
	long := `{"id": 1, "name": "Ada Lovelace", "email": "ada@example.org", "city": "London", "cached": `
	tests := []struct {
		name      string
		got, want string
		msg       string
	}{
		{"one line, far in", long + "true}", long + "false}",
			"differs from the expected value at character 91:\n" +
				`  got:      …"y\": \"London\", \"cached\": true}"` + "\n" +
				`  expected: …"y\": \"London\", \"cached\": false}"` + "\n" +
				"                                           ^"},
		{"many lines", "a\nb\nsame line, then X here", "a\nb\nsame line, then Y here",
			"differs from the expected value at line 3, column 17:\n" +
				`  got:      "same line, then X here"` + "\n" +
				`  expected: "same line, then Y here"` + "\n" +
				"                             ^"},
		{"one is shorter", long, long + "true}",
			"differs from the expected value at character 91:\n" +
				`  got:      …"y\": \"London\", \"cached\": " (ends here)` + "\n" +
				`  expected: …"y\": \"London\", \"cached\": true}"` + "\n" +
				"                                           ^"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := diffAt(tt.got, tt.want)
			if got != tt.msg {
				t.Errorf("diffAt:\n%s\nwant:\n%s", got, tt.msg)
			}
		})
	}
}

// TestMatchShowsTheDifference: an equals expectation on a long value
// names where it differs; a short one stays one line.
func TestMatchShowsTheDifference(t *testing.T) {
	want := strings.Repeat("x", 130) + "expected-tail"
	m := &Match{Equals: &want}
	msg := m.check(strings.Repeat("x", 130)+"actual-tail", true, true)
	if !strings.HasPrefix(msg, "differs from the expected value at character 131:\n") || !strings.Contains(msg, `actual-tail"`) ||
		!strings.Contains(msg, `expected-tail"`) || !strings.HasSuffix(msg, "^") {
		t.Errorf("message:\n%s", msg)
	}
	short := "HIT"
	if msg := (&Match{Equals: &short}).check("MISS", true, true); msg != `is "MISS", expected "HIT"` {
		t.Errorf("short: %q", msg)
	}
	if msg := m.check("nope", true, false); strings.Contains(msg, "expected-tail") {
		t.Errorf("the expected value revealed without reveal: %q", msg)
	}
}
