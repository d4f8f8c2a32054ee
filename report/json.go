package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labrunner/labrunner/checks"
)

// JSONVersion is the version of Exercism's test-runner interface that
// JSON writes: 3.
const JSONVersion = 3

// MaxOutput is the most characters a test's output may have in
// results.json, as the interface requires; longer output is cut so that,
// with TruncatedMarker at its end, it has exactly MaxOutput characters.
const MaxOutput = 500

// TruncatedMarker ends output that was cut to MaxOutput characters.
const TruncatedMarker = "\n… (output truncated to 500 characters)"

// maxMessage is the most characters of the top-level message that
// Exercism shows (65535).
const maxMessage = 65535

// exercismReport is results.json, version 3, with the interface's fields
// only.
type exercismReport struct {
	Version int            `json:"version"`
	Status  string         `json:"status"`
	Message string         `json:"message,omitempty"`
	Tests   []exercismTest `json:"tests"`
}

type exercismTest struct {
	Name     string `json:"name"`
	Status   string `json:"status"`
	Message  string `json:"message,omitempty"`
	Output   string `json:"output,omitempty"`
	TestCode string `json:"test_code,omitempty"`
	TaskID   int    `json:"task_id,omitempty"`
}

// JSON writes one report as Exercism's results.json, version 3 of the
// test-runner interface, with the interface's fields and no others:
//
//	{"version": 3, "status": "pass|fail|error", "message": "…",
//	 "tests": [{"name": "…", "status": "pass|fail|error", "message": "…",
//	            "output": "…", "test_code": "…"}]}
//
// The top-level status is pass when every check passed; error when no
// check ran to a verdict of its own — the run could not start, or every
// result is a file that did not apply (SQL that does not parse, a config
// nginx rejects), a check that errored or one skipped for them — and then
// message says why (the interface requires it); else fail, with no
// message. Tests are in the lab's check order. A test's message is the
// check's message, then its hint ("hint: …"); a skipped check is a fail
// whose message says what it needed. output is cut to MaxOutput
// characters, ending with TruncatedMarker. test_code is the check as the
// lab defines it (labs.CheckDef.Source). task_id is not written: labs have
// no numbered tasks.
//
// Scores, the lab and the submission's name are not part of the
// interface: JSONBatch's index carries them.
func JSON(w io.Writer, r checks.Report) error {
	return writeJSON(w, toExercism(r))
}

func toExercism(r checks.Report) exercismReport {
	out := exercismReport{Version: JSONVersion, Status: exercismStatus(r), Tests: make([]exercismTest, 0, len(r.Results))}
	if out.Status == string(checks.Error) {
		out.Message = truncate(errorMessage(r), maxMessage, "…")
	}
	for _, res := range r.Results {
		t := exercismTest{
			Name:     res.Name,
			Status:   string(res.Status),
			Message:  problemText(res),
			Output:   capOutput(res.Output),
			TestCode: res.Code,
		}
		if res.Status == checks.Skip {
			t.Status = string(checks.Fail)
			if t.Message == "" {
				t.Message = "skipped"
			}
		}
		out.Tests = append(out.Tests, t)
	}
	return out
}

// exercismStatus is the interface's top-level status of r.
func exercismStatus(r checks.Report) string {
	if r.Status == checks.Pass && r.Message == "" {
		return string(checks.Pass)
	}
	if ranNone(r) {
		return string(checks.Error)
	}
	return string(checks.Fail)
}

// ranNone reports whether no check of r ran to a verdict of its own.
func ranNone(r checks.Report) bool {
	for _, res := range r.Results {
		switch {
		case res.Status == checks.Pass:
			return false
		case res.Status == checks.Fail && res.Type != applyType:
			return false
		}
	}
	return true
}

// applyType is the type of the result of a submission file that did not
// apply.
const applyType = "apply"

// errorMessage is the top-level message of a report whose tests did not
// run: the run's message, else the messages of what did not apply and of
// the checks that errored, each once.
func errorMessage(r checks.Report) string {
	if r.Message != "" {
		return r.Message
	}
	var msgs []string
	seen := map[string]bool{}
	for _, res := range r.Results {
		if res.Status == checks.Skip || res.Message == "" || seen[res.Message] {
			continue
		}
		seen[res.Message] = true
		msgs = append(msgs, res.Message)
	}
	if len(msgs) == 0 {
		return "the checks could not run"
	}
	return strings.Join(msgs, "\n")
}

// capOutput cuts output to MaxOutput characters, TruncatedMarker
// included.
func capOutput(s string) string {
	if utf8.RuneCountInString(s) <= MaxOutput {
		return s
	}
	return truncate(s, MaxOutput-utf8.RuneCountInString(TruncatedMarker), TruncatedMarker)
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

func millis(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}

func duration(ms float64) time.Duration {
	return time.Duration(math.Round(ms*1000)) * time.Microsecond
}
