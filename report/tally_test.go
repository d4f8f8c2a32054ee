package report

import "testing"

func TestSkipReason(t *testing.T) {
	for in, want := range map[string]string{
		"skipped: needs a to pass first": "needs a to pass first",
		"Skipped needs a":                "needs a",
		"needs a":                        "needs a",
		"skipped":                        "",
		"skippedness is odd":             "skippedness is odd",
		"":                               "",
		"  skipped: x\nmore":             "x",
	} {
		if got := skipReason(in); got != want {
			t.Errorf("skipReason(%q) = %q, want %q", in, got, want)
		}
	}
}
