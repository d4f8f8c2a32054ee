package cli

import (
	"bytes"
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/report"
	"github.com/labrunner/labrunner/runner"
)

func TestNewCmdGrade(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     GradeOptions
		wantCode int
		wantErr  string
	}{
		{name: "defaults", args: []string{"sql-join", "subs"},
			want: GradeOptions{Lab: "sql-join", Path: "subs", Isolation: "shared", Deadline: 2 * time.Minute, EngineWait: time.Minute}},
		{name: "every flag", args: []string{"sql-join", "subs", "-j", "3", "--isolation", "container", "--deadline", "10s", "--engine-wait", "5m", "--shard", "2/4", "--format", "json,csv", "-o", "out"},
			want: GradeOptions{Lab: "sql-join", Path: "subs", Jobs: 3, Isolation: "container", Deadline: 10 * time.Second, EngineWait: 5 * time.Minute, Shard: "2/4", Formats: []string{"json", "csv"}, Out: "out"}},
		{name: "no engine wait", args: []string{"sql-join", "subs", "--engine-wait", "0s"}, wantCode: ExitUsage, wantErr: "--engine-wait 0s: need a positive duration, such as 30s or 5m"},
		{name: "one argument", args: []string{"sql-join"}, wantCode: ExitUsage, wantErr: "accepts 2 arg(s), received 1"},
		{name: "unknown isolation", args: []string{"sql-join", "subs", "--isolation", "vm"}, wantCode: ExitUsage, wantErr: `--isolation "vm": use shared or container`},
		{name: "no jobs", args: []string{"sql-join", "subs", "-j", "0"}, wantCode: ExitUsage, wantErr: "-j 0: need at least 1"},
		{name: "bad shard", args: []string{"sql-join", "subs", "--shard", "5/4"}, wantCode: ExitUsage, wantErr: `--shard "5/4": want i/n with 1 ≤ i ≤ n`},
		{name: "two formats to stdout", args: []string{"sql-join", "subs", "--format", "json,junit"}, wantCode: ExitUsage, wantErr: "would all go to standard output"},
		{name: "an LMS format and its roster", args: []string{"sql-join", "subs", "--format", "canvas", "--roster", "r.csv"},
			want: GradeOptions{Lab: "sql-join", Path: "subs", Isolation: "shared", Deadline: 2 * time.Minute, EngineWait: time.Minute, Formats: []string{"canvas"}, Roster: "r.csv"}},
		{name: "an LMS format without a roster", args: []string{"sql-join", "subs", "--format", "canvas,moodle", "-o", "out"}, wantCode: ExitUsage,
			wantErr: "--format canvas,moodle needs --roster FILE: a CSV that maps each submission folder to its student (see docs/lms.md)"},
		{name: "a roster without an LMS format", args: []string{"sql-join", "subs", "--format", "csv", "--roster", "r.csv"}, wantCode: ExitUsage,
			wantErr: "--roster is only read by --format canvas or moodle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			io, _, _ := TestStreams()
			var got *GradeOptions
			cmd := NewCmdGrade(&Deps{IO: io}, func(_ context.Context, o *GradeOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Out)
			cmd.SetErr(io.ErrOut)
			err := cmd.Execute()
			if tt.wantErr != "" {
				if ExitCode(err) != tt.wantCode || !strings.Contains(err.Error(), tt.wantErr) || got != nil {
					t.Fatalf("err = %v (exit %d, ran %v), want exit %d with %q and no run", err, ExitCode(err), got != nil, tt.wantCode, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.want.Jobs == 0 {
				tt.want.Jobs = got.Jobs // the number of CPUs
			}
			if got.Lab != tt.want.Lab || got.Path != tt.want.Path || got.Jobs != tt.want.Jobs || got.Isolation != tt.want.Isolation ||
				got.Deadline != tt.want.Deadline || got.EngineWait != tt.want.EngineWait || got.Shard != tt.want.Shard || got.Roster != tt.want.Roster || strings.Join(got.Formats, ",") != strings.Join(tt.want.Formats, ",") || got.Out != tt.want.Out {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func Test_gradeRun(t *testing.T) {
	batch := func(statuses ...checks.Status) []checks.Report {
		var out []checks.Report
		for i, st := range statuses {
			r := joinReport(checks.Pass, st)
			r.Submission = []string{"alice", "bob", "carol"}[i]
			out = append(out, r)
		}
		return out
	}
	one := joinReport(checks.Pass, checks.Fail)
	one.Submission = "solution"
	located := batch(checks.Pass, checks.Fail)
	located[1].Results[1].File, located[1].Results[1].Line = "solution.sql", 2
	oneLocated := one
	oneLocated.Results = append([]checks.Result(nil), one.Results...)
	oneLocated.Results[1].File = "solution.sql"
	tests := []struct {
		name     string
		tty      bool
		files    map[string]string // the submissions, under the test's folder
		path     string
		shard    string
		formats  []string
		out      string
		roster   string // roster.csv's content, given as --roster when set
		reports  []checks.Report
		gradeErr error

		wantOut     string
		wantErrOut  string
		wantExit    int
		wantErr     string
		wantEntries map[string]runner.Submission
		// check looks at what was written: the test's folder and stdout.
		check func(t *testing.T, dir, stdout string)
	}{
		{
			name:        "a folder of submissions, all passed",
			files:       map[string]string{"alice/solution.sql": "A", "bob/solution.sql": "B", ".git/x": "", "carol/notes.txt": "no solution"},
			reports:     batch(checks.Pass, checks.Pass, checks.Pass),
			formats:     []string{"tsv"},
			wantOut:     "pass\talice\t4\t4\npass\tbob\t4\t4\npass\tcarol\t4\t4\ntotal\t3\t3\n",
			wantExit:    ExitOK,
			wantEntries: map[string]runner.Submission{"alice": {"solution.sql": "A"}, "bob": {"solution.sql": "B"}, "carol": {}},
		},
		{
			// lab grade … | tee log: the human lines, without colour.
			name:        "one failed, piped",
			files:       map[string]string{"alice/solution.sql": "A", "bob/solution.sql": "B"},
			reports:     batch(checks.Pass, checks.Fail),
			wantOut:     "✓ alice 4/4\n✗ bob 1/4 (1 failed)\n1 of 2 submissions passed\n",
			wantExit:    ExitFailed,
			wantEntries: map[string]runner.Submission{"alice": {"solution.sql": "A"}, "bob": {"solution.sql": "B"}},
		},
		{
			name:    "one failed, on a terminal",
			tty:     true,
			files:   map[string]string{"alice/solution.sql": "A", "bob/solution.sql": "B"},
			reports: batch(checks.Pass, checks.Fail),
			wantOut: "✓ alice 4/4\n✗ bob 1/4 (1 failed)\n1 of 2 submissions passed\n",
			// On a terminal: the progress line, redrawn in place, then
			// the summary.
			wantErrOut: "\r[>                   ] 0/2 · 0 reused, 0 graded, 0 errors\x1b[K" +
				"\r[==========>         ] 1/2 · 0.5/s · ETA … · 0 reused, 1 graded, 0 errors\x1b[K" +
				"\r[====================] 2/2 · 0.7/s · 0 reused, 2 graded, 0 errors\x1b[K\r\x1b[K" +
				"2 submissions: 2 graded, 0 reused, 0 errors, in … (…/s)\n",
			wantExit:    ExitFailed,
			wantEntries: map[string]runner.Submission{"alice": {"solution.sql": "A"}, "bob": {"solution.sql": "B"}},
		},
		{
			name:        "one file",
			files:       map[string]string{"solution.sql": "SELECT 1"},
			path:        "solution.sql",
			reports:     []checks.Report{one},
			formats:     []string{"tsv"},
			wantOut:     "pass\tseed-intact\t1\t1\nfail\tmatches-reference\t0\t3\nmessage\tmatches-reference\t3 rows differ from the reference\nhint\tmatches-reference\tName the columns name, orders and total_spent.\nscore\t1\t4\tfail\n",
			wantExit:    ExitFailed,
			wantEntries: map[string]runner.Submission{"solution": {"solution.sql": "SELECT 1"}},
		},
		{
			name:        "a submission folder; its lab.yaml is ignored, and said so",
			files:       map[string]string{"solution.sql": "SELECT 1", "lab.yaml": "id: sql-join\nchecks: []\n"},
			reports:     []checks.Report{one},
			formats:     []string{"tsv"},
			wantOut:     "pass\tseed-intact\t1\t1\nfail\tmatches-reference\t0\t3\nmessage\tmatches-reference\t3 rows differ from the reference\nhint\tmatches-reference\tName the columns name, orders and total_spent.\nscore\t1\t4\tfail\n",
			wantErrOut:  "note: subs: its lab.yaml is ignored; lab definitions come from the catalog\n",
			wantExit:    ExitFailed,
			wantEntries: map[string]runner.Submission{"subs": {"solution.sql": "SELECT 1"}},
		},
		{
			name:        "only errors are the environment",
			files:       map[string]string{"alice/solution.sql": "A", "bob/solution.sql": "B"},
			reports:     batch(checks.Pass, checks.Error),
			formats:     []string{"tsv"},
			wantOut:     "pass\talice\t4\t4\nerror\tbob\t1\t4\ntotal\t1\t2\n",
			wantExit:    ExitEnvironment,
			wantEntries: map[string]runner.Submission{"alice": {"solution.sql": "A"}, "bob": {"solution.sql": "B"}},
		},
		{
			name:        "a shard",
			files:       map[string]string{"alice/solution.sql": "A", "bob/solution.sql": "B", "carol/solution.sql": "C"},
			shard:       "2/2",
			reports:     batch(checks.Pass),
			formats:     []string{"tsv"},
			wantOut:     "pass\tseed-intact\t1\t1\npass\tmatches-reference\t3\t3\nscore\t4\t4\tpass\n",
			wantExit:    ExitOK,
			wantEntries: map[string]runner.Submission{"bob": {"solution.sql": "B"}},
		},
		{
			name:    "a shard with a roster says who is unknown, not who handed in nothing",
			files:   map[string]string{"alice/solution.sql": "A", "bob/solution.sql": "B", "carol/solution.sql": "C"},
			shard:   "2/2",
			reports: []checks.Report{func() checks.Report { r := joinReport(checks.Pass, checks.Fail); r.Submission = "bob"; return r }()},
			formats: []string{"canvas,csv"},
			out:     "results",
			roster:  "submission,id\nalice,s1\ncarol,s3\n",
			wantErrOut: "1 submission: 1 graded, 0 reused, 0 errors, in … (…/s)\n" +
				"warning: 1 graded submission is not in roster.csv, so left out of the LMS files: bob\n" +
				"wrote results/canvas.csv\nwrote results/gradebook.csv\n",
			wantExit:    ExitFailed,
			wantEntries: map[string]runner.Submission{"bob": {"solution.sql": "B"}},
			check: func(t *testing.T, dir, _ string) {
				b, err := os.ReadFile(filepath.Join(dir, "results", "canvas.csv"))
				want := "Student,ID,SIS User ID,SIS Login ID,Section,sql-join: seed-intact,sql-join: matches-reference\n\"    Points Possible\",,,,,1,3\n"
				if err != nil || string(b) != want {
					t.Errorf("canvas.csv: %v\n%s\nwant\n%s", err, b, want)
				}
			},
		},
		{
			name:     "a roster with a mistake stops lab grade before it grades",
			files:    map[string]string{"alice/solution.sql": "A"},
			formats:  []string{"canvas"},
			roster:   "submission,id\nalice,1\nalice,2\n",
			wantExit: ExitUsage,
			wantErr:  "roster.csv:3: submission alice is already on line 2",
		},
		{
			name:        "formats to a folder",
			files:       map[string]string{"alice/solution.sql": "A", "bob/solution.sql": "B"},
			formats:     []string{"json,csv"},
			out:         "results",
			reports:     batch(checks.Pass, checks.Fail),
			wantErrOut:  "2 submissions: 2 graded, 0 reused, 0 errors, in … (…/s)\nwrote results/index.json\nwrote 2 results.json (results/<submission>/results.json)\nwrote results/gradebook.csv\n",
			wantExit:    ExitFailed,
			wantEntries: map[string]runner.Submission{"alice": {"solution.sql": "A"}, "bob": {"solution.sql": "B"}},
			check: func(t *testing.T, dir, _ string) {
				idx, err := os.ReadFile(filepath.Join(dir, "results", "index.json"))
				if err != nil {
					t.Fatal(err)
				}
				reps, err := report.ReadJSON(bytes.NewReader(idx))
				if err != nil || len(reps) != 2 || reps[1].Files["solution.sql"] != "B" {
					t.Fatalf("index.json: %v, %+v; want both submissions with their files", err, reps)
				}
				for _, r := range reps {
					var want bytes.Buffer
					report.JSON(&want, r)
					got, err := os.ReadFile(filepath.Join(dir, "results", r.Submission, "results.json"))
					if err != nil || string(got) != want.String() {
						t.Errorf("%s/results.json: %v\n%s\nwant\n%s", r.Submission, err, got, want.String())
					}
				}
			},
		},
		{
			name:        "json on stdout is the index, for one submission too",
			files:       map[string]string{"alice/solution.sql": "A"},
			formats:     []string{"json"},
			reports:     batch(checks.Pass),
			wantExit:    ExitOK,
			wantEntries: map[string]runner.Submission{"alice": {"solution.sql": "A"}},
			check: func(t *testing.T, _, stdout string) {
				var b bytes.Buffer
				want := batch(checks.Pass)
				want[0].Files = runner.Submission{"solution.sql": "A"}
				report.JSONBatch(&b, want)
				if stdout != b.String() {
					t.Errorf("stdout:\n%s\nwant the index:\n%s", stdout, b.String())
				}
			},
		},
		{
			name:        "annotations on the submitted file and line",
			files:       map[string]string{"alice/solution.sql": "A", "bob/solution.sql": "B"},
			formats:     []string{"github"},
			reports:     located,
			wantOut:     "::error file=subs/bob/solution.sql,line=2,title=bob%3A matches-reference::3 rows differ from the reference%0A%0Ahint: Name the columns name, orders and total_spent.\n",
			wantExit:    ExitFailed,
			wantEntries: map[string]runner.Submission{"alice": {"solution.sql": "A"}, "bob": {"solution.sql": "B"}},
		},
		{
			name:        "annotations on a single file",
			files:       map[string]string{"solution.sql": "SELECT 1"},
			path:        "solution.sql",
			formats:     []string{"github"},
			reports:     []checks.Report{oneLocated},
			wantOut:     "::error file=subs/solution.sql,title=solution%3A matches-reference::3 rows differ from the reference%0A%0Ahint: Name the columns name, orders and total_spent.\n",
			wantExit:    ExitFailed,
			wantEntries: map[string]runner.Submission{"solution": {"solution.sql": "SELECT 1"}},
		},
		{
			name:     "nothing to grade",
			files:    map[string]string{"readme.txt": "hi"},
			wantExit: ExitUsage,
			wantErr:  "holds none of the lab's files (solution.sql) and no submission folders",
		},
		{
			name:     "no such path",
			path:     "missing",
			wantExit: ExitUsage,
			wantErr:  "read submissions: stat missing: no such file or directory",
		},
		{
			name:        "services that would not start",
			files:       map[string]string{"alice/solution.sql": "A"},
			gradeErr:    &runner.EnvError{Err: errorString("start db: no such image")},
			wantExit:    ExitEnvironment,
			wantErr:     "start db: no such image",
			wantEntries: map[string]runner.Submission{"alice": {"solution.sql": "A"}},
		},
		{
			name:        "interrupted",
			files:       map[string]string{"alice/solution.sql": "A"},
			gradeErr:    &runner.EnvError{Err: context.Canceled},
			wantExit:    ExitInterrupted,
			wantEntries: map[string]runner.Submission{"alice": {"solution.sql": "A"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			for name, content := range tt.files {
				p := filepath.Join(dir, "subs", filepath.FromSlash(name))
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			path := "subs"
			if tt.path != "" {
				path = filepath.Join("subs", tt.path)
				if tt.files == nil {
					path = tt.path
				}
			}
			drv := &fakeDriver{gradeReports: tt.reports, gradeErr: tt.gradeErr}
			io, out, errOut := TestStreams()
			io.OutTTY, io.ErrTTY = tt.tty, tt.tty
			deps := &Deps{IO: io, Getenv: func(string) string { return "" },
				NewDriver: func(context.Context) (labDriver, error) { return drv, nil }}
			opts := &GradeOptions{Deps: deps, Lab: "sql-join", Path: path, Jobs: 2, Isolation: runner.IsolationShared,
				Deadline: time.Minute, EngineWait: 7 * time.Second, Shard: tt.shard, Formats: tt.formats, Out: tt.out, Now: stepClock(time.Second)}
			if tt.roster != "" {
				os.WriteFile(filepath.Join(dir, "roster.csv"), []byte(tt.roster), 0o644)
				opts.Roster = "roster.csv"
			}

			err := gradeRun(context.Background(), opts)
			if code := ExitCode(err); code != tt.wantExit {
				t.Errorf("exit %d (%v), want %d", code, err, tt.wantExit)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			// A check of its own may read stdout instead.
			if (tt.check == nil || tt.wantOut != "") && out.String() != tt.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", out, tt.wantOut)
			}
			if got := durations(rateRe.ReplaceAllString(errOut.String(), "(…/s)")); got != tt.wantErrOut {
				t.Errorf("stderr:\n%q\nwant:\n%q", got, tt.wantErrOut)
			}
			got := map[string]runner.Submission{}
			for _, e := range drv.graded {
				got[e.Name] = e.Files
			}
			if len(got) != len(tt.wantEntries) {
				t.Errorf("graded %v, want %v", got, tt.wantEntries)
			}
			for name, files := range tt.wantEntries {
				if !maps.Equal(got[name], files) {
					t.Errorf("graded %s with %q, want %q", name, got[name], files)
				}
			}
			if drv.graded != nil && (drv.gradeOpts.Jobs != 2 || drv.gradeOpts.Isolation != runner.IsolationShared || drv.gradeOpts.Deadline != time.Minute || drv.gradeOpts.EngineWait != 7*time.Second) {
				t.Errorf("batch options %+v, want 2 jobs, shared, 1m, engine wait 7s", drv.gradeOpts)
			}
			if tt.check != nil {
				tt.check(t, dir, out.String())
			}
			if tt.out != "" {
				b, err := os.ReadFile(filepath.Join(dir, tt.out, "gradebook.csv"))
				if err != nil || !strings.Contains(string(b), "bob") {
					t.Errorf("gradebook.csv: %v %q; want bob's row", err, b)
				}
			}
		})
	}
}

// stepClock is a clock that moves on by step each time it is read.
func stepClock(step time.Duration) func() time.Time {
	t := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(step)
		return t
	}
}

func Test_folderBase(t *testing.T) {
	dir := t.TempDir()
	ada := filepath.Join(dir, "ada")
	if err := os.Mkdir(ada, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(ada)
	tests := []struct{ dir, want string }{
		{"class/bob", "bob"},
		{"class/bob/", "bob"},
		{".", "ada"},
		{"..", filepath.Base(dir)},
		{string(filepath.Separator), "submission"},
	}
	for _, tt := range tests {
		if got := folderBase(tt.dir); got != tt.want {
			t.Errorf("folderBase(%q) = %q, want %q", tt.dir, got, tt.want)
		}
	}
}
