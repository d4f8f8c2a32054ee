package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/labrunner/labrunner/checks"
)

// JSONVersion is the results.json version written and read: Exercism's
// test-runner interface version 3.
const JSONVersion = 3

// MaxOutput is how many characters of a check's output the JSON keeps,
// as Exercism's test runners do; longer output ends with TruncatedMarker.
const MaxOutput = 500

// TruncatedMarker ends output that was cut to MaxOutput characters.
const TruncatedMarker = "\n… (truncated)"

// jsonReport is results.json version 3 with labrunner's additions (lab,
// submission, score, max_score, duration_ms).
type jsonReport struct {
	Version    int        `json:"version"`
	Status     string     `json:"status"`
	Message    string     `json:"message,omitempty"`
	Lab        string     `json:"lab"`
	Submission string     `json:"submission,omitempty"`
	Score      int        `json:"score"`
	MaxScore   int        `json:"max_score"`
	DurationMS float64    `json:"duration_ms,omitempty"`
	Tests      []jsonTest `json:"tests"`
}

type jsonTest struct {
	Name       string  `json:"name"`
	Status     string  `json:"status"`
	Skipped    bool    `json:"skipped,omitempty"`
	Message    string  `json:"message,omitempty"`
	Output     string  `json:"output,omitempty"`
	Hint       string  `json:"hint,omitempty"`
	Type       string  `json:"type,omitempty"`
	Score      int     `json:"score"`
	MaxScore   int     `json:"max_score"`
	DurationMS float64 `json:"duration_ms,omitempty"`
}

type jsonBatch struct {
	Version     int          `json:"version"`
	Submissions []jsonReport `json:"submissions"`
}

// JSON writes one report as Exercism's results.json, version 3:
//
//	{"version": 3, "status": "pass|fail|error", "message": "…",
//	 "lab": "sql-join", "submission": "alice", "score": 3, "max_score": 5,
//	 "duration_ms": 812.5,
//	 "tests": [{"name": "…", "status": "pass|fail|error", "message": "…",
//	            "output": "…", "hint": "…", "type": "sql.result",
//	            "score": 1, "max_score": 1, "duration_ms": 12.3}]}
//
// Tests are in the lab's check order. A test's status is pass, fail or
// error, as Exercism defines it; a skipped check is "status": "fail" with
// "skipped": true and its reason as message. Output longer than MaxOutput
// characters is cut and ends with TruncatedMarker. Empty fields are
// omitted (test_code and task_id are never written). The top-level message
// is set only for a run-level error. Durations are in milliseconds, to the
// microsecond.
func JSON(w io.Writer, r checks.Report) error {
	return writeJSON(w, toJSON(r))
}

// JSONBatch writes many reports as one document:
//
//	{"version": 3, "submissions": [<one JSON report each>, …]}
//
// in the order given. An object, not a bare array, so that fields can be
// added later without breaking readers. ReadJSON reads it back.
func JSONBatch(w io.Writer, reports []checks.Report) error {
	b := jsonBatch{Version: JSONVersion, Submissions: make([]jsonReport, 0, len(reports))}
	for _, r := range reports {
		b.Submissions = append(b.Submissions, toJSON(r))
	}
	return writeJSON(w, b)
}

// ReadJSON reads what JSON or JSONBatch wrote (a bare array of reports is
// accepted too) and returns the reports. Output cut to MaxOutput stays
// cut, and durations keep microsecond precision; everything else reads
// back as it was written. An unknown version or test status is an error.
func ReadJSON(r io.Reader) ([]checks.Report, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	data = bytes.TrimSpace(data)
	var docs []jsonReport
	switch {
	case len(data) > 0 && data[0] == '[':
		if err := json.Unmarshal(data, &docs); err != nil {
			return nil, fmt.Errorf("decode results: %w", err)
		}
	default:
		var probe struct {
			Version     int             `json:"version"`
			Submissions json.RawMessage `json:"submissions"`
		}
		if err := json.Unmarshal(data, &probe); err != nil {
			return nil, fmt.Errorf("decode results: %w", err)
		}
		if probe.Version != JSONVersion {
			return nil, fmt.Errorf("decode results: version %d, want %d", probe.Version, JSONVersion)
		}
		if probe.Submissions != nil {
			if err := json.Unmarshal(probe.Submissions, &docs); err != nil {
				return nil, fmt.Errorf("decode results: submissions: %w", err)
			}
		} else {
			var one jsonReport
			if err := json.Unmarshal(data, &one); err != nil {
				return nil, fmt.Errorf("decode results: %w", err)
			}
			docs = []jsonReport{one}
		}
	}
	reports := make([]checks.Report, 0, len(docs))
	for i, d := range docs {
		r, err := fromJSON(d)
		if err != nil {
			return nil, fmt.Errorf("decode results: report %d (%q): %w", i, d.Submission, err)
		}
		reports = append(reports, r)
	}
	return reports, nil
}

func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Learner text stays readable: "<" is "<", not "\u003c"; JSON readers
	// do not execute markup.
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func toJSON(r checks.Report) jsonReport {
	status := r.Status
	if status == checks.Skip {
		status = checks.Fail
	}
	out := jsonReport{
		Version:    JSONVersion,
		Status:     string(status),
		Message:    r.Message,
		Lab:        r.Lab,
		Submission: r.Submission,
		Score:      r.Score,
		MaxScore:   r.MaxScore,
		DurationMS: millis(r.Duration),
		Tests:      make([]jsonTest, 0, len(r.Results)),
	}
	for _, res := range r.Results {
		t := jsonTest{
			Name:       res.Name,
			Status:     string(res.Status),
			Message:    res.Message,
			Output:     truncate(res.Output, MaxOutput, TruncatedMarker),
			Hint:       res.Hint,
			Type:       res.Type,
			Score:      res.Score,
			MaxScore:   res.MaxScore,
			DurationMS: millis(res.Duration),
		}
		if res.Status == checks.Skip {
			t.Status, t.Skipped = string(checks.Fail), true
		}
		out.Tests = append(out.Tests, t)
	}
	return out
}

func fromJSON(d jsonReport) (checks.Report, error) {
	if d.Version != 0 && d.Version != JSONVersion {
		return checks.Report{}, fmt.Errorf("version %d, want %d", d.Version, JSONVersion)
	}
	status, err := parseStatus(d.Status)
	if err != nil {
		return checks.Report{}, err
	}
	r := checks.Report{
		Lab:        d.Lab,
		Submission: d.Submission,
		Status:     status,
		Message:    d.Message,
		Score:      d.Score,
		MaxScore:   d.MaxScore,
		Duration:   duration(d.DurationMS),
	}
	for _, t := range d.Tests {
		status, err := parseStatus(t.Status)
		if err != nil {
			return checks.Report{}, fmt.Errorf("test %q: %w", t.Name, err)
		}
		if t.Skipped {
			status = checks.Skip
		}
		r.Results = append(r.Results, checks.Result{
			Name:     t.Name,
			Type:     t.Type,
			Status:   status,
			Message:  t.Message,
			Output:   t.Output,
			Hint:     t.Hint,
			Score:    t.Score,
			MaxScore: t.MaxScore,
			Duration: duration(t.DurationMS),
		})
	}
	return r, nil
}

func parseStatus(s string) (checks.Status, error) {
	switch st := checks.Status(s); st {
	case checks.Pass, checks.Fail, checks.Error:
		return st, nil
	}
	return "", fmt.Errorf("unknown status %q (known: pass, fail, error)", s)
}

func millis(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

func duration(ms float64) time.Duration {
	return time.Duration(math.Round(ms*1000)) * time.Microsecond
}
