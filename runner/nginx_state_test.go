package runner

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

func newFakeNginx(t *testing.T, files ...*labs.FileCopy) (*nginxState, *fakeService) {
	tg, svc, _ := fakeTarget(t, "web", &labs.Service{Kind: labs.KindNginx, Files: files}, nil)
	return newNginxState(tg).(*nginxState), svc
}

// emergLogs is what the container logged when a reload failed.
const emergLogs = "2025/01/02 10:00:00 [notice] 1#1: signal process started\n" +
	"2025/01/02 10:00:01 [emerg] 1#1: bind() to 0.0.0.0:81 failed (98: Address in use)\n"

func TestNginxApply(t *testing.T) {
	f := &labs.SubmissionFile{File: "conf/site", Apply: labs.ApplyNginxConfig, Service: "web"}
	for _, tc := range []struct {
		name string
		res  engine.ExecResult
		err  error
		want string // "" when apply succeeds
		env  bool
	}{
		{name: "loaded", res: engine.ExecResult{}},
		{name: "nginx -t fails", res: engine.ExecResult{ExitCode: 1,
			Stdout: `nginx: [emerg] unknown directive "servr" in /etc/nginx/conf.d/site.conf:3` + "\nnginx: configuration file /etc/nginx/nginx.conf test failed\n"},
			want: `conf/site:3: unknown directive "servr"`},
		{name: "reload not taken", res: engine.ExecResult{ExitCode: 5, Stdout: "nginx did not switch"},
			want: "conf/site: nginx accepted the file but could not switch to it: [emerg] 1#1: bind() to 0.0.0.0:81 failed (98: Address in use)"},
		{name: "other exit", res: engine.ExecResult{ExitCode: 3, Stdout: "cannot write"}, want: "apply conf/site to web: exit 3: cannot write", env: true},
		{name: "deadline", err: context.DeadlineExceeded, want: "conf/site: nginx did not load it in time"},
		{name: "engine failure", err: errors.New("engine gone"), want: "apply conf/site to web: engine gone", env: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, svc := newFakeNginx(t)
			svc.logs = emergLogs
			svc.exec = append(svc.exec, answer(tc.res, tc.err))
			err := st.apply(context.Background(), f, "server { }", false, false)
			if tc.want == "" {
				if err != nil {
					t.Errorf("got %v", err)
				}
			} else if err == nil || err.Error() != tc.want {
				t.Errorf("got %v\nwant %s", err, tc.want)
			}
			var ee *EnvError
			if errors.As(err, &ee) != tc.env {
				t.Errorf("EnvError: %t, want %t", !tc.env, tc.env)
			}
			c := svc.calls[0]
			if c.Cmd[2] != nginxApplyScript || !slices.Equal(c.Cmd[3:], []string{"apply", "site.conf", "0"}) || c.Opts.User != "0" || c.Stdin != "server { }" {
				t.Errorf("exec %q as %q stdin %q", c.Cmd[3:], c.Opts.User, c.Stdin)
			}
		})
	}
	t.Run("live and wrong mode", func(t *testing.T) {
		st, svc := newFakeNginx(t)
		if err := st.apply(context.Background(), f, "x", true, false); err != nil || len(svc.calls) != 0 {
			t.Errorf("live: %v, %d execs", err, len(svc.calls))
		}
		err := st.apply(context.Background(), &labs.SubmissionFile{File: "a.sh", Apply: labs.ApplyShell}, "x", false, false)
		if err == nil || err.Error() != `apply mode "shell" is not supported on an nginx service` {
			t.Errorf("got %v", err)
		}
	})
}

