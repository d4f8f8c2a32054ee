package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/checks"
)

func TestNewCmdGradeMerge(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     GradeMergeOptions
		wantCode int
		wantErr  string
	}{
		{name: "shards", args: []string{"a.json", "b.json"}, want: GradeMergeOptions{Paths: []string{"a.json", "b.json"}}},
		{name: "formats to a folder", args: []string{"a.json", "--format", "csv,html", "-o", "out"},
			want: GradeMergeOptions{Paths: []string{"a.json"}, Formats: []string{"csv", "html"}, Out: "out"}},
		{name: "no shard", args: nil, wantCode: ExitUsage, wantErr: "requires at least 1 arg"},
		{name: "unknown format", args: []string{"a.json", "--format", "pdf"}, wantCode: ExitUsage, wantErr: `--format "pdf": unknown format`},
		{name: "two formats to stdout", args: []string{"a.json", "--format", "json,csv"}, wantCode: ExitUsage, wantErr: "give --out DIR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			io, _, _ := TestStreams()
			var got *GradeMergeOptions
			cmd := newCmdGradeMerge(&Deps{IO: io}, func(_ context.Context, o *GradeMergeOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Out)
			cmd.SetErr(io.ErrOut)
			err := cmd.Execute()
			if tt.wantErr != "" {
				if ExitCode(err) != tt.wantCode || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v (exit %d), want exit %d with %q", err, ExitCode(err), tt.wantCode, tt.wantErr)
				}
				if got != nil {
					t.Error("runF ran after a usage error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Paths, tt.want.Paths) || !slices.Equal(got.Formats, tt.want.Formats) || got.Out != tt.want.Out {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func Test_gradeMergeRun(t *testing.T) {
	pass := func(sub string) checks.Report {
		return cannedReport("sql-join", sub, result("rows", checks.Pass, ""), result("order", checks.Pass, ""))
	}
	fail := func(sub string) checks.Report {
		return cannedReport("sql-join", sub, result("rows", checks.Pass, ""), result("order", checks.Fail, "rows out of order"))
	}
	errored := func(sub string) checks.Report {
		return cannedReport("sql-join", sub, result("rows", checks.Pass, ""), result("order", checks.Error, "timed out"))
	}
	tests := []struct {
		name       string
		tty        bool
		shards     [][]checks.Report
		files      []string // extra paths, relative to the test folder, with their content
		formats    []string
		out        string
		roster     string // roster.csv's content, passed as --roster when set
		wantOut    string
		wantErrOut string
		wantFiles  []string
		wantExit   int
		wantErr    string
	}{
		{
			name:     "all passed, piped",
			shards:   [][]checks.Report{{pass("bob")}, {pass("alice")}},
			formats:  []string{"tsv"},
			wantOut:  "pass\talice\t2\t2\npass\tbob\t2\t2\ntotal\t2\t2\n",
			wantExit: ExitOK,
		},
		{
			name:     "one failed, on a terminal",
			tty:      true,
			shards:   [][]checks.Report{{pass("alice")}, {fail("bob")}},
			wantOut:  "✓ alice 2/2\n✗ bob 1/2 (1 failed)\n1 of 2 submissions passed\n",
			wantExit: ExitFailed,
		},
		{
			name:     "only errors are the environment",
			shards:   [][]checks.Report{{pass("alice"), errored("bob")}},
			formats:  []string{"tsv"},
			wantOut:  "pass\talice\t2\t2\nerror\tbob\t1\t2\ntotal\t1\t2\n",
			wantExit: ExitEnvironment,
		},
		{
			// The gradebook lacks alice's grade: a failure must not hide it.
			name:     "an error outranks a failure",
			shards:   [][]checks.Report{{errored("alice")}, {fail("bob")}},
			formats:  []string{"tsv"},
			wantOut:  "error\talice\t1\t2\nfail\tbob\t1\t2\ntotal\t0\t2\n",
			wantExit: ExitEnvironment,
		},
		{
			name:     "a submission in two shards is an error that names them",
			shards:   [][]checks.Report{{fail("bob"), pass("alice")}, {pass("bob")}},
			wantExit: ExitUsage,
			wantErr:  "1 submission is in more than one shard, so no grade was merged:\n  bob (lab sql-join) is in shard1.json and shard2.json\n",
		},
		{
			name:     "a shard passed twice",
			shards:   [][]checks.Report{{pass("alice")}},
			files:    []string{"shard1.json"},
			wantExit: ExitUsage,
			wantErr:  "alice (lab sql-join) is in shard1.json and shard1.json",
		},
		{
			name:     "one submission's results.json is not an index",
			shards:   [][]checks.Report{{pass("alice")}},
			files:    []string{`one.json={"version": 3, "status": "pass", "tests": []}`},
			wantExit: ExitUsage,
			wantErr:  "one.json: decode results: this is one submission's results.json",
		},
		{
			name:       "formats written to a folder",
			shards:     [][]checks.Report{{pass("alice")}, {fail("bob")}},
			formats:    []string{"csv,junit"},
			out:        "merged",
			wantErrOut: "wrote merged/gradebook.csv\nwrote merged/junit.xml\n",
			wantFiles:  []string{"gradebook.csv", "junit.xml"},
			wantExit:   ExitFailed,
		},
		{
			name:    "LMS gradebooks from a roster, with who is unknown and who handed in nothing",
			shards:  [][]checks.Report{{pass("alice"), errored("bob")}, {fail("carl")}},
			formats: []string{"canvas,moodle"},
			out:     "lms",
			roster:  "submission,name,id,email\nalice,alice,s1,a@x\nbob,bob,s2,b@x\ndora,dora,s4,d@x\n",
			wantErrOut: "warning: 1 graded submission is not in roster.csv, so left out of the LMS files: carl\n" +
				"warning: 1 student in roster.csv handed in nothing, so got no grade: dora (line 4)\n" +
				"wrote lms/canvas.csv\nwrote lms/moodle.csv\n",
			wantFiles: []string{"canvas.csv", "moodle.csv"},
			wantExit:  ExitEnvironment,
		},
		{
			name:     "a roster Canvas could not match is refused before anything is written",
			shards:   [][]checks.Report{{pass("alice")}},
			formats:  []string{"canvas"},
			out:      "lms",
			roster:   "submission,email\nalice,a@x\n",
			wantExit: ExitUsage,
			wantErr:  "canvas: 1 student has no id and no login in the roster: Canvas matches a student by SIS User ID or SIS Login ID\n  roster.csv:2: alice",
		},
		{
			name:     "a roster with a mistake names its line",
			shards:   [][]checks.Report{{pass("alice")}},
			formats:  []string{"moodle"},
			roster:   "submission,id\nalice,1\nalice,2\n",
			wantExit: ExitUsage,
			wantErr:  "roster.csv:3: submission alice is already on line 2",
		},
		{
			name:     "a missing shard",
			shards:   [][]checks.Report{{pass("alice")}},
			files:    []string{"missing.json"},
			wantExit: ExitUsage,
			wantErr:  "missing.json: no such file",
		},
		{
			name:     "a shard that is not results",
			shards:   [][]checks.Report{{pass("alice")}},
			files:    []string{"garbage.json=not json"},
			wantExit: ExitUsage,
			wantErr:  "garbage.json: decode results",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			var paths []string
			for i, s := range tt.shards {
				paths = append(paths, filepath.Base(writeResults(t, dir, fmt.Sprintf("shard%d.json", i+1), s...)))
			}
			for _, f := range tt.files {
				name, content, ok := strings.Cut(f, "=")
				if ok {
					os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644)
				}
				paths = append(paths, name)
			}
			io, out, errOut := TestStreams()
			io.OutTTY = tt.tty
			opts := &GradeMergeOptions{Deps: &Deps{IO: io, Getenv: func(string) string { return "" }}, Paths: paths, Formats: tt.formats, Out: tt.out}
			if tt.roster != "" {
				os.WriteFile(filepath.Join(dir, "roster.csv"), []byte(tt.roster), 0o644)
				opts.Roster = "roster.csv"
			}
			err := gradeMergeRun(context.Background(), opts)
			if code := ExitCode(err); code != tt.wantExit {
				t.Errorf("exit %d (%v), want %d", code, err, tt.wantExit)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if out.String() != tt.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", out, tt.wantOut)
			}
			if errOut.String() != tt.wantErrOut {
				t.Errorf("stderr:\n%s\nwant:\n%s", errOut, tt.wantErrOut)
			}
			for _, f := range tt.wantFiles {
				b, err := os.ReadFile(filepath.Join(dir, tt.out, f))
				if err != nil || !strings.Contains(string(b), "bob") {
					t.Errorf("%s: %v, %q; want it to hold bob's result", f, err, b)
				}
			}
		})
	}
}
