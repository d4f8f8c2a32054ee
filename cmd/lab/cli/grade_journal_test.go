package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/journal"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/report"
	"github.com/labrunner/labrunner/runner"
)

// copyDir copies the folder src to dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Test_gradeRunJournal grades a class twice with --out and checks what
// the second run grades again, what it says, and that its gradebook holds
// every student once, with the newest grades.
func Test_gradeRunJournal(t *testing.T) {
	tests := []struct {
		name string
		// first grades the class {alice: A, bob: B}; between changes
		// the class, the catalog or the options before the second run.
		firstErrors []string // submissions the environment fails the first time
		// wantFirst is in the first run's stderr.
		wantFirst string
		between   func(t *testing.T, subs, catalog string, opts *GradeOptions)

		wantGraded  []string
		wantSummary string
		wantNote    string
		wantScores  map[string]string // gradebook.csv: name → total
	}{
		{
			name:        "unchanged: everything reused, no engine",
			wantSummary: "2 submissions: 0 graded, 2 reused, 0 errors\n",
			wantNote:    "2 of 2 submissions are unchanged since they were graded: their results in results/.lab-journal are reused (--regrade grades them again)\n",
			wantScores:  map[string]string{"alice": "4", "bob": "1"},
		},
		{
			name: "a changed submission is graded again",
			between: func(t *testing.T, subs, _ string, _ *GradeOptions) {
				os.WriteFile(filepath.Join(subs, "bob", "solution.sql"), []byte("A"), 0o644)
			},
			wantGraded:  []string{"bob"},
			wantSummary: "2 submissions: 1 graded, 1 reused, 0 errors, in … (…/s)\n",
			wantNote:    "1 of 2 submissions are unchanged",
			wantScores:  map[string]string{"alice": "4", "bob": "4"},
		},
		{
			name: "a new submission is graded, the others reused",
			between: func(t *testing.T, subs, _ string, _ *GradeOptions) {
				os.MkdirAll(filepath.Join(subs, "carol"), 0o755)
				os.WriteFile(filepath.Join(subs, "carol", "solution.sql"), []byte("B"), 0o644)
			},
			wantGraded:  []string{"carol"},
			wantSummary: "3 submissions: 1 graded, 2 reused, 0 errors, in … (…/s)\n",
			wantScores:  map[string]string{"alice": "4", "bob": "1", "carol": "1"},
		},
		{
			name: "a submission gone is not in the gradebook",
			between: func(t *testing.T, subs, _ string, _ *GradeOptions) {
				os.RemoveAll(filepath.Join(subs, "bob"))
			},
			wantSummary: "1 submission: 0 graded, 1 reused, 0 errors\n",
			wantScores:  map[string]string{"alice": "4"},
		},
		{
			name:        "an error is graded again",
			firstErrors: []string{"bob"},
			wantFirst:   "2 submissions: 1 graded, 0 reused, 1 error, in … (…/s)\n1 submission could not be graded: the environment failed under it, and its result says why; the next run grades it again\n",
			wantGraded:  []string{"bob"},
			wantSummary: "2 submissions: 1 graded, 1 reused, 0 errors, in … (…/s)\n",
			wantScores:  map[string]string{"alice": "4", "bob": "1"},
		},
		{
			name: "editing the lab's checks regrades everyone",
			between: func(t *testing.T, _, catalog string, _ *GradeOptions) {
				p := filepath.Join(catalog, "sql-join", "lab.yaml")
				b, _ := os.ReadFile(p)
				os.WriteFile(p, []byte(strings.Replace(string(b), "points: 3", "points: 5", 1)), 0o644)
			},
			wantGraded:  []string{"alice", "bob"},
			wantSummary: "2 submissions: 2 graded, 0 reused, 0 errors, in … (…/s)\n",
			wantScores:  map[string]string{"alice": "6", "bob": "1"},
		},
		{
			name: "editing the lab's task regrades no one",
			between: func(t *testing.T, _, catalog string, _ *GradeOptions) {
				os.WriteFile(filepath.Join(catalog, "sql-join", "README.md"), []byte("# reworded\n"), 0o644)
			},
			wantSummary: "2 submissions: 0 graded, 2 reused, 0 errors\n",
			wantScores:  map[string]string{"alice": "4", "bob": "1"},
		},
		{
			name:        "--regrade grades everyone",
			between:     func(t *testing.T, _, _ string, opts *GradeOptions) { opts.Regrade = true },
			wantGraded:  []string{"alice", "bob"},
			wantSummary: "2 submissions: 2 graded, 0 reused, 0 errors, in … (…/s)\n",
			wantScores:  map[string]string{"alice": "4", "bob": "1"},
		},
		{
			name: "a damaged kept result is graded again, and said so",
			between: func(t *testing.T, subs, _ string, _ *GradeOptions) {
				files, _ := filepath.Glob(filepath.Join(filepath.Dir(subs), "results", journal.Dir, "sql-join", "bob-*.json"))
				if len(files) != 1 {
					t.Fatalf("bob's journal files: %v", files)
				}
				os.WriteFile(files[0], []byte("{"), 0o644)
			},
			wantGraded:  []string{"bob"},
			wantSummary: "2 submissions: 1 graded, 1 reused, 0 errors, in … (…/s)\n",
			wantNote:    "note: bob: its kept result cannot be read, so it is graded again: read journal of \"bob\"",
			wantScores:  map[string]string{"alice": "4", "bob": "1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			catalog := filepath.Join(dir, "catalog")
			copyDir(t, "../../../labs/sql-join", filepath.Join(catalog, "sql-join"))
			t.Chdir(dir)
			for name, content := range map[string]string{"alice": "A", "bob": "B"} {
				os.MkdirAll(filepath.Join("subs", name), 0o755)
				os.WriteFile(filepath.Join("subs", name, "solution.sql"), []byte(content), 0o644)
			}
			// The fake grader: "A" passes, anything else fails; a pass
			// scores the points the lab gives.
			errorsLeft := slices.Clone(tt.firstErrors)
			grade := func(lab *labs.Lab, e runner.Entry) checks.Report {
				st := checks.Fail
				if e.Files["solution.sql"] == "A" {
					st = checks.Pass
				}
				if i := slices.Index(errorsLeft, e.Name); i >= 0 {
					errorsLeft = slices.Delete(errorsLeft, i, i+1)
					st = checks.Error
				}
				r := joinReport(checks.Pass, st)
				if st == checks.Pass {
					r.Results[1].Score = lab.Checks[1].Points
					r.Results[1].MaxScore = lab.Checks[1].Points
					r.Summarize()
				}
				return r
			}
			var drivers int
			run := func(opts *GradeOptions) (*fakeDriver, string, error) {
				drv := &fakeDriver{gradeFn: grade}
				io, _, errOut := TestStreams()
				opts.Deps = &Deps{IO: io, Catalog: catalog, Getenv: func(string) string { return "" },
					NewDriver: func(context.Context) (labDriver, error) { drivers++; return drv, nil }}
				err := gradeRun(context.Background(), opts)
				return drv, errOut.String(), err
			}
			opts := &GradeOptions{Lab: "sql-join", Path: "subs", Jobs: 2, Isolation: runner.IsolationShared,
				Deadline: time.Minute, Formats: []string{"csv"}, Out: "results", Now: stepClock(time.Second)}
			_, firstErr, err := run(opts)
			if ExitCode(err) != ExitFailed && ExitCode(err) != ExitEnvironment {
				t.Fatalf("first run: %v\n%s", err, firstErr)
			}
			if got := durations(rateRe.ReplaceAllString(firstErr, "(…/s)")); !strings.Contains(got, tt.wantFirst) {
				t.Errorf("first run's stderr:\n%s\nwant %q", got, tt.wantFirst)
			}
			drivers = 0
			if tt.between != nil {
				tt.between(t, filepath.Join(dir, "subs"), catalog, opts)
			}
			drv, errOut, err := run(opts)
			if code := ExitCode(err); code != ExitFailed && code != ExitOK {
				t.Fatalf("second run: exit %d, %v\n%s", code, err, errOut)
			}
			var graded []string
			for _, e := range drv.graded {
				graded = append(graded, e.Name)
			}
			if !slices.Equal(graded, tt.wantGraded) {
				t.Errorf("graded %v, want %v", graded, tt.wantGraded)
			}
			if len(tt.wantGraded) == 0 && drivers != 0 {
				t.Errorf("connected to the engine %d times with nothing to grade", drivers)
			}
			if got := durations(rateRe.ReplaceAllString(errOut, "(…/s)")); !strings.Contains(got, "\n"+tt.wantSummary) && !strings.HasPrefix(got, tt.wantSummary) {
				t.Errorf("stderr:\n%s\nwant the summary %q", got, tt.wantSummary)
			}
			if !strings.Contains(errOut, tt.wantNote) {
				t.Errorf("stderr:\n%s\nwant %q", errOut, tt.wantNote)
			}
			rows := readGradebook(t, filepath.Join("results", "gradebook.csv"))
			if len(rows) != len(tt.wantScores) {
				t.Errorf("gradebook %v, want one row each of %v", rows, tt.wantScores)
			}
			for name, want := range tt.wantScores {
				if rows[name] != want {
					t.Errorf("%s: total %q, want %s (gradebook %v)", name, rows[name], want, rows)
				}
			}
		})
	}
}