func TestNginxConfName(t *testing.T) {
	for in, want := range map[string]string{"site.conf": "site.conf", "conf/site": "site.conf", "a/b/x.conf": "x.conf", "nginx.txt": "nginx.txt.conf"} {
		if got := nginxConfName(in); got != want {
			t.Errorf("nginxConfName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNginxTestError(t *testing.T) {
	for _, tc := range []struct{ name, out, want string }{
		{"the learner's file by its name",
			"nginx: [emerg] unknown directive \"servr\" in /etc/nginx/conf.d/site.conf:12\nnginx: configuration file /etc/nginx/nginx.conf test failed",
			`my/site.conf:12: unknown directive "servr"`},
		{"another file keeps its path",
			`nginx: [emerg] open() "/etc/nginx/x" failed in /etc/nginx/nginx.conf:5`,
			`/etc/nginx/nginx.conf:5: open() "/etc/nginx/x" failed`},
		{"error log format, twice",
			"2025/01/02 10:00:00 [emerg] 187#187: no port in upstream \"b\" in /etc/nginx/conf.d/site.conf:4\nnginx: [emerg] no port in upstream \"b\" in /etc/nginx/conf.d/site.conf:4",
			`my/site.conf:4: no port in upstream "b"`},
		{"without a place", "nginx: [alert] could not open error log", "could not open error log"},
		{"http block",
			`nginx: [emerg] "http" directive is not allowed here in /etc/nginx/conf.d/site.conf:1`,
			`my/site.conf:1: "http" directive is not allowed here (my/site.conf is included inside the http block of nginx.conf: write server and upstream blocks, not http or events)`},
		{"no error lines", "something else\n", "my/site.conf: nginx -t failed: something else"},
		{"crash", "\nnginx -t crashed (signal 11)",
			"my/site.conf: nginx -t failed: nginx -t crashed (signal 11) (an include that takes in the file itself, such as conf.d/*.conf, makes nginx recurse until it crashes)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := nginxTestError(tc.out, "site.conf", "my/site.conf"); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestNginxLogTail(t *testing.T) {
	for _, tc := range []struct{ logs, want string }{
		{emergLogs, ": [emerg] 1#1: bind() to 0.0.0.0:81 failed (98: Address in use)"},
		{"[notice] started\n[warn] low\n", ""},
		{"x [crit] first\ny [alert] last\n", ": [alert] last"},
		{"", ""},
	} {
		st, svc := newFakeNginx(t)
		svc.logs = tc.logs
		if got := st.logTail(context.Background(), svc); got != tc.want {
			t.Errorf("logTail of %q = %q, want %q", tc.logs, got, tc.want)
		}
	}
}

func TestNginxSeed(t *testing.T) {
	files := []*labs.FileCopy{{Src: "site", Dst: "/usr/share/nginx/html"}, {Src: "x.conf", Dst: "/etc/nginx/conf.d/x.conf"}}
	t.Run("keeps /etc/nginx and the files", func(t *testing.T) {
		st, svc := newFakeNginx(t, files...)
		svc.copyData = "tar of the seed"
		if err := st.Seed(context.Background()); err != nil {
			t.Fatal(err)
		}
		c := svc.calls[0]
		if c.Cmd[2] != nginxSeedScript || !slices.Equal(c.Cmd[3:], []string{"seed", "/usr/share/nginx/html", "/etc/nginx/conf.d/x.conf"}) || c.Opts.User != "0" {
			t.Errorf("exec %q as %q", c.Cmd[3:], c.Opts.User)
		}
		if !slices.Equal(svc.copied, []string{nginxSeed + "/."}) || string(st.seed) != "tar of the seed" {
			t.Errorf("copied %q, kept %q", svc.copied, st.seed)
		}
	})
	t.Run("takes no fixtures", func(t *testing.T) {
		tg, svc, _ := fakeTarget(t, "web", &labs.Service{Kind: labs.KindNginx, Fixtures: []string{"a.sql"}}, nil)
		err := newNginxState(tg).Seed(context.Background())
		if err == nil || err.Error() != "service web: an nginx service takes no fixtures (use files)" || len(svc.calls) != 0 {
			t.Errorf("got %v", err)
		}
	})
	t.Run("seed script fails", func(t *testing.T) {
		st, svc := newFakeNginx(t)
		svc.exec = append(svc.exec, answer(engine.ExecResult{ExitCode: 1, Stderr: "cp: no space\n"}, nil))
		err := st.Seed(context.Background())
		var ee *EnvError
		if !errors.As(err, &ee) || err.Error() != "seed web: keep /etc/nginx and files: exit 1: cp: no space" {
			t.Errorf("got %v", err)
		}
	})
	t.Run("copy fails", func(t *testing.T) {
		st, svc := newFakeNginx(t)
		svc.copyErr = errors.New("no such container")
		err := st.Seed(context.Background())
		var ee *EnvError
		if !errors.As(err, &ee) || err.Error() != "seed web: copy the kept files: no such container" || st.seed != nil {
			t.Errorf("got %v", err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		st, svc := newFakeNginx(t)
		svc.copyData = strings.Repeat("x", nginxSeedMax+1)
		err := st.Seed(context.Background())
		if err == nil || err.Error() != "service web: /etc/nginx and the lab's files take more than 64 MiB" || st.seed != nil {
			t.Errorf("got %v", err)
		}
		svc.copyData = strings.Repeat("x", nginxSeedMax)
		if err := st.Seed(context.Background()); err != nil || len(st.seed) != nginxSeedMax {
			t.Errorf("at the limit: %v, kept %d", err, len(st.seed))
		}
	})
}

func TestNginxReset(t *testing.T) {
	files := []*labs.FileCopy{{Src: "site", Dst: "/srv"}}
	t.Run("with the kept seed", func(t *testing.T) {
		st, svc := newFakeNginx(t, files...)
		st.seed = []byte("tar")
		if err := st.Reset(context.Background()); err != nil {
			t.Fatal(err)
		}
		c := svc.calls[0]
		if c.Cmd[2] != nginxResetScript || !slices.Equal(c.Cmd[3:], []string{"reset", "1", "now", "/srv"}) || c.Stdin != "tar" || c.Opts.User != "0" {
			t.Errorf("exec %q stdin %q as %q", c.Cmd[3:], c.Stdin, c.Opts.User)
		}
	})
	t.Run("attached, without a seed", func(t *testing.T) {
		st, svc := newFakeNginx(t, files...)
		if err := st.Reset(context.Background()); err != nil {
			t.Fatal(err)
		}
		if c := svc.calls[0]; !slices.Equal(c.Cmd[3:], []string{"reset", "0", "now", "/srv"}) || c.Opts.Stdin != nil {
			t.Errorf("exec %q stdin %v", c.Cmd[3:], c.Opts.Stdin)
		}
	})
	t.Run("fails with the log's error", func(t *testing.T) {
		st, svc := newFakeNginx(t)
		svc.logs = emergLogs
		svc.exec = append(svc.exec, answer(engine.ExecResult{ExitCode: 4, Stdout: "nginx: [error] reload failed\n"}, nil))
		err := st.Reset(context.Background())
		var ee *EnvError
		if !errors.As(err, &ee) || err.Error() != "reset web: nginx: [error] reload failed: [emerg] 1#1: bind() to 0.0.0.0:81 failed (98: Address in use)" {
			t.Errorf("got %v", err)
		}
	})
	t.Run("begin resets unless live", func(t *testing.T) {
		st, svc := newFakeNginx(t)
		if _, err := st.Begin(context.Background(), runOptions{Live: true}); err != nil || len(svc.calls) != 0 {
			t.Errorf("live: %v, %d execs", err, len(svc.calls))
		}
		run, err := st.Begin(context.Background(), runOptions{})
		if err != nil || len(svc.calls) != 1 || !slices.Equal(svc.calls[0].Cmd[3:], []string{"reset", "0", "later"}) {
			t.Fatalf("%v, %d execs", err, len(svc.calls))
		}
		if err := run.Apply(context.Background(), &labs.SubmissionFile{File: "s.conf", Apply: labs.ApplyNginxConfig}, "x"); err != nil || svc.calls[1].Cmd[3] != "apply" {
			t.Errorf("apply: %v", err)
		}
	})
}

// TestNginxRunReloadsOnce: a run reloads nginx once, with the learner's
// file when one is applied, and never leaves nginx on the previous
// run's configuration.
func TestNginxRunReloadsOnce(t *testing.T) {
	pending := answer(engine.ExecResult{Stdout: nginxReloadPending + "\n"}, nil)
	ok := answer(engine.ExecResult{}, nil)
	f := &labs.SubmissionFile{File: "s.conf", Apply: labs.ApplyNginxConfig}
	for _, tc := range []struct {
		name  string
		reset func(execCall) (engine.ExecResult, error)
		apply bool
		want  [][]string // each exec's arguments after the script
	}{
		{name: "reload due, file applied: it loads with the file", reset: pending, apply: true,
			want: [][]string{{"reset", "0", "later"}, {"apply", "s.conf", "1"}}},
		{name: "reload due, nothing applied: End loads the seed", reset: pending,
			want: [][]string{{"reset", "0", "later"}, {"reload"}}},
		{name: "nothing changed: no reload", reset: ok, apply: true,
			want: [][]string{{"reset", "0", "later"}, {"apply", "s.conf", "0"}}},
		{name: "nothing changed, nothing applied", reset: ok,
			want: [][]string{{"reset", "0", "later"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, svc := newFakeNginx(t)
			svc.exec = append(svc.exec, tc.reset, ok)
			run, err := st.Begin(context.Background(), runOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if tc.apply {
				if err := run.Apply(context.Background(), f, "x"); err != nil {
					t.Fatal(err)
				}
			}
			if err := run.End(context.Background()); err != nil {
				t.Fatal(err)
			}
			var got [][]string
			for _, c := range svc.calls {
				got = append(got, c.Cmd[3:])
			}
			if !slices.EqualFunc(got, tc.want, slices.Equal) {
				t.Errorf("execs %q\nwant %q", got, tc.want)
			}
			if len(svc.calls) > 1 && slices.Equal(svc.calls[1].Cmd[3:], []string{"reload"}) && svc.calls[1].Cmd[2] != nginxReloadOnly {
				t.Errorf("End ran %q", svc.calls[1].Cmd[2])
			}
		})
	}
}
