package main_test

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/internal/dockertest"
)

// classroom writes a folder of sql-join submissions and returns it with
// each student's expected score (out of 4) and status.
func classroom(t *testing.T) (string, map[string]want) {
	t.Helper()
	dir := t.TempDir()
	read := func(p string) string {
		b, err := os.ReadFile("../../labs/sql-join/" + p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	kinds := []struct {
		name, sql string
		w         want
	}{
		{"correct", read("solution/solution.sql"), want{3, "pass"}},
		{"innerjoin", read("wrong/inner-join/solution.sql"), want{0, "fail"}},
		{"countstar", read("wrong/count-star/solution.sql"), want{0, "fail"}},
		{"hardcoded", read("wrong/hardcoded/solution.sql"), want{0, "fail"}},
		{"empty", "-- TODO\n", want{0, "fail"}},
		{"syntax", "SELEC name FROM customers", want{0, "fail"}},
	}
	wants := map[string]want{}
	n := 0
	for round := 0; n < 22; round++ {
		for _, k := range kinds {
			name := fmt.Sprintf("%s-%02d", k.name, round)
			writeFile(t, filepath.Join(dir, name, "solution.sql"), k.sql)
			wants[name] = k.w
			n++
		}
	}
	// A hostile one: sleeps past the check's timeout, which fails it (a
	// query that slow is the learner's doing, not the environment's).
	writeFile(t, filepath.Join(dir, "sleeper", "solution.sql"), "SELECT pg_sleep(1000)")
	wants["sleeper"] = want{0, "fail"}
	// One that tries to bring its own lab definition.
	writeFile(t, filepath.Join(dir, "smuggler", "solution.sql"), read("wrong/inner-join/solution.sql"))
	writeFile(t, filepath.Join(dir, "smuggler", "lab.yaml"), "id: sql-join\nchecks: []\n")
	wants["smuggler"] = want{0, "fail"}
	return dir, wants
}

type want struct {
	score  int
	status string
}

// TestGradeClassroom grades a folder of submissions and checks every
// student's score in each output format, and that sharding and merging
// give the same gradebook.
func TestGradeClassroom(t *testing.T) {
	dockertest.Driver(t)
	subs, wants := classroom(t)
	out := t.TempDir()
	c := labCmd{t: t, bin: buildLab(t), dir: t.TempDir(), state: t.TempDir()}
	_, errOut, code := c.run("grade", "sql-join", subs, "-j", "4", "--format", "json,junit,csv,html", "--out", out)
	if code != 1 {
		t.Fatalf("grade: exit %d, want 1 (some failed)\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "smuggler: its lab.yaml is ignored") {
		t.Errorf("the ignored lab.yaml is not mentioned:\n%s", errOut)
	}

	t.Run("json", func(t *testing.T) {
		var doc struct {
			Submissions []struct {
				Submission string `json:"submission"`
				Status     string `json:"status"`
				Score      int    `json:"score"`
				MaxScore   int    `json:"max_score"`
			} `json:"submissions"`
		}
		b := mustRead(t, filepath.Join(out, "index.json"))
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		// Next to the index, each submission's Exercism results.json.
		for name, w := range wants {
			var one struct {
				Version int    `json:"version"`
				Status  string `json:"status"`
				Score   *int   `json:"score"`
			}
			if err := json.Unmarshal(mustRead(t, filepath.Join(out, name, "results.json")), &one); err != nil {
				t.Fatal(err)
			}
			if one.Version != 3 || one.Status != w.status || one.Score != nil {
				t.Errorf("%s/results.json: version %d, status %s, score %v; want version 3, %s and no score (not in the interface)", name, one.Version, one.Status, one.Score, w.status)
			}
		}
		if len(doc.Submissions) != len(wants) {
			t.Fatalf("%d submissions in JSON, want %d", len(doc.Submissions), len(wants))
		}
		for _, s := range doc.Submissions {
			w := wants[s.Submission]
			if s.Score != w.score || s.Status != w.status || s.MaxScore != 3 {
				t.Errorf("%s: %s %d/%d, want %s %d/3", s.Submission, s.Status, s.Score, s.MaxScore, w.status, w.score)
			}
		}
	})
	t.Run("junit", func(t *testing.T) {
		var doc struct {
			XMLName xml.Name `xml:"testsuites"`
			Suites  []struct {
				Name     string `xml:"name,attr"`
				Tests    int    `xml:"tests,attr"`
				Failures int    `xml:"failures,attr"`
				Errors   int    `xml:"errors,attr"`
				Cases    []struct {
					Name      string    `xml:"name,attr"`
					Classname string    `xml:"classname,attr"`
					Failure   *struct{} `xml:"failure"`
					Error     *struct{} `xml:"error"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		if err := xml.Unmarshal(mustRead(t, filepath.Join(out, "junit.xml")), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Suites) != len(wants) {
			t.Fatalf("%d suites, want %d", len(doc.Suites), len(wants))
		}
		for _, s := range doc.Suites {
			w := wants[s.Name]
			if len(s.Cases) != 2 || s.Tests != 2 {
				t.Errorf("%s: %d testcases, want 2", s.Name, len(s.Cases))
			}
			for _, c := range s.Cases {
				if c.Classname != s.Name+".sql-join" {
					t.Errorf("%s: %s: classname %q, want one per student, %q", s.Name, c.Name, c.Classname, s.Name+".sql-join")
				}
			}
			bad := s.Failures + s.Errors
			if (w.status == "pass") != (bad == 0) || (w.status == "error") != (s.Errors > 0) {
				t.Errorf("%s: %d failures, %d errors; want %s", s.Name, s.Failures, s.Errors, w.status)
			}
		}
	})
	t.Run("csv", func(t *testing.T) {
		rows := readCSV(t, filepath.Join(out, "gradebook.csv"))
		header := rows[0]
		total := indexOf(header, "total")
		if total < 0 || indexOf(header, "matches-reference") < 0 {
			t.Fatalf("header %v", header)
		}
		for _, r := range rows[1:] {
			if got, w := r[total], fmt.Sprint(wants[r[0]].score); got != w {
				t.Errorf("%s: total %s, want %s", r[0], got, w)
			}
		}
		if len(rows)-1 != len(wants) {
			t.Errorf("%d rows, want %d", len(rows)-1, len(wants))
		}
	})
	t.Run("html", func(t *testing.T) {
		html := string(mustRead(t, filepath.Join(out, "report.html")))
		for name := range wants {
			if !strings.Contains(html, name) {
				t.Errorf("report.html does not mention %s", name)
			}
		}
		if !strings.Contains(html, "matches-reference") {
			t.Error("report.html has no per-check table")
		}
		// The sleeper's file, viewable in place.
		if !strings.Contains(html, `<details class="file"><summary>solution.sql`) || !strings.Contains(html, "SELECT pg_sleep(1000)") {
			t.Error("report.html does not hold the submitted files")
		}
	})
	t.Run("shards merged equal the whole", func(t *testing.T) {
		s1, s2, merged := t.TempDir(), t.TempDir(), t.TempDir()
		for i, dir := range []string{s1, s2} {
			_, errOut, code := c.run("grade", "sql-join", subs, "-j", "4", "--shard", fmt.Sprintf("%d/2", i+1), "--format", "json", "--out", dir)
			if code != 1 {
				t.Fatalf("shard %d: exit %d\n%s", i+1, code, errOut)
			}
		}
		_, errOut, code := c.run("grade", "merge", filepath.Join(s1, "index.json"), filepath.Join(s2, "index.json"), "--format", "csv", "--out", merged)
		if code != 1 {
			t.Fatalf("merge: exit %d\n%s", code, errOut)
		}
		whole := readCSV(t, filepath.Join(out, "gradebook.csv"))
		got := readCSV(t, filepath.Join(merged, "gradebook.csv"))
		if fmt.Sprint(whole) != fmt.Sprint(got) {
			t.Errorf("merged gradebook differs:\nwhole  %v\nmerged %v", whole, got)
		}
	})
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(string(mustRead(t, path)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}
