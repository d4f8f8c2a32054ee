package report

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/labrunner/labrunner/checks"
)

// Moodle writes a gradebook for Moodle's CSV grade import (Grades →
// Import → CSV file):
//
//	Full name,ID number,Email address,<lab>: <check 1>,…
//
// one row per student of the roster who was graded. Moodle matches each
// row to a user by the one column the import's "Map from" names: map
// "Email address" to "Email address" (useremail) or "ID number" to "ID
// number" (useridnumber), and each check's column to a new or existing
// grade item. Full name is for people; Moodle ignores it.
//
// Moodle aborts the whole import at the first row it cannot match, so
// one of the two identifier columns must be filled on every row: when
// neither is, Moodle writes nothing and the error names the roster's
// lines that lack an email. A column per check that carries points (see
// lmsTable); a cell the grader could not give is "-", Moodle's "no
// grade", which leaves the grade as it is.
func Moodle(w io.Writer, reports []checks.Report, ro *Roster) error {
	cols, rows, err := lmsTable(reports, ro, "-")
	if err != nil {
		return fmt.Errorf("moodle: %w", err)
	}
	if err := moodleMatchable(ro, rowStudents(rows)); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	header := []string{"Full name", "ID number", "Email address"}
	for _, c := range cols {
		header = append(header, c.header)
	}
	if err := cw.Write(safeCells(header)); err != nil {
		return err
	}
	for _, r := range rows {
		s := r.student
		// The cells are numbers or "-", which safeCells would quote.
		row := append(safeCells([]string{s.Name, s.ID, s.Email}), r.cells...)
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// moodleMatchable is the error of students when Moodle could not match
// them all by one column: some have no email and some no id.
func moodleMatchable(ro *Roster, students []Student) error {
	var noID, noEmail []Student
	for _, s := range students {
		if s.ID == "" {
			noID = append(noID, s)
		}
		if s.Email == "" {
			noEmail = append(noEmail, s)
		}
	}
	if len(noID) > 0 && len(noEmail) > 0 {
		n := len(noEmail)
		return lmsUnmatchable(ro, fmt.Sprintf("moodle: Moodle matches every row by one column, email or id, and the roster fills neither on every row: give every student an email (or every one an id); %d %s no email",
			n, plural(n, "student has", "students have")), noEmail)
	}
	return nil
}
