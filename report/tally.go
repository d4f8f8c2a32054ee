package report

import (
	"strings"
	"unicode/utf8"

	"github.com/labrunner/labrunner/checks"
)

// tally counts a report's checks by status. checks is the number of
// the lab's checks among the results: a file that did not apply has a
// row of its own ("apply site.conf"), which is not a check.
type tally struct {
	passed, failed, errored, skipped int
	checks                           int
}

func count(r checks.Report) tally {
	var t tally
	for _, res := range r.Results {
		if res.Type != "apply" {
			t.checks++
		}
		switch res.Status {
		case checks.Pass:
			t.passed++
		case checks.Fail:
			t.failed++
		case checks.Error:
			t.errored++
		case checks.Skip:
			t.skipped++
		}
	}
	return t
}

// mark is the one-character symbol of a status on the terminal, in
// Markdown and in HTML.
func mark(s checks.Status) string {
	switch s {
	case checks.Pass:
		return "✓"
	case checks.Fail:
		return "✗"
	case checks.Error:
		return "!"
	case checks.Skip:
		return "-"
	}
	return "?"
}

// label names a report for people: the submission, or the lab when the
// report has no submission name (a learner's workspace).
func label(r checks.Report) string {
	if r.Submission != "" {
		return r.Submission
	}
	return r.Lab
}

// checkOrder returns the check names of reports in the lab's order: the
// order of the first report that has results, then any name only later
// reports have, in the order they first appear.
func checkOrder(reports []checks.Report) []string {
	var names []string
	seen := map[string]bool{}
	for _, r := range reports {
		for _, res := range r.Results {
			if !seen[res.Name] {
				seen[res.Name] = true
				names = append(names, res.Name)
			}
		}
	}
	return names
}

// oneLab returns the lab id shared by reports, or an error naming two of
// the labs when they differ.
func oneLab(reports []checks.Report) (string, error) {
	lab := ""
	for i, r := range reports {
		if i == 0 {
			lab = r.Lab
			continue
		}
		if r.Lab != lab {
			return "", &mixedLabsError{lab, r.Lab}
		}
	}
	return lab, nil
}

type mixedLabsError struct{ a, b string }

func (e *mixedLabsError) Error() string {
	return "reports of more than one lab (" + quote(e.a) + ", " + quote(e.b) + "): render one lab at a time"
}

func quote(s string) string { return `"` + s + `"` }

// truncate keeps the first max runes of s and appends a marker when it cut
// anything. It is idempotent: truncating a truncated string with the same
// max gives the same string.
func truncate(s string, max int, marker string) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + marker
		}
		n++
	}
	return s
}

// firstLine returns the first line of s.
func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// lines splits s into lines, treating "\r\n" as one line break and
// dropping one trailing line break.
func lines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// skipReason is why a check was skipped, for "(skipped: <reason>)": its
// message without a leading "skipped:" that the runner may have written.
func skipReason(msg string) string {
	msg = strings.TrimSpace(firstLine(strings.TrimSpace(msg)))
	if len(msg) >= 7 && strings.EqualFold(msg[:7], "skipped") && (len(msg) == 7 || msg[7] == ':' || msg[7] == ' ') {
		msg = strings.TrimLeft(msg[7:], ": ")
	}
	return msg
}
