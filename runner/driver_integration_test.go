package runner_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/moby/moby/client"
	"github.com/redis/go-redis/v9"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// TestServicesStart starts one service of every kind in one session and
// proves each is really usable: a query, a PING, an HTTP GET, a command.
func TestServicesStart(t *testing.T) {
	d := dockertest.Driver(t)
	s := dockertest.Session(t, d, "test-kinds")
	s.Keep = true // as `lab start` does; FindSession must see it
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	err := s.Start(ctx,
		spec(t, d, "db", labs.KindPostgres),
		spec(t, d, "cache", labs.KindRedis),
		spec(t, d, "web", labs.KindNginx),
		spec(t, d, "box", labs.KindBox),
		spec(t, d, "app", labs.KindRuntime),
	)
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	for _, svc := range s.Services() {
		t.Logf("%-5s %-9s %-28s %s", svc.Name, svc.Kind, svc.Image, runner.URL(svc))
	}

	t.Run("postgres answers a query", func(t *testing.T) {
		conn, err := pgx.Connect(ctx, runner.URL(s.Service("db")))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var v string
		if err := conn.QueryRow(ctx, "SELECT current_setting('fsync')").Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v != "off" {
			t.Errorf("fsync = %q, want off for a disposable database", v)
		}
	})
	t.Run("redis answers PING", func(t *testing.T) {
		url := runner.URL(s.Service("cache"))
		opt, err := redis.ParseURL(url)
		if err != nil {
			t.Fatal(err)
		}
		c := redis.NewClient(opt)
		defer c.Close()
		if got, err := c.Ping(ctx).Result(); err != nil || got != "PONG" {
			t.Fatalf("PING = %q, %v", got, err)
		}
	})
	t.Run("nginx answers HTTP", func(t *testing.T) {
		resp, err := http.Get(runner.URL(s.Service("web")) + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET / = %d", resp.StatusCode)
		}
	})
	t.Run("exec captures stdout, stderr and exit code", func(t *testing.T) {
		res, err := s.Service("box").Exec(ctx, []string{"sh", "-c", "echo out; echo err >&2; exit 3"}, engine.ExecOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.ExitCode != 3 || res.Stdout != "out\n" || res.Stderr != "err\n" {
			t.Errorf("got %+v", res)
		}
	})
	t.Run("exec caps output", func(t *testing.T) {
		res, err := s.Service("box").Exec(ctx, []string{"sh", "-c", "head -c 1000000 /dev/zero"}, engine.ExecOptions{OutputCap: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Stdout) != 1000 || !res.Truncated {
			t.Errorf("kept %d bytes, truncated=%v; want 1000, true", len(res.Stdout), res.Truncated)
		}
	})
	t.Run("exec deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		_, err := s.Service("box").Exec(ctx, []string{"sleep", "30"}, engine.ExecOptions{})
		if err == nil || !strings.Contains(err.Error(), "deadline") {
			t.Fatalf("err = %v, want a deadline error", err)
		}
		res, err := s.Service("box").Exec(context.Background(), []string{"sh", "-c", "ps -eo comm | grep -c '^sleep$' || true"}, engine.ExecOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// The idle loop sleeps too; the killed "sleep 30" must be gone.
		if strings.TrimSpace(res.Stdout) != "1" {
			t.Errorf("sleep processes after the deadline: %s", res.Stdout)
		}
	})
	t.Run("copy files in", func(t *testing.T) {
		err := s.Service("box").CopyFiles(ctx, engine.File{Path: "/srv/a/b/hello.txt", Content: []byte("hi\n"), Mode: 0o640})
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Service("box").Exec(ctx, []string{"stat", "-c", "%a %s", "/srv/a/b/hello.txt"}, engine.ExecOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(res.Stdout); got != "640 3" {
			t.Errorf("stat = %q, want \"640 3\"", got)
		}
	})
	t.Run("services reach each other by name", func(t *testing.T) {
		code := `import psycopg2, redis
c = psycopg2.connect(host="db", user="postgres", password="postgres", dbname="postgres")
cur = c.cursor(); cur.execute("SELECT 41 + 1"); print(cur.fetchone()[0])
print(redis.Redis(host="cache").ping())`
		res, err := s.Service("app").Exec(ctx, []string{"python3", "-c", code}, engine.ExecOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.ExitCode != 0 || res.Stdout != "42\nTrue\n" {
			t.Errorf("got exit %d stdout %q stderr %q", res.ExitCode, res.Stdout, res.Stderr)
		}
		res, err = s.Service("box").Exec(ctx, []string{"getent", "hosts", "web"}, engine.ExecOptions{})
		if err != nil || res.ExitCode != 0 {
			t.Errorf("box cannot resolve web: %v %+v", err, res)
		}
	})
	t.Run("learners' containers reach no network beyond the lab's", func(t *testing.T) {
		// From an internal network nothing outside answers: a connect
		// times out or has no route, where an ordinary network reaches
		// the address or at least gets it refused.
		code := `import socket
for addr in [("192.0.2.1", 80), ("1.1.1.1", 443)]:
    s = socket.socket(); s.settimeout(1)
    try:
        s.connect(addr); print("reached", addr)
    except OSError as e:
        print("error", addr, e.errno, e)`
		res, err := s.Service("app").Exec(ctx, []string{"python3", "-c", code}, engine.ExecOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(res.Stdout), "\n") {
			if !strings.Contains(line, "timed out") && !strings.Contains(line, "unreachable") {
				t.Errorf("the runtime has a route out: %s (stderr %q)", line, res.Stderr)
			}
		}
	})
	t.Run("FindSession sees the same services", func(t *testing.T) {
		found, err := d.FindSession(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if found.Keep != s.Keep {
			t.Errorf("found Keep = %v, started with %v", found.Keep, s.Keep)
		}
		if found.Lab != "test-kinds" || len(found.Services()) != 5 || runner.URL(found.Service("db")) != runner.URL(s.Service("db")) {
			t.Errorf("found %s with %d services, db %q", found.Lab, len(found.Services()), runner.URL(found.Service("db")))
		}
	})
}

// TestLimits: every container has memory, process and CPU limits, and the
// services no added privileges.
func TestLimits(t *testing.T) {
	d := dockertest.Driver(t)
	s := dockertest.Session(t, d, "test-limits")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.Start(ctx,
		spec(t, d, "db", labs.KindPostgres),
		spec(t, d, "box", labs.KindBox),
	); err != nil {
		t.Fatal(err)
	}
	for _, svc := range s.Services() {
		insp, err := d.Client().ContainerInspect(ctx, svc.ContainerID, client.ContainerInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		hc := insp.Container.HostConfig
		if hc.Memory == 0 || hc.PidsLimit == nil || *hc.PidsLimit == 0 || hc.NanoCPUs == 0 {
			t.Errorf("%s: memory %d, pids %v, cpus %d: want all limited", svc.Name, hc.Memory, hc.PidsLimit, hc.NanoCPUs)
		}
		if svc.Kind == labs.KindPostgres && (len(hc.CapDrop) == 0 || !slices.Contains(hc.SecurityOpt, "no-new-privileges")) {
			t.Errorf("%s: cap-drop %v, security-opt %v", svc.Name, hc.CapDrop, hc.SecurityOpt)
		}
	}
	// A fork loop in the box meets its process limit.
	res, err := s.Service("box").Exec(ctx, []string{"sh", "-c", "for i in $(seq 1 2000); do sleep 5 & done 2>&1 | tail -1; echo done"}, engine.ExecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Stdout+res.Stderr, "fork") && !strings.Contains(res.Stdout+res.Stderr, "Resource temporarily unavailable") {
		t.Errorf("2000 processes were allowed: %q %q", res.Stdout, res.Stderr)
	}
}

// TestServicesHaveNoWayOut: the containers of a session without learners'
// code (here postgres and redis) can reach each other but nothing outside
// the lab, while their published ports still answer on this machine.
func TestServicesHaveNoWayOut(t *testing.T) {
	d := dockertest.Driver(t)
	s := dockertest.Session(t, d, "test-no-way-out")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := s.Start(ctx,
		spec(t, d, "db", labs.KindPostgres),
		spec(t, d, "cache", labs.KindRedis),
	); err != nil {
		t.Fatal(err)
	}
	probe := func(target string) string {
		res, err := s.Service("db").Exec(ctx, []string{"bash", "-c",
			"if timeout 2 bash -c '</dev/tcp/" + target + "' 2>/dev/null; then echo reached; else echo no; fi"}, engine.ExecOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(res.Stdout)
	}
	if got := probe("cache/6379"); got != "reached" {
		t.Fatalf("db cannot reach cache: %s", got)
	}
	// Where masquerading is on (Docker's default), this is reached here.
	if got := probe("1.1.1.1/443"); got != "no" {
		t.Error("db reached 1.1.1.1:443 outside the lab")
	}
}

// spec is the spec of a service of kind with the configured image.
func spec(t *testing.T, d *runner.Driver, name, kind string) engine.ServiceSpec {
	t.Helper()
	s, err := d.Spec(name, kind, "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}
