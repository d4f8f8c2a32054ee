package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/labrunner/labrunner/checks"
)

// The JUnit XML shape read by Jenkins, GitLab and GitHub's test reporters.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr,omitempty"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// junitRunCase names the test case that stands for a run-level error, so
// that a submission that could not be graded shows as an error, not as an
// empty, green suite.
const junitRunCase = "(grading)"

// maxAttr caps the message attribute of a failure; the full text is the
// element's content.
const maxAttr = 200

// JUnit writes reports as JUnit XML: a <testsuites> element (named after
// the lab when all reports share one, with tests/failures/errors counts
// and time, and no skipped count: the Jenkins junit-10 schema, which the
// tests validate against, does not allow one there) with one <testsuite> per report,
// named after the submission (or the lab when the report has no
// submission name), with tests/failures/errors/skipped counts, time in
// seconds and the lab, submission, score and max_score as properties.
// Each check is a <testcase> with classname = "<submission>.<lab>" (the
// lab id alone for a report without a submission name), so that the
// tests of different students never merge into one class in a viewer,
// name = check name and time. A failed check has <failure message="first line of the
// message" type="check type"> whose text is the whole message and the
// hint; an errored one has <error> likewise; a skipped one has <skipped
// message="reason"/>. A check's output is its <system-out>. A run-level
// error is a test case named "(grading)" with an <error>.
//
// Text is escaped by encoding/xml, which also replaces characters XML 1.0
// cannot carry (most control characters) with U+FFFD, so the document is
// well-formed whatever the learner's output held.
func JUnit(w io.Writer, reports []checks.Report) error {
	doc := junitSuites{Suites: make([]junitSuite, 0, len(reports))}
	if lab, err := oneLab(reports); err == nil {
		doc.Name = lab
	}
	var total time.Duration
	for _, r := range reports {
		s := junitSuiteOf(r)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		total += r.Duration
		doc.Suites = append(doc.Suites, s)
	}
	doc.Time = seconds(total)

	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode junit: %w", err)
	}
	buf.WriteString("\n")
	_, err := w.Write(buf.Bytes())
	return err
}

func junitSuiteOf(r checks.Report) junitSuite {
	s := junitSuite{
		Name: label(r),
		Time: seconds(r.Duration),
		Properties: []junitProperty{
			{"lab", r.Lab},
			{"submission", r.Submission},
			{"status", string(r.Status)},
			{"score", strconv.Itoa(r.Score)},
			{"max_score", strconv.Itoa(r.MaxScore)},
		},
	}
	class := r.Lab
	if r.Submission != "" {
		class = r.Submission + "." + r.Lab
	}
	if r.Message != "" {
		s.Cases = append(s.Cases, junitCase{
			Classname: class,
			Name:      junitRunCase,
			Time:      seconds(0),
			Error:     &junitProblem{Message: attr(r.Message), Type: "run", Text: r.Message},
		})
		s.Errors++
	}
	for _, res := range r.Results {
		c := junitCase{
			Classname: class,
			Name:      res.Name,
			Time:      seconds(res.Duration),
			SystemOut: res.Output,
		}
		p := &junitProblem{Message: attr(res.Message), Type: res.Type, Text: problemText(res)}
		switch res.Status {
		case checks.Fail:
			c.Failure = p
			s.Failures++
		case checks.Error:
			c.Error = p
			s.Errors++
		case checks.Skip:
			c.Skipped = &junitProblem{Message: attr(res.Message)}
			s.Skipped++
		}
		s.Cases = append(s.Cases, c)
	}
	s.Tests = len(s.Cases)
	return s
}

// problemText is the body of a <failure> or <error>: the message, then the
// hint.
func problemText(res checks.Result) string {
	text := res.Message
	if res.Hint != "" {
		if text != "" {
			text += "\n\n"
		}
		text += "hint: " + res.Hint
	}
	return text
}

// attr is the short form of a message for an attribute: its first line,
// capped.
func attr(msg string) string {
	return truncate(firstLine(strings.TrimSpace(msg)), maxAttr, "…")
}

func seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}