// readGradebook reads gradebook.csv: each student's total.
func readGradebook(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	header := strings.Split(lines[0], ",")
	total := slices.Index(header, "total")
	out := map[string]string{}
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		out[f[0]] = f[total]
	}
	return out
}

// A second lab grade on the same --out is refused while the first runs.
func Test_gradeRunLockedOut(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.MkdirAll(filepath.Join("subs", "alice"), 0o755)
	os.WriteFile(filepath.Join("subs", "alice", "solution.sql"), []byte("A"), 0o644)
	unlock, err := lockOut("results")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	drv := &fakeDriver{gradeReports: []checks.Report{joinReport(checks.Pass, checks.Pass)}}
	io, _, _ := TestStreams()
	deps := &Deps{IO: io, Getenv: func(string) string { return "" }, NewDriver: func(context.Context) (labDriver, error) { return drv, nil }}
	err = gradeRun(context.Background(), &GradeOptions{Deps: deps, Lab: "sql-join", Path: "subs", Jobs: 1,
		Isolation: runner.IsolationShared, Deadline: time.Minute, Formats: []string{"csv"}, Out: "results"})
	want := "another lab grade is writing to results; wait for it to finish, or give this one another --out"
	if ExitCode(err) != ExitUsage || err == nil || err.Error() != want {
		t.Errorf("err = %v (exit %d), want %q, exit 2", err, ExitCode(err), want)
	}
	if drv.graded != nil {
		t.Error("graded while another grade holds the folder")
	}
}

