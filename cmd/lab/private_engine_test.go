//go:build enginefault

package main_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/labrunner/labrunner/runner"
)

// privateEngine is a Docker engine of the test's own, a second dockerd
// beside the shared one, that a test may stop and start again: the
// shared engine is never restarted, since other tests (and other
// processes) use it. It has its own data root, exec root, socket and
// bridge, and touches no iptables rules: its published ports are the
// userland proxy's, on 127.0.0.1, and the default bridge is its own.
type privateEngine struct {
	dir, sock, bridge string
	args              []string
	cmd               *exec.Cmd
	// exited receives the running dockerd's end.
	exited chan error
}

// startPrivateEngine starts a private engine, loads images into it from
// the shared engine (docker save | docker load), points every lab process
// the test starts at it (DOCKER_HOST), and stops and removes it when the
// test ends. It needs root and dockerd: it fails with CI=true when it
// cannot start one, and skips loudly otherwise.
func startPrivateEngine(t *testing.T, images ...string) *privateEngine {
	t.Helper()
	unable := func(format string, args ...any) {
		t.Helper()
		msg := fmt.Sprintf(format, args...)
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and no private Docker engine: %s", msg)
		}
		t.Skipf("\n*** SKIPPING INTEGRATION TEST: no private Docker engine (%s).\n*** It needs root and dockerd; set CI=true to make this a failure.", msg)
	}
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("integration test: skipped with -short")
	}
	dockerd, err := exec.LookPath("dockerd")
	if err != nil {
		unable("%v", err)
	}
	if os.Geteuid() != 0 {
		unable("not root")
	}
	// A dockerd started with --bridge deletes the default docker0 bridge
	// of its network namespace: in the shared engine's, that cuts off
	// every container on its default network, and no container can start
	// there again until that dockerd restarts. The test runs only in a
	// network namespace of its own.
	if exec.Command("ip", "link", "show", "docker0").Run() == nil {
		unable("this network namespace holds docker0, the shared engine's bridge, which a private dockerd would delete; run the test in a namespace of its own, as scripts/test.sh does: unshare --net sh -c 'ip link set lo up && go test -tags enginefault -run TestGradeEngine ./cmd/lab'")
	}
	// A short folder: a unix socket's path has at most 107 bytes.
	dir, err := os.MkdirTemp("", "labef-")
	if err != nil {
		t.Fatal(err)
	}
	n := os.Getpid() % 250
	e := &privateEngine{dir: dir, sock: filepath.Join(dir, "docker.sock"), bridge: fmt.Sprintf("labef%d", os.Getpid()%100000)}
	subnet := fmt.Sprintf("10.234.%d.1/24", n)
	for _, c := range [][]string{
		{"ip", "link", "add", e.bridge, "type", "bridge"},
		{"ip", "addr", "add", subnet, "dev", e.bridge},
		{"ip", "link", "set", e.bridge, "up"},
	} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			exec.Command("ip", "link", "del", e.bridge).Run()
			os.RemoveAll(dir)
			unable("%s: %v %s", strings.Join(c, " "), err, out)
		}
	}
	e.args = []string{dockerd,
		"--data-root", filepath.Join(dir, "data"), "--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "dockerd.pid"), "-H", "unix://" + e.sock,
		"--bridge", e.bridge, "--iptables=false", "--ip6tables=false", "--ip-masq=false",
		"--default-address-pool", fmt.Sprintf("base=10.235.%d.0/24,size=28", n),
		"--cgroup-parent", e.bridge,
	}
	t.Cleanup(func() {
		e.stop(t)
		if out, err := exec.Command("ip", "link", "del", e.bridge).CombinedOutput(); err != nil {
			t.Errorf("remove bridge %s: %v %s", e.bridge, err, out)
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("remove the private engine's folder: %v", err)
		}
	})
	if err := e.startErr(); err != nil {
		unable("%v", err)
	}
	for _, img := range images {
		script := fmt.Sprintf("docker save %q | DOCKER_HOST=%q docker load", img, "unix://"+e.sock)
		if out, err := exec.Command("bash", "-o", "pipefail", "-c", script).CombinedOutput(); err != nil {
			t.Fatalf("load %s into the private engine: %v\n%s", img, err, out)
		}
	}
	t.Setenv("DOCKER_HOST", "unix://"+e.sock)
	return e
}

// startErr starts dockerd on the engine's folders and waits until it
// answers.
func (e *privateEngine) startErr() error {
	log, err := os.OpenFile(filepath.Join(e.dir, "dockerd.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	e.cmd = exec.Command(e.args[0], e.args[1:]...)
	e.cmd.Stdout, e.cmd.Stderr = log, log
	if err := e.cmd.Start(); err != nil {
		return err
	}
	cmd, exited := e.cmd, make(chan error, 1)
	e.exited = exited
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			e.cmd = nil
			b, _ := os.ReadFile(filepath.Join(e.dir, "dockerd.log"))
			return fmt.Errorf("dockerd exited: %v\n%s", err, tail(string(b), 2000))
		case <-time.After(100 * time.Millisecond):
		}
		if exec.Command("docker", "-H", "unix://"+e.sock, "version").Run() == nil {
			return nil
		}
	}
	return fmt.Errorf("dockerd did not answer on %s within a minute", e.sock)
}

// start starts the engine again on the same data root: its containers
// are there, stopped.
func (e *privateEngine) start(t *testing.T) {
	t.Helper()
	if err := e.startErr(); err != nil {
		t.Fatal(err)
	}
}

// stop stops the engine as an administrator does (SIGTERM; dockerd stops
// its containers, then exits) and waits until the process is gone.
func (e *privateEngine) stop(t *testing.T) {
	t.Helper()
	if e.cmd == nil {
		return
	}
	e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-e.exited:
	case <-time.After(time.Minute):
		e.cmd.Process.Kill()
		<-e.exited
		t.Errorf("dockerd did not stop within a minute of SIGTERM: killed")
	}
	e.cmd = nil
}

// tail is the last n bytes of s.
func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// imageOf is the image labs' services of kind run, as configured.
func imageOf(t *testing.T, kind string) string {
	t.Helper()
	cfg, err := runner.LoadConfig(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Image(kind)
}
