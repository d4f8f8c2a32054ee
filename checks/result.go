package checks

import "time"

// Status is the verdict of a check or of a whole run.
type Status string

// Statuses, as in Exercism's results.json, plus Skip for a check whose
// `needs` did not pass.
const (
	Pass  Status = "pass"
	Fail  Status = "fail"
	Error Status = "error"
	Skip  Status = "skip"
)

// Result is one check's result, as every renderer sees it.
type Result struct {
	// Name is the check's name from the lab definition.
	Name string `json:"name"`
	// Type is the check's type, "sql.result".
	Type string `json:"type"`
	// Status is the verdict.
	Status Status `json:"status"`
	// Message is the learner-facing sentence.
	Message string `json:"message,omitempty"`
	// Output is captured detail, capped.
	Output string `json:"output,omitempty"`
	// Hint is shown when the check did not pass.
	Hint string `json:"hint,omitempty"`
	// Score is Points when passed, else 0.
	Score int `json:"score"`
	// MaxScore is the check's points.
	MaxScore int `json:"max_score"`
	// File is the submission file the result is about, as the lab names it
	// ("solution.sql"): the file that did not apply, or the one file of the
	// service the check grades. Empty when no single file is graded.
	File string `json:"file,omitempty"`
	// Line is the line of File that the failure points at (1-based), such
	// as the line of an SQL or nginx syntax error; 0 when it points at none.
	Line int `json:"line,omitempty"`
	// Code is the check as the lab defines it, shown to learners as
	// Exercism's test_code; expected values are left out of it when the
	// check does not reveal them.
	Code string `json:"code,omitempty"`
	// Duration is how long the check ran.
	Duration time.Duration `json:"-"`
}

// Report is the result of grading one submission of one lab.
type Report struct {
	// Lab is the lab id.
	Lab string `json:"lab"`
	// Submission names what was graded: a student, a folder, "workspace".
	Submission string `json:"submission,omitempty"`
	// Status is Pass when every check passed, Error when any errored and
	// none failed, else Fail. A run that could not start at all is Error
	// with Message set.
	Status Status `json:"status"`
	// Message explains a run-level error.
	Message string `json:"message,omitempty"`
	// Results are in the lab's check order.
	Results []Result `json:"tests"`
	// Score and MaxScore sum the checks.
	Score    int `json:"score"`
	MaxScore int `json:"max_score"`
	// Files are the submitted files as they were graded, by the lab's file
	// names, for the instructor's report; nil when the caller did not keep
	// them.
	Files map[string]string `json:"-"`
	// Duration is the whole run's wall time.
	Duration time.Duration `json:"-"`
}

// Summarize sets Status, Score and MaxScore from Results.
func (r *Report) Summarize() {
	r.Score, r.MaxScore = 0, 0
	failed, errored := false, false
	for _, res := range r.Results {
		r.Score += res.Score
		r.MaxScore += res.MaxScore
		switch res.Status {
		case Fail, Skip:
			failed = true
		case Error:
			errored = true
		}
	}
	switch {
	case r.Message != "" && len(r.Results) == 0:
		r.Status = Error
	case failed:
		r.Status = Fail
	case errored:
		r.Status = Error
	default:
		r.Status = Pass
	}
}
