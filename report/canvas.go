package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/labrunner/labrunner/checks"
)

// canvasIdentity are the columns Canvas's gradebook import reads to find
// the student, in the order of Canvas's own gradebook export.
var canvasIdentity = []string{"Student", "ID", "SIS User ID", "SIS Login ID", "Section"}

// Canvas writes a gradebook that Canvas's Gradebook import (Grades →
// Import) takes as it is: the columns of Canvas's own export,
//
//	Student,ID,SIS User ID,SIS Login ID,Section,<lab>: <check 1>,…
//
// then a "Points Possible" row, as in Canvas's export, that gives the
// points of each column (Canvas uses it for the assignments an import
// creates), then one row per student of the roster who was graded.
// Student is the roster's name, SIS User ID its id, SIS Login ID its
// login, Section its section; ID, Canvas's internal user id, is left
// empty: Canvas finds the student by the SIS User ID or SIS Login ID.
// Every row therefore needs an id or a login, or Canvas could not match
// it; a row without is an error naming the roster's lines.
//
// A column per check that carries points (see lmsTable); a new column
// name makes Canvas create an assignment of that name. A cell the
// grader could not give is empty: Canvas leaves that grade as it is. A
// cell a spreadsheet would take for a formula is quoted as in CSV.
func Canvas(w io.Writer, reports []checks.Report, ro *Roster) error {
	cols, rows, err := lmsTable(reports, ro, "")
	if err != nil {
		return fmt.Errorf("canvas: %w", err)
	}
	if err := canvasMatchable(ro, rowStudents(rows)); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	header := append([]string(nil), canvasIdentity...)
	points := []string{"    Points Possible", "", "", "", ""}
	for _, c := range cols {
		header = append(header, c.header)
		points = append(points, strconv.Itoa(c.points))
	}
	if err := cw.Write(safeCells(header)); err != nil {
		return err
	}
	if err := cw.Write(points); err != nil {
		return err
	}
	for _, r := range rows {
		s := r.student
		row := append([]string{s.Name, "", s.ID, s.Login, s.Section}, r.cells...)
		if err := cw.Write(safeCells(row)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// canvasMatchable is the error of students Canvas could not match: those
// with neither an id nor a login.
func canvasMatchable(ro *Roster, students []Student) error {
	var unmatchable []Student
	for _, s := range students {
		if s.ID == "" && s.Login == "" {
			unmatchable = append(unmatchable, s)
		}
	}
	if len(unmatchable) > 0 {
		n := len(unmatchable)
		return lmsUnmatchable(ro, fmt.Sprintf("canvas: %d %s no id and no login in the roster: Canvas matches a student by SIS User ID or SIS Login ID",
			n, plural(n, "student has", "students have")), unmatchable)
	}
	return nil
}
