package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/checks"
)

// The JUnit structure as a CI viewer reads it, declared apart from the
// writer's types so that a mistake in those shows here.
type parsedSuites struct {
	XMLName  xml.Name      `xml:"testsuites"`
	Name     string        `xml:"name,attr"`
	Tests    int           `xml:"tests,attr"`
	Failures int           `xml:"failures,attr"`
	Errors   int           `xml:"errors,attr"`
	Skipped  int           `xml:"skipped,attr"`
	Suites   []parsedSuite `xml:"testsuite"`
}

type parsedSuite struct {
	Name     string `xml:"name,attr"`
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Skipped  int    `xml:"skipped,attr"`
	Time     string `xml:"time,attr"`
	Props    []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	} `xml:"properties>property"`
	Cases []parsedCase `xml:"testcase"`
}

type parsedCase struct {
	Classname string         `xml:"classname,attr"`
	Name      string         `xml:"name,attr"`
	Time      string         `xml:"time,attr"`
	Failure   *parsedProblem `xml:"failure"`
	Error     *parsedProblem `xml:"error"`
	Skipped   *parsedProblem `xml:"skipped"`
	SystemOut string         `xml:"system-out"`
}

type parsedProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func parseJUnit(t *testing.T, reports []checks.Report) parsedSuites {
	t.Helper()
	var buf bytes.Buffer
	if err := JUnit(&buf, reports); err != nil {
		t.Fatal(err)
	}
	// Well-formed: every token decodes in strict mode.
	dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, buf.String())
		}
	}
	var doc parsedSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	return doc
}

func TestJUnitStructure(t *testing.T) {
	doc := parseJUnit(t, fixture())

	if doc.Name != "sql-join" || doc.Tests != 13 || doc.Failures != 2 || doc.Errors != 2 || doc.Skipped != 0 {
		t.Errorf("testsuites: name %q tests %d failures %d errors %d skipped %d, want sql-join 13 2 2 and no skipped (junit-10.xsd has none there)",
			doc.Name, doc.Tests, doc.Failures, doc.Errors, doc.Skipped)
	}
	var skipped int
	for _, s := range doc.Suites {
		skipped += s.Skipped
	}
	if skipped != 1 {
		t.Errorf("suites count %d skipped, want 1", skipped)
	}
	var names []string
	for _, s := range doc.Suites {
		names = append(names, s.Name)
		if len(s.Cases) != s.Tests {
			t.Errorf("suite %q: tests=%d but %d test cases", s.Name, s.Tests, len(s.Cases))
		}
		f, e, k := 0, 0, 0
		for _, c := range s.Cases {
			// One class per student: five students' tests never collide.
			if c.Classname != s.Name+".sql-join" {
				t.Errorf("suite %q case %q: classname %q, want %q", s.Name, c.Name, c.Classname, s.Name+".sql-join")
			}
			if c.Time == "" {
				t.Errorf("suite %q case %q: no time", s.Name, c.Name)
			}
			if c.Failure != nil {
				f++
			}
			if c.Error != nil {
				e++
			}
			if c.Skipped != nil {
				k++
			}
		}
		if f != s.Failures || e != s.Errors || k != s.Skipped {
			t.Errorf("suite %q: counts %d/%d/%d, elements %d/%d/%d", s.Name, s.Failures, s.Errors, s.Skipped, f, e, k)
		}
	}
	wantNames := []string{"bob", "alice", "dave", `=Carol "C.J." O'Neil, 100%`}
	if strings.Join(names, "|") != strings.Join(wantNames, "|") {
		t.Errorf("suite names %q, want %q", names, wantNames)
	}

	bob := doc.Suites[0]
	wantCases := []string{"result: orders, customers", "uses index", "cache hit", "second query"}
	for i, c := range bob.Cases {
		if c.Name != wantCases[i] {
			t.Errorf("bob case %d: %q, want %q", i, c.Name, wantCases[i])
		}
	}
	if bob.Cases[0].Failure != nil || bob.Cases[0].Error != nil || bob.Cases[0].Skipped != nil {
		t.Errorf("a passing check has a failure, error or skipped element: %+v", bob.Cases[0])
	}
	fail := bob.Cases[1].Failure
	if fail == nil {
		t.Fatalf("uses index: no <failure>")
	}
	if fail.Message != "expected an Index Scan on orders, got:" || fail.Type != "sql.explain" {
		t.Errorf("failure message=%q type=%q", fail.Message, fail.Type)
	}
	wantText := "expected an Index Scan on orders, got:\n  Seq Scan on orders\n    Filter: (customer_id = 42)\n\nhint: Add an index on orders(customer_id).\nThen run ANALYZE orders;"
	if fail.Text != wantText {
		t.Errorf("failure text:\n%q\nwant\n%q", fail.Text, wantText)
	}
	if e := bob.Cases[2].Error; e == nil || e.Text != "redis: dial tcp 10.0.0.3:6379: connection refused" {
		t.Errorf("cache hit: error %+v", e)
	}
	if s := bob.Cases[3].Skipped; s == nil || s.Message != "skipped: needs uses index to pass first" {
		t.Errorf("second query: skipped %+v", s)
	}
	if bob.Time != "1.500" || bob.Cases[2].Time != "10.000" {
		t.Errorf("times: suite %s, cache hit %s", bob.Time, bob.Cases[2].Time)
	}

	dave := doc.Suites[2]
	if dave.Tests != 1 || dave.Errors != 1 || dave.Cases[0].Name != junitRunCase || !strings.Contains(dave.Cases[0].Error.Text, "data directory has wrong ownership") {
		t.Errorf("a run-level error must be one errored test case, got %+v", dave)
	}

	carol := doc.Suites[3].Cases[0]
	if carol.Failure == nil || !strings.HasPrefix(carol.Failure.Text, `<script>alert("x")</script> expected 3 rows, got 2 — 100% wrong, naïve 日本語 ✓`+"\nrow 1:") {
		t.Errorf("learner text does not read back: %+v", carol.Failure)
	}
	if strings.ContainsRune(carol.Failure.Text, '\x1b') || !strings.Contains(carol.Failure.Text, "\uFFFD[31mred") {
		t.Errorf("an escape character must become U+FFFD: %q", carol.Failure.Text)
	}
	if !strings.HasSuffix(carol.SystemOut, "\r\nend") {
		t.Errorf("system-out: %q", carol.SystemOut)
	}
}