// journalClass makes the class {alice: A, bob: B, carol: C} in the
// current folder and the options that grade it into results/.
func journalClass(t *testing.T, drv *fakeDriver) (*GradeOptions, *bytes.Buffer) {
	t.Helper()
	for name, content := range map[string]string{"alice": "A", "bob": "B", "carol": "C"} {
		os.MkdirAll(filepath.Join("subs", name), 0o755)
		os.WriteFile(filepath.Join("subs", name, "solution.sql"), []byte(content), 0o644)
	}
	io, _, errOut := TestStreams()
	deps := &Deps{IO: io, Getenv: func(string) string { return "" }, NewDriver: func(context.Context) (labDriver, error) { return drv, nil }}
	return &GradeOptions{Deps: deps, Lab: "sql-join", Path: "subs", Jobs: 1, Isolation: runner.IsolationShared,
		Deadline: time.Minute, Formats: []string{"csv"}, Out: "results", Now: stepClock(time.Second)}, errOut
}

// Interrupted after alice: her result is kept, and the report made after
// the interruption (it grades the interruption) is not; the next run
// grades bob and carol only.
func Test_gradeRunJournalInterrupted(t *testing.T) {
	t.Chdir(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	drv := &fakeDriver{gradeFn: func(_ *labs.Lab, e runner.Entry) checks.Report {
		if e.Name == "bob" {
			cancel()
		}
		return joinReport(checks.Pass, checks.Pass)
	}}
	opts, errOut := journalClass(t, drv)
	err := gradeRun(ctx, opts)
	if ExitCode(err) != ExitInterrupted {
		t.Fatalf("exit %d (%v), want %d", ExitCode(err), err, ExitInterrupted)
	}
	want := "the results made before the interruption are kept in results/.lab-journal; run the same command again to finish the class\n"
	if !strings.HasSuffix(errOut.String(), want) {
		t.Errorf("stderr:\n%s\nwant it to end with\n%s", errOut, want)
	}
	if _, err := os.Stat(filepath.Join("results", "gradebook.csv")); err == nil {
		t.Error("an interrupted run wrote a gradebook")
	}
	drv.gradeFn = func(*labs.Lab, runner.Entry) checks.Report { return joinReport(checks.Pass, checks.Pass) }
	if err := gradeRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	var graded []string
	for _, e := range drv.graded {
		graded = append(graded, e.Name)
	}
	if !slices.Equal(graded, []string{"bob", "carol"}) {
		t.Errorf("the rerun graded %v, want [bob carol]", graded)
	}
}

// A result that cannot be kept (the folder is gone, the disk is full)
// stops the batch with an environment error that says what to do; the
// results kept before it stay.
func Test_gradeRunJournalCannotKeep(t *testing.T) {
	t.Chdir(t.TempDir())
	dir := filepath.Join("results", journal.Dir, "sql-join")
	drv := &fakeDriver{gradeFn: func(_ *labs.Lab, e runner.Entry) checks.Report {
		if e.Name == "bob" {
			// The journal's folder becomes a file: nothing more can be
			// written in it.
			os.RemoveAll(dir)
			os.WriteFile(dir, nil, 0o644)
		}
		return joinReport(checks.Pass, checks.Pass)
	}}
	opts, _ := journalClass(t, drv)
	err := gradeRun(context.Background(), opts)
	want := "keep results in results: journal \"bob\": open " + dir + "/.tmp-"
	if ExitCode(err) != ExitEnvironment || err == nil || !strings.HasPrefix(err.Error(), want) ||
		!strings.HasSuffix(err.Error(), "; the results kept before it are safe: run the same command again once results can be written there") {
		t.Errorf("err = %v (exit %d), want %q… and what to do, exit 3", err, ExitCode(err), want)
	}
	if _, err := os.Stat(filepath.Join("results", "gradebook.csv")); err == nil {
		t.Error("a gradebook was written without bob's result")
	}
}

// The environment fails three submissions in a row (each after its
// retries): the batch stops rather than spend three attempts on each of
// the others, which are error results that say why; every student is in
// the gradebook, and the next run grades the errors.
func Test_gradeRunJournalBreaker(t *testing.T) {
	t.Chdir(t.TempDir())
	names := []string{"a", "b", "c", "d", "e", "f"}
	for _, n := range names {
		os.MkdirAll(filepath.Join("subs", n), 0o755)
		os.WriteFile(filepath.Join("subs", n, "solution.sql"), []byte("A"), 0o644)
	}
	broken := true
	drv := &fakeDriver{gradeFn: func(_ *labs.Lab, e runner.Entry) checks.Report {
		if broken && e.Name != "a" {
			r := checks.Report{Lab: "sql-join", Message: "connect to db: connection refused (graded 3 times; the environment failed each time)"}
			r.Summarize()
			return r
		}
		return joinReport(checks.Pass, checks.Pass)
	}}
	io, _, errOut := TestStreams()
	deps := &Deps{IO: io, Getenv: func(string) string { return "" }, NewDriver: func(context.Context) (labDriver, error) { return drv, nil }}
	opts := &GradeOptions{Deps: deps, Lab: "sql-join", Path: "subs", Jobs: 1, Isolation: runner.IsolationShared,
		Deadline: time.Minute, Formats: []string{"json"}, Out: "results", Now: stepClock(time.Second)}
	err := gradeRun(context.Background(), opts)
	if ExitCode(err) != ExitEnvironment {
		t.Errorf("exit %d (%v), want 3", ExitCode(err), err)
	}
	for _, want := range []string{
		"the environment failed 3 submissions in a row: the batch stopped, and the 2 submissions not graded are errors; run the same command again to grade them\n",
		"6 submissions: 1 graded, 0 reused, 5 errors",
	} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr:\n%s\nwant %q", errOut, want)
		}
	}
	b, _ := os.ReadFile(filepath.Join("results", "index.json"))
	reps, err := report.ReadJSON(bytes.NewReader(b))
	if err != nil || len(reps) != 6 {
		t.Fatalf("index.json: %v, %d results, want 6", err, len(reps))
	}
	for _, r := range reps[4:] {
		if r.Status != checks.Error || !strings.HasPrefix(r.Message, "not graded: the environment failed 3 submissions in a row") {
			t.Errorf("%s: %s %q, want an error that says it was not graded", r.Submission, r.Status, r.Message)
		}
	}
	broken = false
	errOut.Reset()
	if err := gradeRun(context.Background(), opts); err != nil {
		t.Fatalf("rerun: %v\n%s", err, errOut)
	}
	var graded []string
	for _, e := range drv.graded {
		graded = append(graded, e.Name)
	}
	if !slices.Equal(graded, names[1:]) {
		t.Errorf("the rerun graded %v, want %v", graded, names[1:])
	}
}
