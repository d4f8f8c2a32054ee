package journal

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/atomicfile"
)

func result(name string, st checks.Status) checks.Report {
	r := checks.Report{Lab: "sql-join", Submission: name, Duration: 1500 * time.Microsecond,
		Files: map[string]string{"solution.sql": "SELECT 1"},
		Results: []checks.Result{
			{Name: "seed-intact", Type: "sql.intact", Status: checks.Pass, MaxScore: 0},
			{Name: "matches-reference", Type: "sql.result", Status: st, MaxScore: 3, Message: "3 rows differ", Hint: "LEFT JOIN", Code: "expected_query: …", File: "solution.sql", Line: 2, Duration: time.Millisecond},
		}}
	if st == checks.Pass {
		r.Results[1].Score = 3
	}
	r.Summarize()
	return r
}

func TestJournalGet(t *testing.T) {
	tests := []struct {
		name      string
		put       *checks.Report
		putLabKey string
		subKey    string
		wantRep   bool
		wantValid bool
	}{
		{name: "nothing kept", subKey: "s1"},
		{name: "kept under the same keys", put: ptr(result("ann", checks.Fail)), putLabKey: "lab1", subKey: "s1", wantRep: true, wantValid: true},
		{name: "the submission changed", put: ptr(result("ann", checks.Pass)), putLabKey: "lab1", subKey: "s2", wantRep: true},
		{name: "the lab changed", put: ptr(result("ann", checks.Pass)), putLabKey: "lab0", subKey: "s1", wantRep: true},
		{name: "an error is graded again", put: ptr(result("ann", checks.Error)), putLabKey: "lab1", subKey: "s1", wantRep: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			if tt.put != nil {
				j, err := Open(out, "sql-join", tt.putLabKey)
				if err != nil {
					t.Fatal(err)
				}
				if err := j.Put(*tt.put, "s1"); err != nil {
					t.Fatal(err)
				}
			}
			j, err := Open(out, "sql-join", "lab1")
			if err != nil {
				t.Fatal(err)
			}
			rep, valid, err := j.Get("ann", tt.subKey)
			if err != nil || (rep != nil) != tt.wantRep || valid != tt.wantValid {
				t.Fatalf("Get = %v, valid %v, %v; want a result %v, valid %v", rep, valid, err, tt.wantRep, tt.wantValid)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// A result reads back as it was put: status, scores, messages, hints,
// files, code, durations.
func TestJournalRoundTrip(t *testing.T) {
	j, err := Open(t.TempDir(), "sql-join", "lab1")
	if err != nil {
		t.Fatal(err)
	}
	want := result("ann", checks.Fail)
	if err := j.Put(want, "s1"); err != nil {
		t.Fatal(err)
	}
	got, err := j.Read("ann")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != want.Status || got.Score != want.Score || got.MaxScore != want.MaxScore || got.Duration != want.Duration ||
		got.Files["solution.sql"] != "SELECT 1" || len(got.Results) != 2 || got.Results[1] != want.Results[1] {
		t.Errorf("read back\n%+v\nwant\n%+v", *got, want)
	}
}

// A second Put replaces the first; names that are made safe alike keep
// files of their own.
func TestJournalPutReplaces(t *testing.T) {
	out := t.TempDir()
	j, _ := Open(out, "sql-join", "lab1")
	for _, r := range []checks.Report{result("a/b", checks.Fail), result("a_b", checks.Pass), result("A_b", checks.Pass), result("a/b", checks.Pass)} {
		if err := j.Put(r, "s1"); err != nil {
			t.Fatal(err)
		}
	}
	for name, want := range map[string]checks.Status{"a/b": checks.Pass, "a_b": checks.Pass, "A_b": checks.Pass} {
		if r, err := j.Read(name); err != nil || r == nil || r.Status != want || r.Submission != name {
			t.Errorf("%s: %+v %v, want %s", name, r, err, want)
		}
	}
	files, _ := os.ReadDir(j.Path())
	if len(files) != 3 {
		t.Errorf("%d files in the journal, want 3 (no temporary file left)", len(files))
	}
}

// What a writer killed mid-write leaves (a temporary file) is removed
// when the journal is opened again; a damaged entry is an error that
// names its file, and the caller grades that submission again.
func TestJournalAfterACrash(t *testing.T) {
	out := t.TempDir()
	j, _ := Open(out, "sql-join", "lab1")
	if err := j.Put(result("ann", checks.Pass), "s1"); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(j.Path(), atomicfile.TempPrefix+"123")
	os.WriteFile(tmp, []byte(`{"format": "labrunner-jou`), 0o644)
	os.WriteFile(j.file("bob"), []byte(`{"format": "labrunner-jou`), 0o644)
	j, err := Open(out, "sql-join", "lab1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}
	if _, valid, err := j.Get("ann", "s1"); !valid || err != nil {
		t.Errorf("ann: valid %v, %v", valid, err)
	}
	_, valid, err := j.Get("bob", "s1")
	if valid || err == nil || !strings.Contains(err.Error(), j.file("bob")) {
		t.Errorf("bob: valid %v, err %v; want an error naming the file", valid, err)
	}
}

// Every lab has a journal of its own in one output folder.
func TestJournalPerLab(t *testing.T) {
	out := t.TempDir()
	a, _ := Open(out, "sql-join", "lab1")
	b, _ := Open(out, "sql-index", "lab1")
	a.Put(result("ann", checks.Pass), "s1")
	if r, err := b.Read("ann"); r != nil || err != nil {
		t.Errorf("sql-index holds sql-join's result: %+v %v", r, err)
	}
}

// BenchmarkPut measures keeping one result (two fsyncs and a rename):
// the cost the journal adds to each graded submission.
func BenchmarkPut(b *testing.B) {
	j, err := Open(b.TempDir(), "sql-join", "lab1")
	if err != nil {
		b.Fatal(err)
	}
	rep := result("ann", checks.Fail)
	for i := 0; b.Loop(); i++ {
		rep.Submission = strconv.Itoa(i % 300)
		if err := j.Put(rep, "s1"); err != nil {
			b.Fatal(err)
		}
	}
}
