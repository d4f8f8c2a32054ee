package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
)

func TestNewCmdTest(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     TestOptions
		wantCode int
		wantErr  string
	}{
		{name: "defaults", args: nil, want: TestOptions{Jobs: 2, CaseJobs: 2, Repeat: 1}},
		{name: "paths and flags", args: []string{"labs/a", "labs/b", "-j", "4", "--case-jobs", "3", "--repeat", "3"},
			want: TestOptions{Paths: []string{"labs/a", "labs/b"}, Jobs: 4, CaseJobs: 3, Repeat: 3}},
		{name: "no jobs", args: []string{"-j", "0"}, wantCode: ExitUsage, wantErr: "-j, --case-jobs and --repeat need at least 1"},
		{name: "no case jobs", args: []string{"--case-jobs", "0"}, wantCode: ExitUsage, wantErr: "-j, --case-jobs and --repeat need at least 1"},
		{name: "no repeat", args: []string{"--repeat", "0"}, wantCode: ExitUsage, wantErr: "-j, --case-jobs and --repeat need at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			io, _, _ := TestStreams()
			var got *TestOptions
			cmd := NewCmdTest(&Deps{IO: io}, func(_ context.Context, o *TestOptions) error { got = o; return nil })
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
			if !slices.Equal(got.Paths, tt.want.Paths) || got.Jobs != tt.want.Jobs || got.CaseJobs != tt.want.CaseJobs || got.Repeat != tt.want.Repeat {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

// proof is a proof of sql-join: the starter, the solution and one wrong
// solution, with problem set on the case named bad.
func proof(bad, problem string) *runner.Proof {
	p := &runner.Proof{Lab: "sql-join"}
	for _, c := range []struct{ name, want string }{
		{"starter", "fails at least one check"},
		{"solution", "passes every check"},
		{"wrong/inner-join", "fails exactly matches-reference"},
	} {
		rep := joinReport(checks.Pass, checks.Fail)
		if c.name == "solution" {
			rep = joinReport(checks.Pass, checks.Pass)
		}
		pc := runner.ProofCase{Name: c.name, Want: c.want, Report: &rep}
		if c.name == bad {
			pc.Problem = problem
			p.Failed = true
		}
		p.Cases = append(p.Cases, pc)
	}
	return p
}

func Test_testRun(t *testing.T) {
	sqlJoin := filepath.Join("..", "..", "..", "labs", "sql-join")
	tests := []struct {
		name     string
		paths    []string
		repeat   int
		proof    *runner.Proof
		proveErr error
		startErr error

		wantOut    string
		wantExit   int
		wantErr    string
		wantErrOut string
	}{
		{
			name:  "proven",
			paths: []string{sqlJoin},
			proof: proof("", ""),
			wantOut: "✓ sql-join (…)\n" +
				"    ✓ starter fails at least one check (1/4)\n    ✓ solution passes every check (4/4)\n    ✓ wrong/inner-join fails exactly matches-reference (1/4)\n" +
				"1 lab: 1 proven, 0 wrong, 0 could not run\n",
			wantExit: ExitOK,
		},
		{
			name:   "wrong, twice over",
			paths:  []string{sqlJoin},
			repeat: 2,
			proof:  proof("solution", "the reference solution does not pass: matches-reference"),
			wantOut: "✗ sql-join (…)\n" +
				"    ✓ starter fails at least one check (1/4)\n    ✗ solution (run 1): the reference solution does not pass: matches-reference\n    ✓ wrong/inner-join fails exactly matches-reference (1/4)\n" +
				"    ✗ solution (run 2): the reference solution does not pass: matches-reference\n" +
				"1 lab: 0 proven, 1 wrong, 0 could not run\n",
			wantExit: ExitFailed,
		},
		{
			name:     "a lab that cannot run",
			paths:    []string{sqlJoin},
			startErr: &runner.EnvError{Err: errorString("start db: no such image")},
			wantOut:  "! sql-join: start db: no such image\n1 lab: 0 proven, 0 wrong, 1 could not run\n",
			wantExit: ExitEnvironment,
		},
		{
			name:     "a proof that cannot run",
			paths:    []string{sqlJoin},
			proveErr: errors.New("grade starter of sql-join: connection refused"),
			wantOut:  "! sql-join: grade starter of sql-join: connection refused\n1 lab: 0 proven, 0 wrong, 1 could not run\n",
			wantExit: ExitEnvironment,
		},
		{
			name:       "not a lab",
			paths:      []string{t.TempDir()},
			wantExit:   ExitUsage,
			wantErrOut: ".: no labs here (a catalog holds one folder per lab, each with a lab.yaml)\n1 error in lab definitions\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var envs []*fakeEnv
			drv := &fakeDriver{startErr: tt.startErr, envFor: func(lab *labs.Lab) *fakeEnv {
				mu.Lock()
				defer mu.Unlock()
				e := &fakeEnv{proof: tt.proof, proveErr: tt.proveErr}
				envs = append(envs, e)
				return e
			}}
			io, out, errOut := TestStreams()
			deps := &Deps{IO: io, Getenv: func(string) string { return "" },
				NewDriver: func(context.Context) (labDriver, error) { return drv, nil }}
			err := testRun(context.Background(), &TestOptions{Deps: deps, Paths: tt.paths, Jobs: 2, CaseJobs: 3, Repeat: max(tt.repeat, 1)})
			if code := ExitCode(err); code != tt.wantExit {
				t.Errorf("exit %d (%v), want %d", code, err, tt.wantExit)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if got := durations(out.String()); got != tt.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, tt.wantOut)
			}
			if errOut.String() != tt.wantErrOut {
				t.Errorf("stderr %q, want %q", errOut, tt.wantErrOut)
			}
			for _, e := range envs {
				if !e.closed {
					t.Error("a proven lab was left running")
				}
			}
			for _, o := range drv.proveOpts {
				if o.Jobs != 3 || o.Repeat != max(tt.repeat, 1) {
					t.Errorf("proved with %+v, want 3 cases at once, %d runs", o, max(tt.repeat, 1))
				}
			}
		})
	}
}

// TestTestRunBundled: without paths, every bundled lab is proven, each on
// its own services.
func TestTestRunBundled(t *testing.T) {
	all, err := labs.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	drv := &fakeDriver{envFor: func(*labs.Lab) *fakeEnv { return &fakeEnv{proof: &runner.Proof{}} }}
	io, out, _ := TestStreams()
	deps := &Deps{IO: io, Getenv: func(string) string { return "" },
		NewDriver: func(context.Context) (labDriver, error) { return drv, nil }}
	if err := testRun(context.Background(), &TestOptions{Deps: deps, Jobs: 3, CaseJobs: 2, Repeat: 1}); err != nil {
		t.Fatal(err)
	}
	lines := outputLines(out.String())
	// A lab offered in several languages is proven in each.
	views := 0
	for _, l := range all {
		for _, lang := range l.Offered() {
			views++
			label := l.ID
			if l.MultiLanguage() {
				label += " (" + lang + ")"
			}
			if !slices.Contains(outputLines(durations(out.String())), "✓ "+label+" (…)") {
				t.Errorf("no line for %s in:\n%s", label, out)
			}
		}
	}
	if len(drv.kept) != views {
		t.Errorf("%d labs started for %d bundled labs in their languages", len(drv.kept), views)
	}
	if want := fmt.Sprintf("%d labs: %d proven, 0 wrong, 0 could not run", views, views); !strings.HasSuffix(lines[len(lines)-1], want) {
		t.Errorf("last line %q, want it to end with %q", lines[len(lines)-1], want)
	}
}

// TestLanguageViews: lab test's --lang picks one language of the labs
// offered in several, and says so when none is.
func TestLanguageViews(t *testing.T) {
	multi := &labs.Lab{ID: "m", Languages: []string{"python", "go"}}
	single := &labs.Lab{ID: "s"}
	tests := []struct {
		name, lang string
		want       []string
		err        string
	}{
		{"every language", "", []string{"m (python)", "m (go)", "s"}, ""},
		{"one", "go", []string{"m (go)"}, ""},
		{"python takes the single-language labs", "python", []string{"m (python)", "s"}, ""},
		{"offered nowhere", "node", nil, "no lab here is offered in node"},
		{"unknown", "cobol", nil, `unknown language "cobol" (known: python, node, go)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := languageViews([]*labs.Lab{multi, single}, tt.lang)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err || !isUsage(err) {
					t.Fatalf("err %v, want the usage error %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var labels []string
			for _, l := range got {
				labels = append(labels, labLabel(l))
			}
			if !slices.Equal(labels, tt.want) {
				t.Errorf("got %v, want %v", labels, tt.want)
			}
		})
	}
}