func TestJUnitHostileText(t *testing.T) {
	// Characters XML 1.0 cannot carry, invalid UTF-8, a CDATA end and a
	// fake closing tag must still give a well-formed document.
	nasty := "a\x00b\x01c\x0bd\xffe]]></failure></testcase></testsuite>\u0085\ufffe"
	r := checks.Report{Lab: "l\x00ab", Submission: nasty, Results: []checks.Result{
		{Name: nasty, Status: checks.Fail, Message: nasty, Output: nasty, Hint: nasty, MaxScore: 1},
		{Name: "e", Status: checks.Error, Message: nasty, MaxScore: 1},
	}}
	r.Summarize()
	doc := parseJUnit(t, []checks.Report{r})
	if len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 2 || doc.Failures != 1 || doc.Errors != 1 {
		t.Fatalf("structure lost: %+v", doc)
	}
	if got := doc.Suites[0].Cases[0].Failure.Text; !strings.Contains(got, "]]></failure></testcase></testsuite>") {
		t.Errorf("text not kept: %q", got)
	}
}

func TestJUnitWorkspaceClassname(t *testing.T) {
	r := checks.Report{Lab: "sql-join", Results: []checks.Result{{Name: "rows", Status: checks.Pass}}}
	r.Summarize()
	if doc := parseJUnit(t, []checks.Report{r}); doc.Suites[0].Name != "sql-join" || doc.Suites[0].Cases[0].Classname != "sql-join" {
		t.Errorf("a workspace's report: suite %q, classname %q; want the lab id for both", doc.Suites[0].Name, doc.Suites[0].Cases[0].Classname)
	}
}

func TestJUnitEmptyAndMixed(t *testing.T) {
	doc := parseJUnit(t, nil)
	if doc.Tests != 0 || len(doc.Suites) != 0 {
		t.Errorf("no reports: %+v", doc)
	}
	rs := fixture()[:2]
	rs[1].Lab = "redis-cache"
	if doc := parseJUnit(t, rs); doc.Name != "" || len(doc.Suites) != 2 || doc.Suites[1].Cases[0].Classname != "alice.redis-cache" {
		t.Errorf("reports of two labs: %+v", doc)
	}
}
