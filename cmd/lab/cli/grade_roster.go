package cli

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/report"
)

// lmsFormats are the formats that need a roster (--roster FILE).
var lmsFormats = []string{"canvas", "moodle"}

// checkRosterFlag says what is wrong with --roster for formats: an LMS
// format without a roster, or a roster that no format uses.
func checkRosterFlag(formats []string, roster string) error {
	var lms []string
	for _, f := range formats {
		if slices.Contains(lmsFormats, f) {
			lms = append(lms, f)
		}
	}
	switch {
	case len(lms) > 0 && roster == "":
		return &UsageError{Err: fmt.Errorf("--format %s needs --roster FILE: a CSV that maps each submission folder to its student (see docs/lms.md)", strings.Join(lms, ","))}
	case len(lms) == 0 && roster != "":
		return &UsageError{Err: fmt.Errorf("--roster is only read by --format canvas or moodle")}
	}
	return nil
}

// loadRoster reads the roster at path, or returns nil when path is
// empty, and checks that the LMS of each of formats can match all its
// students. Its problems are usage errors, each as file:line, before
// any grading starts.
func loadRoster(path string, formats []string) (*report.Roster, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &UsageError{Err: fmt.Errorf("--roster: %w", err)}
	}
	defer f.Close()
	ro, err := report.ReadRoster(f, path)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	for _, f := range formats {
		if slices.Contains(lmsFormats, f) {
			if err := ro.CheckFor(f); err != nil {
				return nil, &UsageError{Err: err}
			}
		}
	}
	return ro, nil
}

// warnRoster says on stderr which graded submissions the roster has no
// student for (they are left out of the LMS files) and, unless the batch
// is one shard of a class, which of the roster's students handed in no
// submission (they get no grade).
func warnRoster(deps *Deps, ro *report.Roster, reports []checks.Report, sharded bool) {
	if ro == nil {
		return
	}
	unknown, missing := ro.Unmatched(reports)
	if n := len(unknown); n > 0 {
		fmt.Fprintf(deps.IO.ErrOut, "warning: %d graded %s not in %s, so left out of the LMS files: %s\n",
			n, pluralWord(n, "submission is", "submissions are"), ro.File, strings.Join(unknown, ", "))
	}
	if n := len(missing); n > 0 && !sharded {
		var where []string
		for _, s := range missing {
			where = append(where, fmt.Sprintf("%s (line %d)", s.Submission, s.Line))
		}
		fmt.Fprintf(deps.IO.ErrOut, "warning: %d %s in %s handed in nothing, so got no grade: %s\n",
			n, pluralWord(n, "student", "students"), ro.File, strings.Join(where, ", "))
	}
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
