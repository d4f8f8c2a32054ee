package labs

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in a lab definition, at a place in a file.
type Error struct {
	// Path is the file, as the user named it ("labs/sql-join/lab.yaml").
	Path string
	// Line and Col are 1-based; 0 when the problem is about the whole file
	// (Line and Col) or the YAML parser gave no column (Col).
	Line, Col int
	// Msg says what is wrong and what is allowed.
	Msg string
}

// Error returns "path:line:col: message".
func (e *Error) Error() string {
	switch {
	case e.Line == 0:
		return e.Path + ": " + e.Msg
	case e.Col == 0:
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Col, e.Msg)
}

// Errors is every problem found in one or more lab definitions, sorted by
// place. It is a usage error: ExitCode is 2.
type Errors []*Error

// Error returns one "path:line:col: message" per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// ExitCode is 2: a lab-definition error.
func (es Errors) ExitCode() int { return 2 }

// sort orders errors by file, line and column, keeping the order of
// errors found at the same place.
func (es Errors) sort() {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// errorList collects the errors of one file.
type errorList struct {
	path string
	errs Errors
}

// add records a problem at pos.
func (l *errorList) add(pos Pos, format string, args ...any) {
	l.errs = append(l.errs, &Error{Path: l.path, Line: pos.Line, Col: pos.Col, Msg: fmt.Sprintf(format, args...)})
}

// addFile records a problem with another file than the one being read.
func (l *errorList) addFile(path, format string, args ...any) {
	l.errs = append(l.errs, &Error{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// err returns the collected errors, sorted, or nil.
func (l *errorList) err() error {
	if len(l.errs) == 0 {
		return nil
	}
	l.errs.sort()
	return l.errs
}
