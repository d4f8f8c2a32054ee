package main_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/runner/engine"
)

// webBoxCase is one submission of a hostile batch of an nginx or box lab:
// the content of its file and the grade it must get.
type webBoxCase struct {
	name, content string
	status        string
	// message is in the submission's message or in one of its tests'
	// messages; alternatives are separated by " | ".
	message string
}

// webBoxRun is what gradeWebBox saw of a batch besides the grades.
type webBoxRun struct {
	// maxRSS is the peak resident memory of the lab process, in bytes.
	maxRSS int64
	// maxLayer is the largest writable layer a container of the run had,
	// as sampled every 250 ms, in bytes.
	maxLayer int64
}

// gradeWebBox writes each case as file in a folder of its own, grades the
// folders with `lab grade lab … -j 2 --deadline`, and checks that the run
// exits 1, that each submission got its status and message within the
// deadline (and the few seconds a stop or reset of a service takes), and
// that the run left no container or network.
func gradeWebBox(t *testing.T, lab, file string, deadline time.Duration, cases []webBoxCase) webBoxRun {
	t.Helper()
	d := dockertest.Driver(t)
	subs := t.TempDir()
	for _, c := range cases {
		writeFile(t, filepath.Join(subs, c.name, file), c.content)
	}
	out := t.TempDir()
	cmd := exec.Command(buildLab(t), "grade", lab, subs, "-j", "2", "--deadline", deadline.String(), "--format", "json", "--out", out)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "LAB_STATE_DIR="+t.TempDir(), "NO_COLOR=1")
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Everything the run creates carries its process id.
	label := engine.LabelPID + "=" + strconv.Itoa(cmd.Process.Pid)
	var run webBoxRun
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			list, err := d.Client().ContainerList(context.Background(), client.ContainerListOptions{
				All: true, Size: true, Filters: make(client.Filters).Add("label", label),
			})
			if err == nil {
				for _, c := range list.Items {
					run.maxLayer = max(run.maxLayer, c.SizeRw)
				}
			}
			select {
			case <-stop:
				return
			case <-time.After(250 * time.Millisecond):
			}
		}
	})
	err := cmd.Wait()
	close(stop)
	wg.Wait()
	elapsed := time.Since(start)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("grade: %v, want exit 1\n%s", err, errOut.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		run.maxRSS = ru.Maxrss << 10 // kilobytes on Linux
	}
	dockertest.NoLeftovers(t, d, label, "the batch")

	got, graded := readGraded(t, out)
	for _, want := range cases {
		s, ok := got[want.name]
		if !ok {
			t.Errorf("%s: not graded", want.name)
			continue
		}
		msgs := s.messages()
		if s.Status != want.status {
			t.Errorf("%s: status %s, want %s\n%s", want.name, s.Status, want.status, msgs)
		}
		if want.message != "" && !containsAny(msgs, strings.Split(want.message, " | ")) {
			t.Errorf("%s: no %q in the messages:\n%s", want.name, want.message, msgs)
		}
		took := time.Duration(s.DurationMS * float64(time.Millisecond))
		if took > deadline+5*time.Second {
			t.Errorf("%s: graded in %s, with a deadline of %s", want.name, took.Round(time.Millisecond), deadline)
		}
		t.Logf("%s: %s in %s", want.name, s.Status, took.Round(time.Millisecond))
	}
	t.Logf("graded %d submissions in %s; lab used %d MiB at most; largest writable layer %d MiB",
		len(graded), elapsed.Round(time.Millisecond), run.maxRSS>>20, run.maxLayer>>20)
	return run
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func readSolution(t *testing.T, lab, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../labs", lab, "solution", file))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestHostileNginxConfigs grades hostile site.conf files of nginx-static.
// Each must fail with nginx's or the checks' message, and the correct
// configuration graded last, on a worker that graded hostile ones before,
// must still pass. The submissions that make nginx write into the files
// of the container come first, one for each of the two workers, so that
// every later submission runs on a worker one of them went through.
//
// What a learner's file can show of the container: `include <path>;`
// makes `nginx -t` quote at most the path and one token of that file in
// its error. That is accepted: the nginx container holds only its image
// and the lab's files, nothing secret.
func TestHostileNginxConfigs(t *testing.T) {
	good := readSolution(t, "nginx-static", "site.conf")
	gradeWebBox(t, "nginx-static", "site.conf", 20*time.Second, []webBoxCase{
		// nginx's master runs as root and appends its logs to any file
		// named: here nginx.conf and mime.types. Protection: Reset puts
		// back all of /etc/nginx, not only conf.d; without it, every
		// later reset on the worker fails to reload (status error).
		{"a-log-into-nginx-conf", "server {\n    listen 80;\n    root /srv/site;\n    access_log /etc/nginx/nginx.conf;\n    error_log /etc/nginx/mime.types debug;\n}\n",
			"fail", ""},
		// The same into the copy Reset restores from. Protection: Reset
		// first rewrites that copy from a tar held in memory.
		{"b-log-into-kept-copy", "server {\n    listen 80;\n    root /srv/site;\n    access_log /var/lib/labrunner/nginx/etc/nginx.conf;\n    error_log /var/lib/labrunner/nginx/etc/conf.d/default.conf debug;\n}\n",
			"fail", ""},
		// Files outside the learner's folder. Protection: `nginx -t`
		// judges the file before any reload; its error is passed on.
		{"c-include-passwd", "include /etc/passwd;\n", "fail", "/etc/passwd:"},
		{"d-include-nginx-conf", "include /etc/nginx/nginx.conf;\n", "fail", `"user" directive is not allowed here`},
		// conf.d/*.conf takes in the file itself: nginx recurses until it
		// crashes, printing nothing. Protection: the apply script reports
		// the crash (without it the message is an empty "nginx -t failed").
		{"e-include-itself", "include /etc/nginx/conf.d/*.conf;\n", "fail", "nginx -t crashed (signal 11)"},
		// Listening elsewhere only. Protection: the checks go to port 80
		// (the published one) and a connection without an answer fails.
		// The next reset's reload drops the 8080 listener (not seen in
		// grades: the next file replaces site.conf anyway).
		{"f-listen-8080", "server {\n    listen 8080;\n    root /srv/site;\n    error_page 404 /404.html;\n}\n",
			"fail", "is the server listening on its usual port?"},
		// 200 and the expected heading for everything. Protection: the
		// checks also expect a 404, content types and other bodies.
		{"g-answer-200", "server {\n    listen 80 default_server;\n    default_type text/html;\n    location / { return 200 \"<h1>Lighthouse Books</h1>This page took a wrong turn\"; }\n}\n",
			"fail", "expected status 404, got 200"},
		// Main and events directives in a file included inside http {}.
		// Protection: `nginx -t` refuses them; nothing is reloaded.
		{"h-worker-processes", "worker_processes 10000;\n" + good, "fail", `"worker_processes" directive is not allowed here`},
		{"i-worker-connections", "worker_connections 1000000;\n" + good, "fail", `"worker_connections" directive is not allowed here`},
		{"j-zone-too-big", "limit_req_zone $binary_remote_addr zone=z:64g rate=1r/s;\n" + good, "fail", `invalid zone size "zone=z:64g"`},
		// Absurd sizes nginx accepts: it allocates these buffers only as
		// requests need them (and the container's memory limit bounds
		// what it could). No protection of ours is involved; the case
		// shows that they neither break the server nor the grading.
		{"k-huge-buffers", strings.Replace(good, "server {", "server {\n    client_max_body_size 100g;\n    client_body_buffer_size 512m;\n    large_client_header_buffers 64 512m;\n", 1),
			"pass", ""},
		{"z-good", good, "pass", ""},
	})
}

// TestHostileReverseProxyConfigs grades nginx-reverse-proxy
// configurations that proxy elsewhere or with absurd buffers.
//
// Known gap, not tested here: a configuration that never proxies but
// answers /api/ with `return 200` and a JSON body built from nginx
// variables ($uri, $args, $host, $remote_addr, a map on
// $connection_requests for the name) passes every check of the lab, as
// the backends' answers hold nothing nginx cannot make up.
func TestHostileReverseProxyConfigs(t *testing.T) {
	good := readSolution(t, "nginx-reverse-proxy", "site.conf")
	gradeWebBox(t, "nginx-reverse-proxy", "site.conf", 20*time.Second, []webBoxCase{
		// A proxy to an address outside the lab. Protection: the checks
		// expect the lab's backends' JSON. Egress itself is not blocked
		// for nginx labs: nginx needs a published port, and Docker
		// publishes ports only from networks that are not internal. The
		// answer is a 404 of the mirror, a 502/504 when it cannot be
		// reached; when its name does not resolve, nginx does not load
		// the file, and the checks are skipped.
		{"a-proxy-outside", "server {\n    listen 80;\n    root /srv/site;\n    index index.html;\n    location /api/ {\n        proxy_pass http://deb.debian.org;\n        proxy_set_header Host deb.debian.org;\n        proxy_connect_timeout 2s;\n        proxy_read_timeout 2s;\n    }\n}\n",
			"fail", "expected status 200, got | host not found in upstream"},
		{"b-huge-proxy-buffers", strings.Replace(good, "proxy_pass http://api;", "proxy_pass http://api;\n        proxy_buffers 1024 1m;\n        proxy_buffer_size 64m;\n        proxy_busy_buffers_size 128m;\n        client_max_body_size 100g;", 1),
			"pass", ""},
		{"z-good", good, "pass", ""},
	})
}

// TestHostileBoxScripts grades hostile solution.sh files of
// linux-permissions, with a short deadline: each fails with a clear
// message, nothing they start outlives them, and the correct script
// graded last still passes on a box they went through (a reset
// recreates the box).
func TestHostileBoxScripts(t *testing.T) {
	good := readSolution(t, "linux-permissions", "solution.sh")
	outside := outsideAddr()
	run := gradeWebBox(t, "linux-permissions", "solution.sh", 20*time.Second, []webBoxCase{
		// The classic fork bomb; then the script waits 2 s without a fork
		// of its own and fails, so that the bomb's stderr is shown.
		// Protection: the box's process limit (PidsLimit; without it a
		// bomb once took this machine down): forks fail, and what is
		// left when the script ends is killed; the deadline would stop
		// it with all it started (see runner's
		// TestBoxStopsWhatAStoppedScriptStarted).
		{"a-fork-bomb", "#!/bin/bash\nmkfifo /root/fifo\nexec 3<>/root/fifo\n:(){ :|:& };:\nread -t 2 -u 3\nexit 1\n", "fail", "fork: retry: Resource temporarily unavailable"},
		// 2000 processes in a row: the 513th fork fails. (A foreground
		// bomb also meets the limit, but dies out in anything from 2 s to
		// past the deadline.) Without the limit, the script reports the
		// 2000 processes it started.
		{"b-fork-loop", "i=0\nwhile [ $i -lt 2000 ]; do sleep 1000 & i=$((i+1)); done\necho started $i processes >&2\nexit 1\n", "fail", "Cannot fork"},
		// Protection: Reset recreates the box, so the next script on the
		// worker finds users, tools and files again. (rm fails on /proc,
		// so the script does not apply and its checks are skipped.)
		{"c-rm-rf-root", "rm -rf --no-preserve-root /\n", "fail", "solution.sh exited with status 1"},
		// Protection: the file size limit (RLIMIT_FSIZE) stops the writer
		// at 256 MiB; without it the disk watch stops it at 1 GiB with
		// another message.
		{"d-fill-disk-one-file", "dd if=/dev/zero of=/big bs=1M\n", "fail", "File size limit exceeded"},
		// Many files under that limit. Protection: the disk watch stops
		// the script once the box's layer passes 1 GiB (see maxLayer
		// below); without it the script writes until its deadline.
		{"e-fill-disk-many-files", "i=0\nwhile :; do dd if=/dev/zero of=/big$i bs=1M count=100 2>/dev/null; i=$((i+1)); done\n",
			"fail", "wrote more than 1024 MiB to the box's disk; it was stopped"},
		// Endless output. Protections: the output kept is capped (see
		// maxRSS below) and the deadline stops the script.
		{"f-endless-output", "yes\n", "fail", "did not finish within"},
		// Protection: the box is on an internal network.
		{"g-reach-outside", "#!/bin/bash\nif timeout 2 bash -c 'exec 3<>/dev/tcp/" + outside + "/80'; then echo reached " + outside + "; exit 0; fi\necho cannot reach " + outside + " >&2\nexit 1\n",
			"fail", "cannot reach " + outside},
		{"z-good", good, "pass", ""},
	})
	// One writer stopped at 1 GiB and one at 256 MiB: with a poll every
	// 200 ms, a layer passes 1 GiB by what the disk takes until the stop
	// (up to 0.9 GiB seen under load). Without the watch, the writer goes
	// on for its whole deadline: 8.5 GiB here.
	if run.maxLayer > 3<<30 {
		t.Errorf("a box's writable layer reached %d MiB; the disk watch stops scripts at 1024 MiB", run.maxLayer>>20)
	}
	if run.maxLayer == 0 {
		t.Error("no writable layer size was seen; the measure is broken")
	}
	// yes writes for the whole deadline, of which 64 KiB are kept;
	// without the cap, lab grade holds about 1 GiB of it here.
	if run.maxRSS > 256<<20 {
		t.Errorf("lab grade used %d MiB of memory; the output of a script is capped at 64 KiB", run.maxRSS>>20)
	}
}

// outsideAddr is the address of a server outside the lab that this
// machine can reach (the Debian mirror, which Docker builds here use),
// resolved on this side, where names resolve.
func outsideAddr() string {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	addrs, _ := net.DefaultResolver.LookupHost(ctx, "deb.debian.org")
	for _, a := range addrs {
		if ip := net.ParseIP(a); ip != nil && ip.To4() != nil {
			return a
		}
	}
	return "1.1.1.1"
}

// TestFakeProxyIsNotFooled: a configuration that never proxies but makes
// up the backends' answers with `return` — names alternating through a
// map, the forwarded headers copied from nginx variables — fails every
// check of nginx-reverse-proxy that needs the backend. It relies on the
// backend's proof (X-Backend-Proof, the SHA-256 of the check's nonce),
// which nginx's configuration cannot compute.
func TestFakeProxyIsNotFooled(t *testing.T) {
	dockertest.Driver(t)
	fake := `map $connection_requests $fake_name { ~[02468]$ app1; default app2; }
server {
    listen 80;
    root /srv/site;
    location /api/ {
        default_type application/json;
        add_header X-Backend $fake_name;
        add_header X-Backend-Proof $http_x_lab_nonce;
        return 200 '{"name":"$fake_name","path":"$uri","query":"$args","host":"$host","headers":{"X-Forwarded-For":"$remote_addr","X-Forwarded-Proto":"$scheme"}}';
    }
}
`
	subs := t.TempDir()
	writeFile(t, filepath.Join(subs, "faker", "site.conf"), fake)
	out := t.TempDir()
	c := labCmd{t: t, bin: buildLab(t), dir: t.TempDir(), state: t.TempDir()}
	_, errOut, code := c.run("grade", "nginx-reverse-proxy", subs, "--format", "json", "--out", out)
	if code != 1 {
		t.Fatalf("grade: exit %d, want 1\n%s", code, errOut)
	}
	got, _ := readGraded(t, out)
	s := got["faker"]
	for _, tc := range s.Tests {
		if tc.Name == "front-page" {
			continue
		}
		if tc.Status != "fail" || !strings.Contains(tc.Message, "did not come from a backend") && !strings.Contains(tc.Message, "not the one the backend sent") {
			t.Errorf("%s: %s: %s", tc.Name, tc.Status, tc.Message)
		}
	}
}
