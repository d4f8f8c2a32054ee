package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/labrunner/labrunner/checks"
)

// IndexFormat and IndexVersion name the batch index that JSONBatch writes
// and ReadJSON reads.
const (
	IndexFormat  = "labrunner-results-index"
	IndexVersion = 1
)

type jsonIndex struct {
	Format      string       `json:"format"`
	Version     int          `json:"version"`
	Submissions []indexEntry `json:"submissions"`
}

type indexEntry struct {
	Lab         string            `json:"lab"`
	Submission  string            `json:"submission"`
	ResultsFile string            `json:"results_file"`
	Status      string            `json:"status"`
	Message     string            `json:"message,omitempty"`
	Score       int               `json:"score"`
	MaxScore    int               `json:"max_score"`
	DurationMS  float64           `json:"duration_ms"`
	Checks      []indexCheck      `json:"checks"`
	Files       map[string]string `json:"files,omitempty"`
	Results     exercismReport    `json:"results"`
}

type indexCheck struct {
	Name       string  `json:"name"`
	Type       string  `json:"type"`
	Status     string  `json:"status"`
	Score      int     `json:"score"`
	MaxScore   int     `json:"max_score"`
	Message    string  `json:"message,omitempty"`
	Hint       string  `json:"hint,omitempty"`
	Output     string  `json:"output,omitempty"`
	File       string  `json:"file,omitempty"`
	Line       int     `json:"line,omitempty"`
	DurationMS float64 `json:"duration_ms"`
}

// JSONBatch writes the batch index of reports, in the order given:
//
//	{"format": "labrunner-results-index", "version": 1,
//	 "submissions": [{
//	   "lab": "sql-join", "submission": "alice",
//	   "results_file": "alice/results.json",
//	   "status": "pass|fail|error", "message": "…",
//	   "score": 3, "max_score": 5, "duration_ms": 812.5,
//	   "checks": [{"name": "…", "type": "sql.result",
//	               "status": "pass|fail|error|skip", "score": 1,
//	               "max_score": 1, "message": "…", "hint": "…",
//	               "output": "…", "file": "solution.sql", "line": 3,
//	               "duration_ms": 12.3}],
//	   "files": {"solution.sql": "…"},
//	   "results": {<the submission's results.json, as JSON writes it>}}]}
//
// One document whatever the number of reports; `lab grade --format json`
// prints it, and with --out writes it as index.json, each submission's
// "results" as its own file at "results_file" (see ResultsFiles) next to
// it. status is labrunner's (an error is a problem of the environment;
// see checks.Report), checks keep what results.json leaves out: scores,
// skips, hints, the file and line a failure points at and the whole
// output. files are the submitted files when the caller kept them.
// ReadJSON reads it back.
func JSONBatch(w io.Writer, reports []checks.Report) error {
	idx := jsonIndex{Format: IndexFormat, Version: IndexVersion, Submissions: make([]indexEntry, 0, len(reports))}
	files := ResultsFiles(reports)
	for i, r := range reports {
		e := indexEntry{
			Lab:         r.Lab,
			Submission:  r.Submission,
			ResultsFile: files[i],
			Status:      string(r.Status),
			Message:     r.Message,
			Score:       r.Score,
			MaxScore:    r.MaxScore,
			DurationMS:  millis(r.Duration),
			Checks:      make([]indexCheck, 0, len(r.Results)),
			Files:       r.Files,
			Results:     toExercism(r),
		}
		for _, res := range r.Results {
			e.Checks = append(e.Checks, indexCheck{
				Name: res.Name, Type: res.Type, Status: string(res.Status),
				Score: res.Score, MaxScore: res.MaxScore,
				Message: res.Message, Hint: res.Hint, Output: res.Output,
				File: res.File, Line: res.Line, DurationMS: millis(res.Duration),
			})
		}
		idx.Submissions = append(idx.Submissions, e)
	}
	return writeJSON(w, idx)
}

