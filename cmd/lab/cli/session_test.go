package cli

import (
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/images"

	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/runner/engine"
)

func Test_statusRun(t *testing.T) {
	tests := []struct {
		name    string
		session string
		running *fakeEnv
		wantOut string // after the lab and workspace lines
	}{
		{name: "stopped", wantOut: "services\tstopped (`lab start` to run them)\n"},
		{name: "running", session: "s1", running: &fakeEnv{id: "s1", services: sqlJoinServices},
			wantOut: "services\trunning (session s1, since HH:MM)\n  db       postgres  postgres://learner:pw@127.0.0.1:5432/lab\n"},
		{name: "running, with an HTTPS endpoint", session: "s1", running: &fakeEnv{id: "s1", services: []labService{{Name: "web", Kind: "nginx", URL: "http://127.0.0.1:32788", HTTPSURL: "https://127.0.0.1:32787"}}},
			wantOut: "services\trunning (session s1, since HH:MM)\n  web      nginx     http://127.0.0.1:32788\n                     https://127.0.0.1:32787\n"},
		{name: "its session is gone", session: "gone",
			wantOut: "services\tsession gone is gone: session gone has no containers\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			drv := &fakeDriver{running: tt.running}
			w := newWorkspaceTest(t, false, "sql-join", tt.session, nil, drv)
			if err := statusRun(context.Background(), &StatusOptions{Deps: w.deps, Dir: w.dir}); err != nil {
				t.Fatal(err)
			}
			want := "lab\tsql-join — Customers and what they spent\nworkspace\t" + w.dir + "\n" + tt.wantOut
			if got := regexp.MustCompile(`\d\d:\d\d\)`).ReplaceAllString(w.out.String(), "HH:MM)"); got != want {
				t.Errorf("stdout:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func Test_stopRun(t *testing.T) {
	t.Run("running", func(t *testing.T) {
		drv := &fakeDriver{}
		w := newWorkspaceTest(t, false, "sql-join", "s1", nil, drv)
		if err := stopRun(context.Background(), &StopOptions{Deps: w.deps, Dir: w.dir}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(drv.stopped, []string{"s1"}) || w.workspace().Session != "" {
			t.Errorf("stopped %v, workspace session %q; want s1 stopped and forgotten", drv.stopped, w.workspace().Session)
		}
		if want := "sql-join stopped (…); your files are in " + w.dir + "\n"; durations(w.errOut.String()) != want {
			t.Errorf("stderr %q, want %q", w.errOut, want)
		}
	})
	t.Run("stopped", func(t *testing.T) {
		drv := &fakeDriver{}
		w := newWorkspaceTest(t, false, "sql-join", "", nil, drv)
		if err := stopRun(context.Background(), &StopOptions{Deps: w.deps, Dir: w.dir}); err != nil {
			t.Fatal(err)
		}
		if len(drv.stopped) != 0 || w.errOut.String() != "sql-join is not running\n" {
			t.Errorf("stopped %v, stderr %q; want nothing stopped", drv.stopped, w.errOut)
		}
	})
	t.Run("not a workspace", func(t *testing.T) {
		io, _, _ := TestStreams()
		err := stopRun(context.Background(), &StopOptions{Deps: &Deps{IO: io}, Dir: t.TempDir()})
		if ExitCode(err) != ExitUsage {
			t.Errorf("err = %v, want a usage error", err)
		}
	})
}

func Test_startRun(t *testing.T) {
	t.Run("a new workspace", func(t *testing.T) {
		env := &fakeEnv{id: "s-new", services: sqlJoinServices}
		drv := &fakeDriver{start: env}
		w := newWorkspaceTest(t, false, "sql-join", "", nil, drv)
		t.Chdir(w.dir)
		dir := filepath.Join(w.dir, "ws")
		if err := startRun(context.Background(), &StartOptions{Deps: w.deps, Lab: "sql-join", Dir: "ws"}); err != nil {
			t.Fatal(err)
		}
		wantOut := "workspace " + dir + "\n  + README.md\n  + solution.sql\nservices\n" +
			"  db       postgres  postgres://learner:pw@127.0.0.1:5432/lab\n" +
			"next: cd ws, read README.md, edit your files, then `lab check`\n"
		if w.out.String() != wantOut {
			t.Errorf("stdout:\n%s\nwant:\n%s", w.out, wantOut)
		}
		if want := "starting sql-join …\nsql-join is ready (…)\n"; durations(w.errOut.String()) != want {
			t.Errorf("stderr %q, want %q", w.errOut, want)
		}
		ws, err := workspace.Open(dir)
		if err != nil || ws.State.Lab != "sql-join" || ws.State.Session != "s-new" || ws.State.Started.IsZero() {
			t.Errorf("workspace %+v, %v; want sql-join running as s-new", ws, err)
		}
		if !slices.Equal(drv.kept, []bool{true}) || env.closed {
			t.Errorf("starts %v, closed %v; want one start kept running", drv.kept, env.closed)
		}
	})
	t.Run("already running", func(t *testing.T) {
		drv := &fakeDriver{running: &fakeEnv{id: "s1", services: sqlJoinServices}}
		w := newWorkspaceTest(t, false, "sql-join", "s1", nil, drv)
		if err := startRun(context.Background(), &StartOptions{Deps: w.deps, Lab: "sql-join", Dir: w.dir}); err != nil {
			t.Fatal(err)
		}
		if len(drv.kept) != 0 || w.errOut.String() != "sql-join is already running in "+w.dir+"\n" ||
			w.out.String() != "  db       postgres  postgres://learner:pw@127.0.0.1:5432/lab\n" {
			t.Errorf("starts %v, stdout %q, stderr %q; want the running lab shown, nothing started", drv.kept, w.out, w.errOut)
		}
	})
	t.Run("another lab's workspace", func(t *testing.T) {
		drv := &fakeDriver{}
		w := newWorkspaceTest(t, false, "sql-index", "", nil, drv)
		err := startRun(context.Background(), &StartOptions{Deps: w.deps, Lab: "sql-join", Dir: w.dir})
		if ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), `is a workspace of lab "sql-index"; choose another folder`) || len(drv.kept) != 0 {
			t.Errorf("err = %v, starts %v; want a usage error and no start", err, drv.kept)
		}
	})
}

func Test_gcRun(t *testing.T) {
	created := time.Date(2026, 12, 1, 9, 30, 0, 0, time.Local)
	drv := &fakeDriver{
		leftovers: engine.Leftovers{Containers: 3, Networks: 1},
		stale:     []engine.StaleSession{{ID: "abc", Lab: "sql-join", PID: 42, Created: created, Containers: 2}},
	}
	io, out, errOut := TestStreams()
	deps := &Deps{IO: io, NewDriver: func(context.Context) (labDriver, error) { return drv, nil }}

	if err := gcRun(context.Background(), &GCOptions{Deps: deps}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "removed 3 containers, 1 networks\n" {
		t.Errorf("gc: stdout %q", out)
	}
	// Every command that connects says what a killed run left behind.
	const note = "note: 1 sessions of lab commands that are gone still have containers; `lab gc --stale` removes them\n"
	if errOut.String() != note {
		t.Errorf("stderr %q, want the stale note", errOut)
	}
	out.Reset()
	if err := gcRun(context.Background(), &GCOptions{Deps: deps, Stale: true}); err != nil {
		t.Fatal(err)
	}
	want := "removed session abc of sql-join (process 42 gone; created 2026-12-01 09:30; 2 containers)\nremoved 1 stale sessions\n"
	if out.String() != want || !slices.Equal(drv.removed, []string{"abc"}) {
		t.Errorf("gc --stale: stdout %q, removed %v; want %q", out, drv.removed, want)
	}
}

func Test_doctorRun(t *testing.T) {
	drv := &fakeDriver{}
	io, out, errOut := TestStreams()
	env := map[string]string{"LAB_IMAGE_SET": "offline", "LAB_IMAGE_BOX": "mirror/box:1"}
	deps := &Deps{IO: io, Getenv: func(k string) string { return env[k] },
		NewDriver: func(context.Context) (labDriver, error) { return drv, nil }}
	// A missing image is not a fault: it arrives on first use.
	if err := doctorRun(context.Background(), &DoctorOptions{Deps: deps}); err != nil {
		t.Errorf("err = %v, want ready with an image to fetch", err)
	}
	ref := func(img images.Image) string { return img.Ref("") }
	rows := []string{
		"  ✓  backend   " + ref(images.Backend) + "   present",
		"  ✓  box       mirror/box:1   present, set by hand (LAB_IMAGE_BOX)",
		"  ✓  nginx     " + ref(images.Nginx) + "   present",
		"  ✓  postgres  " + ref(images.Postgres) + "   present",
		"  ○  redis     " + ref(images.Redis) + "   fetched on first use",
		"  ✓  runtime   " + ref(images.Python) + "   present",
	}
	got := out.String()
	for _, want := range append(rows,
		"docker\tunix:///fake/docker.sock (engine 27.0.0, API 1.47)\n",
		"runtime\tDocker Engine (dockerd)\n",
		"ports\tpublished on 127.0.0.1 and dialled there\n",
		"registry\tghcr.io/labrunner (default)\n",
		"missing images\tredis: pulled from ghcr.io/labrunner, else built from lab's embedded Dockerfiles",
		"labrunner objects\t2 containers, 1 networks (remove all with `lab gc`)\n") {
		if !strings.Contains(collapseSpaces(got), collapseSpaces(want)) {
			t.Errorf("stdout lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(errOut.String(), "ready") {
		t.Errorf("stderr %q does not say ready", errOut)
	}
	// Only the image set by hand is checked against its kind's contract.
	if !slices.Equal(drv.checked, []string{"mirror/box:1"}) {
		t.Errorf("checked %q, want only the image set by hand", drv.checked)
	}
}

// Test_doctorRunImageLacks: an image set by hand that lacks what its kind
// needs is a ✗ with what it lacks, a sentence saying how to fix it, and
// exit 3; a missing one set by hand is not checked (it is not there).
func Test_doctorRunImageLacks(t *testing.T) {
	drv := &fakeDriver{lacks: map[string]engine.Lacks{
		"mirror/box:1": {Missing: []string{"command nginx", "path /etc/nginx/conf.d"}},
	}}
	io, out, errOut := TestStreams()
	env := map[string]string{"LAB_IMAGE_NGINX": "mirror/box:1", "LAB_IMAGE_REDIS": "mirror/redis:7"}
	deps := &Deps{IO: io, Getenv: func(k string) string { return env[k] },
		NewDriver: func(context.Context) (labDriver, error) { return drv, nil }}
	err := doctorRun(context.Background(), &DoctorOptions{Deps: deps})
	if ExitCode(err) != ExitEnvironment {
		t.Errorf("err = %v (exit %d), want exit 3", err, ExitCode(err))
	}
	got := collapseSpaces(out.String())
	for _, want := range []string{
		"  ✗  nginx     mirror/box:1   present, set by hand (LAB_IMAGE_NGINX); lacks command nginx, path /etc/nginx/conf.d\n",
		"  ○  redis     mirror/redis:7   fetched on first use, set by hand (LAB_IMAGE_REDIS)\n",
		"missing images\tredis: set by hand, pulled from their registry when a lab first needs them",
		"image check\timage LAB_IMAGE_NGINX=mirror/box:1 for nginx lacks what labrunner needs: command nginx, path /etc/nginx/conf.d; use an image with them, or unset LAB_IMAGE_NGINX to use labrunner's\n",
	} {
		if !strings.Contains(got, collapseSpaces(want)) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !slices.Equal(drv.checked, []string{"mirror/box:1"}) {
		t.Errorf("checked %q, want the present image set by hand", drv.checked)
	}
	if !strings.Contains(errOut.String(), "not ready") {
		t.Errorf("stderr %q does not say not ready", errOut)
	}
}

// collapseSpaces turns runs of spaces into one, so that a tabwriter's
// column widths do not matter to a comparison.
func collapseSpaces(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' }), " ")
}
