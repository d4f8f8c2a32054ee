package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/report"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// result is a check result of status st worth one point.
func result(name string, st checks.Status, msg string) checks.Result {
	r := checks.Result{Name: name, Type: "sql.result", Status: st, Message: msg, MaxScore: 1}
	if st == checks.Pass {
		r.Score = 1
	}
	return r
}

// cannedReport is a summarized report of lab for submission.
func cannedReport(lab, submission string, results ...checks.Result) checks.Report {
	r := checks.Report{Lab: lab, Submission: submission, Results: results}
	r.Summarize()
	return r
}

// writeResults writes reports as a results.json in dir and returns its path.
func writeResults(t *testing.T, dir, name string, reports ...checks.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := report.JSONBatch(&b, reports); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeDriver is a labDriver without Docker. StartLab returns envFor's env
// (or start), AttachLab returns running when asked for its session.
type fakeDriver struct {
	start    *fakeEnv
	envFor   func(lab *labs.Lab) *fakeEnv
	startErr error
	running  *fakeEnv

	gradeReports []checks.Report
	gradeErr     error
	// gradeFn, when set, grades each entry (and gradeReports is unused).
	gradeFn func(*labs.Lab, runner.Entry) checks.Report

	stale     []engine.StaleSession
	sessions  []engine.SessionInfo
	leftovers engine.Leftovers
	// lacks is what CheckImage finds missing in each image; others pass.
	lacks map[string]engine.Lacks
	// engine is what Engine reports; nil is a local Docker Engine.
	engine *engine.EngineInfo

	mu        sync.Mutex
	kept      []bool   // the keep flag of each StartLab
	dirs      []string // the folder of each StartWorkspace
	graded    []runner.Entry
	gradeOpts runner.BatchOptions
	proveOpts []runner.ProveOptions
	stopped   []string
	removed   []string
	checked   []string // the images CheckImage was asked about
	closed    bool
}

var _ labDriver = (*fakeDriver)(nil)

func (d *fakeDriver) StartLab(ctx context.Context, lab *labs.Lab, keep bool) (labEnv, error) {
	d.mu.Lock()
	d.kept = append(d.kept, keep)
	d.mu.Unlock()
	if d.startErr != nil {
		return nil, d.startErr
	}
	if err := ctx.Err(); err != nil {
		return nil, &runner.EnvError{Err: fmt.Errorf("start %s: %w", lab.ID, err)}
	}
	if d.envFor != nil {
		return d.envFor(lab), nil
	}
	if d.start == nil {
		return nil, &runner.EnvError{Err: errors.New("fake: no lab to start")}
	}
	return d.start, nil
}

func (d *fakeDriver) StartWorkspace(ctx context.Context, lab *labs.Lab, dir string) (labEnv, error) {
	d.mu.Lock()
	d.dirs = append(d.dirs, dir)
	d.mu.Unlock()
	return d.StartLab(ctx, lab, true)
}

func (d *fakeDriver) Sessions(context.Context) ([]engine.SessionInfo, error) { return d.sessions, nil }

func (d *fakeDriver) AttachLab(_ context.Context, _ *labs.Lab, id string) (labEnv, error) {
	if d.running == nil || d.running.id != id {
		return nil, &runner.EnvError{Err: fmt.Errorf("session %s has no containers", id)}
	}
	return d.running, nil
}

func (d *fakeDriver) StopSession(_ context.Context, _, id string) error {
	d.stopped = append(d.stopped, id)
	return nil
}

func (d *fakeDriver) GradeBatch(ctx context.Context, lab *labs.Lab, entries []runner.Entry, opts runner.BatchOptions) ([]checks.Report, error) {
	d.graded, d.gradeOpts = entries, opts
	if d.gradeErr != nil {
		return nil, d.gradeErr
	}
	if d.gradeFn != nil {
		var reps []checks.Report
		for i, e := range entries {
			r := d.gradeFn(lab, e)
			r.Submission = e.Name
			reps = append(reps, r)
			if opts.Progress != nil {
				opts.Progress(i+1, len(entries), &r)
			}
		}
		// As runner's: an interrupted batch says so.
		if err := ctx.Err(); err != nil {
			return reps, errors.Join(err, fmt.Errorf("graded %d of %d submissions", len(reps), len(entries)))
		}
		return reps, nil
	}
	for i := range d.gradeReports {
		if opts.Progress != nil {
			opts.Progress(i+1, len(d.gradeReports), &d.gradeReports[i])
		}
	}
	return d.gradeReports, nil
}

// ProveLab starts the lab (StartLab) and returns its env's proof once per
// run, or its error, and closes it.
func (d *fakeDriver) ProveLab(ctx context.Context, lab *labs.Lab, opts runner.ProveOptions) ([]*runner.Proof, error) {
	d.mu.Lock()
	d.proveOpts = append(d.proveOpts, opts)
	d.mu.Unlock()
	env, err := d.StartLab(ctx, lab, false)
	if err != nil {
		return nil, err
	}
	defer env.Close(ctx)
	e := env.(*fakeEnv)
	if e.proveErr != nil {
		return nil, e.proveErr
	}
	var out []*runner.Proof
	for range max(opts.Repeat, 1) {
		out = append(out, e.proof)
	}
	return out, nil
}

func (d *fakeDriver) Stale(context.Context) ([]engine.StaleSession, error) { return d.stale, nil }

func (d *fakeDriver) RemoveSession(_ context.Context, id string) error {
	d.removed = append(d.removed, id)
	return nil
}

func (d *fakeDriver) GC(context.Context) (engine.Leftovers, error) { return d.leftovers, nil }

func (d *fakeDriver) List(context.Context, string) ([]string, []string, error) {
	return []string{"c1", "c2"}, []string{"n1"}, nil
}

func (d *fakeDriver) Host() string { return "unix:///fake/docker.sock" }

func (d *fakeDriver) Engine(context.Context) (engine.EngineInfo, error) {
	if d.engine != nil {
		return *d.engine, nil
	}
	return engine.EngineInfo{Version: "27.0.0", API: "1.47", Runtime: engine.DockerEngine,
		Endpoint: engine.Endpoint{Host: d.Host(), DialHost: "127.0.0.1", BindIP: "127.0.0.1"}}, nil
}

func (d *fakeDriver) ImagePresent(_ context.Context, image string) (bool, error) {
	return !strings.Contains(image, "redis"), nil
}

func (d *fakeDriver) CheckImage(_ context.Context, _ runner.Kind, image string) (engine.Lacks, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.checked = append(d.checked, image)
	return d.lacks[image], nil
}

func (d *fakeDriver) Close() error { d.closed = true; return nil }

// fakeEnv is a running lab without Docker. Check returns reports in turn
// (the last one again once they run out) and records what it was given.
type fakeEnv struct {
	id       string
	services []labService
	reports  []checks.Report
	checkErr error
	// onCheck runs after the n-th check (from 1).
	onCheck  func(n int)
	resetErr error
	proof    *runner.Proof
	proveErr error

	mu     sync.Mutex
	subs   []runner.Submission
	opts   []runner.CheckOptions
	resets int
	closed bool
}

var _ labEnv = (*fakeEnv)(nil)

func (e *fakeEnv) SessionID() string      { return e.id }
func (e *fakeEnv) Services() []labService { return e.services }

func (e *fakeEnv) Check(ctx context.Context, sub runner.Submission, opts runner.CheckOptions) (*checks.Report, error) {
	e.mu.Lock()
	e.subs = append(e.subs, sub)
	e.opts = append(e.opts, opts)
	n := len(e.subs)
	e.mu.Unlock()
	if e.onCheck != nil {
		defer e.onCheck(n)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if e.checkErr != nil {
		return nil, e.checkErr
	}
	rep := e.reports[min(n, len(e.reports))-1]
	return &rep, nil
}

func (e *fakeEnv) Reset(context.Context) error {
	e.resets++
	return e.resetErr
}

func (e *fakeEnv) SparesSupported() bool               { return false }
func (e *fakeEnv) PrepareSpares(context.Context) error { return nil }
func (e *fakeEnv) KeepSpares() func()                  { return func() {} }

func (e *fakeEnv) ShellCommand(service string) ([]string, []string, error) {
	if service != "db" {
		return nil, nil, fmt.Errorf("the lab has no service %q (services: [db])", service)
	}
	return []string{"psql"}, nil, nil
}

func (e *fakeEnv) SyncFiles(context.Context, string, runner.Submission) error { return nil }

func (e *fakeEnv) Interactive(context.Context, string, []string, []string, engine.Terminal) (int, error) {
	return 0, errors.New("fake: no terminal")
}

func (e *fakeEnv) Close(context.Context) error {
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	return nil
}

// sqlJoinServices are the services of a running sql-join.
var sqlJoinServices = []labService{{Name: "db", Kind: labs.KindPostgres, URL: "postgres://learner:pw@127.0.0.1:5432/lab"}}

// joinReport is a report of the bundled sql-join's checks with the given
// statuses of seed-intact and matches-reference.
func joinReport(seed, match checks.Status) checks.Report {
	matches := result("matches-reference", match, "")
	matches.MaxScore = 3
	if match == checks.Pass {
		matches.Score = 3
	} else {
		matches.Message = "3 rows differ from the reference"
		matches.Hint = "Name the columns name, orders and total_spent."
	}
	return cannedReport("sql-join", "workspace", result("seed-intact", seed, ""), matches)
}

// wsTest is a learner's workspace of a bundled lab, with streams, a
// progress folder, and a fake driver behind Deps.
type wsTest struct {
	t      *testing.T
	dir    string
	state  string
	deps   *Deps
	out    *bytes.Buffer
	errOut *bytes.Buffer
}

// newWorkspaceTest makes a workspace of lab with session (none when "")
// holding files, and Deps whose driver is drv.
func newWorkspaceTest(t *testing.T, tty bool, lab, session string, files map[string]string, drv *fakeDriver) *wsTest {
	t.Helper()
	w := &wsTest{t: t, dir: t.TempDir(), state: t.TempDir()}
	ws := &workspace.Workspace{Dir: w.dir, State: workspace.State{Lab: lab, Session: session}}
	if err := ws.Save(); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		p := filepath.Join(w.dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	io, out, errOut := TestStreams()
	io.OutTTY, io.ErrTTY = tty, tty
	env := map[string]string{"LAB_STATE_DIR": w.state}
	w.out, w.errOut = out, errOut
	w.deps = &Deps{IO: io, Getenv: func(k string) string { return env[k] },
		NewDriver: func(context.Context) (labDriver, error) { return drv, nil }}
	return w
}

// workspace reads the workspace's state back.
func (w *wsTest) workspace() workspace.State {
	w.t.Helper()
	ws, err := workspace.Open(w.dir)
	if err != nil {
		w.t.Fatal(err)
	}
	return ws.State
}

// progress reads the learner's record of lab back; nil when none.
func (w *wsTest) progress(lab string) *workspace.LabProgress {
	w.t.Helper()
	p, err := workspace.LoadProgress(filepath.Join(w.state, "progress.json"))
	if err != nil {
		w.t.Fatal(err)
	}
	return p.Labs[lab]
}

// durations replaces the durations commands print, "(12ms)" or "in 1.5s",
// with "(…)" and "in …", so that output can be compared whole.
func durations(s string) string {
	return durationRe.ReplaceAllString(s, "…")
}

var durationRe = regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|ms|s)\b`)

// timeOfDay matches the "15:04:05" stamps watch prints.
var timeOfDay = regexp.MustCompile(`\b\d\d:\d\d:\d\d\b`)

// rateRe matches the rate `lab grade` prints, "(12.5/s)".
var rateRe = regexp.MustCompile(`\(\d+(\.\d+)?/s\)|\(\+Inf/s\)`)