// ResultsFiles returns where each report's results.json goes, relative to
// the index, in the order of reports: "<submission>/results.json" (the lab
// id for a report without a submission name), the name made a safe folder
// name (path separators, control characters and a leading dot become _),
// and "-2", "-3", … added to a name already taken.
func ResultsFiles(reports []checks.Report) []string {
	taken := map[string]bool{}
	out := make([]string, len(reports))
	for i, r := range reports {
		base := folderName(label(r))
		name := base
		for n := 2; taken[strings.ToLower(name)]; n++ {
			name = base + "-" + strconv.Itoa(n)
		}
		taken[strings.ToLower(name)] = true
		out[i] = path.Join(name, "results.json")
	}
	return out
}

// folderName makes name safe as one folder name on every system.
func folderName(name string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(name) {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
			r = '_'
		}
		b.WriteRune(r)
	}
	s := b.String()
	if s == "" {
		return "submission"
	}
	if s[0] == '.' {
		s = "_" + s[1:]
	}
	return s
}

// ReadJSON reads the batch index that JSONBatch wrote and returns its
// reports, as they were: output whole, durations to the microsecond, the
// submitted files when the index has them. One submission's results.json
// is refused with a sentence that says to pass the index: it holds no
// scores or names.
func ReadJSON(r io.Reader) ([]checks.Report, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	data = bytes.TrimSpace(data)
	var probe struct {
		Format  string          `json:"format"`
		Version int             `json:"version"`
		Tests   json.RawMessage `json:"tests"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("decode results: %w", err)
	}
	switch {
	case probe.Format == "" && probe.Tests != nil:
		return nil, fmt.Errorf("decode results: this is one submission's results.json, which holds no scores or names; pass the index.json that `lab grade --format json --out DIR` writes next to it")
	case probe.Format != IndexFormat:
		return nil, fmt.Errorf("decode results: not a results index (format %q, want %q): pass the index.json that `lab grade --format json --out DIR` writes", probe.Format, IndexFormat)
	case probe.Version != IndexVersion:
		return nil, fmt.Errorf("decode results: index version %d, want %d", probe.Version, IndexVersion)
	}
	var idx jsonIndex
	if err := json.Unmarshal(data, &idx); err != nil {
		return nil, fmt.Errorf("decode results: %w", err)
	}
	reports := make([]checks.Report, 0, len(idx.Submissions))
	for i, e := range idx.Submissions {
		rep, err := fromIndex(e)
		if err != nil {
			return nil, fmt.Errorf("decode results: submission %d (%q): %w", i+1, e.Submission, err)
		}
		reports = append(reports, rep)
	}
	return reports, nil
}

func fromIndex(e indexEntry) (checks.Report, error) {
	status, err := parseStatus(e.Status, false)
	if err != nil {
		return checks.Report{}, err
	}
	r := checks.Report{
		Lab:        e.Lab,
		Submission: e.Submission,
		Status:     status,
		Message:    e.Message,
		Score:      e.Score,
		MaxScore:   e.MaxScore,
		Files:      e.Files,
		Duration:   duration(e.DurationMS),
	}
	for i, c := range e.Checks {
		status, err := parseStatus(c.Status, true)
		if err != nil {
			return checks.Report{}, fmt.Errorf("check %q: %w", c.Name, err)
		}
		res := checks.Result{
			Name: c.Name, Type: c.Type, Status: status,
			Score: c.Score, MaxScore: c.MaxScore,
			Message: c.Message, Hint: c.Hint, Output: c.Output,
			File: c.File, Line: c.Line, Duration: duration(c.DurationMS),
		}
		if i < len(e.Results.Tests) && e.Results.Tests[i].Name == c.Name {
			res.Code = e.Results.Tests[i].TestCode
		}
		r.Results = append(r.Results, res)
	}
	return r, nil
}

func parseStatus(s string, skip bool) (checks.Status, error) {
	switch st := checks.Status(s); st {
	case checks.Pass, checks.Fail, checks.Error:
		return st, nil
	case checks.Skip:
		if skip {
			return st, nil
		}
	}
	known := "pass, fail, error"
	if skip {
		known += ", skip"
	}
	return "", fmt.Errorf("unknown status %q (known: %s)", s, known)
}
