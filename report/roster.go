package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/labrunner/labrunner/checks"
)

// Student is one row of a roster: who handed in a submission folder, as
// the LMS knows them.
type Student struct {
	// Submission is the submission's name as lab grade gives it: the
	// folder's name under the class folder.
	Submission string
	// Name is the student's name, as the LMS shows it ("Doe, Jane").
	Name string
	// ID is the student's institution id: Canvas's SIS User ID, Moodle's
	// ID number.
	ID string
	// Email is the student's email address, which Moodle can match on.
	Email string
	// Section is the Canvas section; empty when the course has one.
	Section string
	// Login is Canvas's SIS Login ID; empty when not known.
	Login string
	// Line is the roster line the student is on, for messages.
	Line int
}

// Roster maps submission folders to students. Read one with ReadRoster.
type Roster struct {
	// File names the roster in messages.
	File     string
	Students []Student
	bySub    map[string]int
}

// rosterColumns are the columns a roster may have, by their header.
var rosterColumns = []string{"submission", "name", "id", "email", "section", "login"}

// ReadRoster reads a roster: a CSV file (UTF-8, a byte-order mark is
// fine) whose first row names its columns, in any order and any case:
//
//	submission  the submission folder's name (required)
//	name        the student's name
//	id          the institution's student id (Canvas SIS User ID, Moodle ID number)
//	email       the student's email address
//	section     the Canvas section
//	login       the Canvas SIS Login ID
//
// Every row needs a submission and an id, an email or a login: a grade
// the LMS cannot match to a student is lost on import (which of them each
// LMS needs is checked by Roster.CheckFor). An unknown column (a
// misspelt "emial" would otherwise be dropped in silence), a submission
// or an id or an email given twice, and a row of the wrong length are
// errors, each as file:line: message; all of them are reported at once.
func ReadRoster(r io.Reader, file string) (*Roster, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s:1: empty roster: the first line names the columns (%s)", file, strings.Join(rosterColumns, ","))
	}
	if err != nil {
		return nil, rosterCSVError(file, err)
	}
	col := map[string]int{}
	var problems []string
	for i, h := range header {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		h = strings.ToLower(strings.TrimSpace(h))
		known := false
		for _, c := range rosterColumns {
			known = known || c == h
		}
		switch {
		case !known:
			problems = append(problems, fmt.Sprintf("%s:1: unknown column %q (known: %s)", file, header[i], strings.Join(rosterColumns, ", ")))
		case col[h] != 0:
			problems = append(problems, fmt.Sprintf("%s:1: column %q is given twice", file, h))
		default:
			col[h] = i + 1
		}
	}
	if col["submission"] == 0 {
		problems = append(problems, fmt.Sprintf("%s:1: no submission column: it names each student's submission folder", file))
	}
	if col["id"] == 0 && col["email"] == 0 && col["login"] == 0 {
		problems = append(problems, fmt.Sprintf("%s:1: no id, email or login column: the LMS matches students by one of them", file))
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	get := func(rec []string, name string) string {
		if i := col[name]; i != 0 {
			return strings.TrimSpace(rec[i-1])
		}
		return ""
	}
	ro := &Roster{File: file, bySub: map[string]int{}}
	firstID, firstEmail := map[string]int{}, map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			problems = append(problems, rosterCSVError(file, err).Error())
			if _, ok := err.(*csv.ParseError); ok && errors.Is(err, csv.ErrFieldCount) {
				continue
			}
			break
		}
		line, _ := cr.FieldPos(0)
		s := Student{Submission: get(rec, "submission"), Name: get(rec, "name"), ID: get(rec, "id"),
			Email: get(rec, "email"), Section: get(rec, "section"), Login: get(rec, "login"), Line: line}
		if strings.Join(rec, "") == "" {
			continue // a blank row, as spreadsheets leave at the end
		}
		switch {
		case s.Submission == "":
			problems = append(problems, fmt.Sprintf("%s:%d: no submission folder", file, line))
			continue
		case s.ID == "" && s.Email == "" && s.Login == "":
			problems = append(problems, fmt.Sprintf("%s:%d: %s has no id, email or login: no LMS could match the grade to a student", file, line, s.Submission))
		}
		if prev, ok := ro.bySub[s.Submission]; ok {
			problems = append(problems, fmt.Sprintf("%s:%d: submission %s is already on line %d", file, line, s.Submission, ro.Students[prev].Line))
			continue
		}
		if prev, ok := firstID[s.ID]; ok && s.ID != "" {
			problems = append(problems, fmt.Sprintf("%s:%d: id %s is already %s's, on line %d", file, line, s.ID, ro.Students[prev].Submission, ro.Students[prev].Line))
		}
		if prev, ok := firstEmail[strings.ToLower(s.Email)]; ok && s.Email != "" {
			problems = append(problems, fmt.Sprintf("%s:%d: email %s is already %s's, on line %d", file, line, s.Email, ro.Students[prev].Submission, ro.Students[prev].Line))
		}
		ro.bySub[s.Submission] = len(ro.Students)
		if s.ID != "" {
			firstID[s.ID] = len(ro.Students)
		}
		if s.Email != "" {
			firstEmail[strings.ToLower(s.Email)] = len(ro.Students)
		}
		ro.Students = append(ro.Students, s)
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "\n"))
	}
	return ro, nil
}

// rosterCSVError is a CSV syntax error as file:line: message.
func rosterCSVError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %v", file, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %w", file, err)
}

// Lookup returns the student who handed in submission.
func (ro *Roster) Lookup(submission string) (Student, bool) {
	i, ok := ro.bySub[submission]
	if !ok {
		return Student{}, false
	}
	return ro.Students[i], true
}

// Unmatched returns the graded submissions the roster has no student for
// (sorted), and the roster's students whose submission was not graded
// (in roster order). A submission without a student is left out of an
// LMS file: no one could be given its grade.
func (ro *Roster) Unmatched(reports []checks.Report) (unknown []string, missing []Student) {
	graded := map[string]bool{}
	for _, r := range reports {
		graded[r.Submission] = true
		if _, ok := ro.bySub[r.Submission]; !ok {
			unknown = append(unknown, r.Submission)
		}
	}
	sort.Strings(unknown)
	for _, s := range ro.Students {
		if !graded[s.Submission] {
			missing = append(missing, s)
		}
	}
	return unknown, missing
}
