package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/labrunner/labrunner/checks"
)

// lmsColumn is one graded column of an LMS gradebook: a check of the lab
// that carries points.
type lmsColumn struct {
	check  string // the check's name
	header string // "<lab>: <check>"
	points int    // the check's points
}

// lmsRow is one student's row: the student and one cell per column.
type lmsRow struct {
	student Student
	cells   []string
}

// lmsTable is what the Canvas and Moodle files share: a column per check
// that carries points, in the lab's order, and a row per graded
// submission the roster knows, sorted by submission name.
//
// A check's column is headed "<lab>: <check>" so that the items it
// creates in the LMS say which lab they belong to, and the columns of
// two labs never meet. A check of 0 points (a guard that the untouched
// starter passes too) and the row of a file that did not apply are not
// columns: they add nothing to a grade. A cell is the points scored,
// 0 for a check that failed or was skipped; it is none (the LMS's "no
// grade", see each format) when the grader could not give a grade: the
// check errored, it was skipped in a run where a check errored (it may
// wait on that one), or the run could not start at all (no results).
// An LMS then keeps the grade it has instead of recording a 0 the
// student did not earn. Submissions the roster does
// not know are left out; Roster.Unmatched lists them.
func lmsTable(reports []checks.Report, ro *Roster, none string) ([]lmsColumn, []lmsRow, error) {
	lab, err := oneLab(reports)
	if err != nil {
		return nil, nil, err
	}
	if ro == nil {
		return nil, nil, fmt.Errorf("no roster: an LMS file needs one to name the students (--roster FILE)")
	}
	var cols []lmsColumn
	index := map[string]int{}
	for _, name := range checkOrder(reports) {
		points := 0
		for _, r := range reports {
			for _, res := range r.Results {
				if res.Name == name && res.Type != "apply" && res.MaxScore > points {
					points = res.MaxScore
				}
			}
		}
		if points > 0 {
			index[name] = len(cols)
			cols = append(cols, lmsColumn{check: name, header: lab + ": " + name, points: points})
		}
	}
	sorted := append([]checks.Report(nil), reports...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Submission < sorted[j].Submission })
	var rows []lmsRow
	for _, r := range sorted {
		s, ok := ro.Lookup(r.Submission)
		if !ok {
			continue
		}
		cells := make([]string, len(cols))
		for i := range cells {
			cells[i] = none
		}
		errored := false
		for _, res := range r.Results {
			errored = errored || res.Status == checks.Error
		}
		for _, res := range r.Results {
			i, ok := index[res.Name]
			if !ok || res.Type == "apply" || res.Status == checks.Error || (errored && res.Status == checks.Skip) {
				continue
			}
			cells[i] = strconv.Itoa(res.Score)
		}
		rows = append(rows, lmsRow{student: s, cells: cells})
	}
	return cols, rows, nil
}

// lmsUnmatchable is the error of rows an LMS could not match to a
// student: head, then each row as roster:line.
func lmsUnmatchable(ro *Roster, head string, rows []Student) error {
	var b strings.Builder
	b.WriteString(head)
	for _, s := range rows {
		fmt.Fprintf(&b, "\n  %s:%d: %s", ro.File, s.Line, s.Submission)
	}
	return fmt.Errorf("%s", b.String())
}

func rowStudents(rows []lmsRow) []Student {
	students := make([]Student, len(rows))
	for i, r := range rows {
		students[i] = r.student
	}
	return students
}

// CheckFor returns the error of the roster's students that the LMS of
// format ("canvas" or "moodle") could not match, naming their lines, so
// that a roster is known to fit before a class is graded.
func (ro *Roster) CheckFor(format string) error {
	switch format {
	case "canvas":
		return canvasMatchable(ro, ro.Students)
	case "moodle":
		return moodleMatchable(ro, ro.Students)
	}
	return fmt.Errorf("no LMS format %q", format)
}
