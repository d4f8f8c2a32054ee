package runner_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// serveLab is a lab built in Go whose learner's program is a server:
// app.py listens on 8000, and two http checks talk to it.
func serveLab() *labs.Lab {
	hello := &checks.HTTP{HTTPRequest: checks.HTTPRequest{Path: "/hello"},
		Expect: &checks.HTTPExpect{Status: 200, Body: &checks.HTTPBody{Contains: "hello from /app"}}}
	crash := &checks.HTTP{HTTPRequest: checks.HTTPRequest{Path: "/crash"}, Expect: &checks.HTTPExpect{Status: 200}}
	lab := &labs.Lab{
		ID:  "serve",
		Dir: "serve",
		Services: map[string]*labs.Service{
			"app": {Kind: labs.KindRuntime, Serve: &labs.Serve{Port: 8000, Entry: "app.py", Ready: "/", Timeout: checks.Duration{Duration: 3 * time.Second}}},
		},
		Submission: []*labs.SubmissionFile{{File: "app.py", Apply: labs.ApplyProgram, Service: "app"}},
		Checks: []*labs.CheckDef{
			{Name: "hello", Type: "http", Service: "app", Points: 1, Reveal: true, Timeout: checks.Duration{Duration: 5 * time.Second}, Check: hello},
			{Name: "survives", Type: "http", Service: "app", Points: 1, Reveal: true, Timeout: checks.Duration{Duration: 5 * time.Second}, Check: crash},
		},
	}
	lab.SetFS(fstest.MapFS{})
	return lab
}

// server is a learner's app.py: an http.server on addr:port that answers
// /hello, and exits with code 3 on /crash when crash is set. before runs
// first.
func server(addr string, port int, crash bool, before string) string {
	return before + `
import http.server, os, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/crash" and ` + map[bool]string{true: "True", false: "False"}[crash] + `:
            print("crashing on", self.path, flush=True)
            os._exit(3)
        body = ("hello from " + os.getcwd()).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
print("listening", flush=True)
http.server.HTTPServer(("` + addr + `", ` + itoa(port) + `), H).serve_forever()
`
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestServeLab(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	env := dockertest.StartLab(t, ctx, d, serveLab())
	app := env.Session.Service("app")

	// leftovers lists the processes of the program's user still running.
	leftovers := func(t *testing.T) string {
		t.Helper()
		res, err := app.Exec(ctx, []string{"/bin/sh", "-c", `for p in /proc/[0-9]*; do [ "$(stat -c %U $p 2>/dev/null)" = nobody ] && cat $p/cmdline | tr '\0' ' ' && echo; done; true`}, engine.ExecOptions{User: "root"})
		if err != nil {
			t.Fatalf("list processes: %v", err)
		}
		return strings.TrimSpace(res.Stdout)
	}
	cases := []struct {
		name, prog string
		// want is the report as statuses; msg and out are in the
		// message and the output of the first result that did not
		// pass.
		want, msg, out string
	}{
		{name: "a server that answers passes",
			prog: server("0.0.0.0", 8000, false, ""),
			want: "hello:pass survives:pass"},
		{name: "a server that crashes mid-check fails that check, with its output",
			prog: server("0.0.0.0", 8000, true, ""),
			want: "hello:pass survives:fail", msg: "the program exited with code 3 during the checks", out: "crashing on /crash"},
		{name: "a program that never listens",
			prog: "import time\nprint('thinking', flush=True)\ntime.sleep(60)\n",
			want: "start app.py:fail hello:skip survives:skip", msg: "did not answer HTTP on port 8000 within 3s: nothing listens on port 8000", out: "thinking"},
		{name: "a server on the wrong port",
			prog: server("0.0.0.0", 8001, false, ""),
			want: "start app.py:fail hello:skip survives:skip", msg: "it listens on port 8001, not 8000", out: "listening"},
		{name: "a server on the loopback address only",
			prog: server("127.0.0.1", 8000, false, ""),
			want: "start app.py:fail hello:skip survives:skip", msg: "loopback address only; listen on all addresses (0.0.0.0)"},
		{name: "a program that fails at start",
			prog: "import sys\nprint('starting', flush=True)\n1/0\n",
			want: "start app.py:fail hello:skip survives:skip", msg: "the program exited with code 1 before it answered on port 8000", out: "ZeroDivisionError"},
		{name: "a program that floods its output and never listens",
			prog: "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n",
			want: "start app.py:fail hello:skip survives:skip", msg: "did not answer HTTP on port 8000 within 3s", out: "the end of the program's output"},
		{name: "a program that allocates without bound before it listens",
			prog: "x = []\nwhile True:\n    x.append(bytearray(10 << 20))\n",
			want: "start app.py:fail hello:skip survives:skip", msg: "before it answered on port 8000", out: "MemoryError"},
		{name: "a fork loop before it listens",
			prog: "import os\nfor _ in range(200):\n    try:\n        os.fork()\n    except OSError:\n        pass\n" + server("0.0.0.0", 8000, false, ""),
			want: "*"},
		{name: "a server cannot reach out of the lab",
			// It serves only when every way out failed; one that
			// worked ends it before it listens.
			prog: server("0.0.0.0", 8000, false, `import socket, sys
for addr in [("1.1.1.1", 80), ("8.8.8.8", 53)]:
    try:
        socket.create_connection(addr, timeout=0.5).close()
        print("reached", addr, flush=True)
        sys.exit(0)
    except OSError as e:
        print("no way to", addr, e, flush=True)
`),
			want: "hello:pass survives:pass"},
		{name: "a server that answers passes after them",
			prog: server("0.0.0.0", 8000, false, ""),
			want: "hello:pass survives:pass"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, err := env.Check(ctx, runner.Submission{"app.py": c.prog}, runner.CheckOptions{Name: t.Name()})
			if err != nil {
				t.Fatalf("check: %v", err)
			}
			if c.want != "*" {
				if got := statuses(rep); got != c.want {
					t.Errorf("got %s, want %s\n%+v", got, c.want, rep.Results)
				}
			}
			for _, r := range rep.Results {
				if r.Status == checks.Pass || r.Status == checks.Skip {
					continue
				}
				t.Logf("%s: %s %q\n%s", r.Name, r.Status, r.Message, r.Output)
				if !strings.Contains(r.Message, c.msg) {
					t.Errorf("%s: message %q does not contain %q", r.Name, r.Message, c.msg)
				}
				if !strings.Contains(r.Output, c.out) {
					t.Errorf("%s: output does not contain %q:\n%s", r.Name, c.out, r.Output)
				}
				if len(r.Output) > 6<<10 {
					t.Errorf("%s: output of %d bytes; the program's is capped at 4 KiB", r.Name, len(r.Output))
				}
				break
			}
			if left := leftovers(t); left != "" {
				t.Errorf("processes left running:\n%s", left)
			}
		})
	}
}
