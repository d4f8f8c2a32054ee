package main_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/runner/engine"
)

// tcpEngine serves the local engine's API on a TCP port of 127.0.0.2, as
// a remote engine's would be (dockerd -H tcp://…): a proxy to the unix
// socket, copying bytes both ways, so that hijacked streams (exec) work.
// It returns the address, "127.0.0.2:PORT".
func tcpEngine(t *testing.T) string {
	t.Helper()
	socket := localSocket(t)
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatalf("listen on 127.0.0.2 (a loopback address on Linux): %v", err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				u, err := net.Dial("unix", socket)
				if err != nil {
					return
				}
				defer u.Close()
				done := make(chan struct{}, 2)
				go func() { io.Copy(u, c); u.(*net.UnixConn).CloseWrite(); done <- struct{}{} }()
				go func() { io.Copy(c, u); c.(*net.TCPConn).CloseWrite(); done <- struct{}{} }()
				<-done
				<-done
			}()
		}
	}()
	return l.Addr().String()
}

// TestRemoteEngine: with the engine at tcp://127.0.0.2:PORT, as a remote
// engine would be named, published ports are bound and dialled on
// 127.0.0.2, not on this machine's 127.0.0.1 — through DOCKER_HOST,
// through a Docker context, and through DOCKER_HOST=ssh://…. lab doctor says so, lab start prints
// connection URLs there, and lab check grades through them.
func TestRemoteEngine(t *testing.T) {
	d := dockertest.Driver(t)
	addr := tcpEngine(t)
	bin := buildLab(t)

	// A Docker context as `docker context create remote --docker
	// host=tcp://…` and `docker context use remote` write it.
	dockerConfig := t.TempDir()
	sum := sha256.Sum256([]byte("remote"))
	writeFile(t, filepath.Join(dockerConfig, "contexts", "meta", hex.EncodeToString(sum[:]), "meta.json"),
		`{"Name":"remote","Metadata":{},"Endpoints":{"docker":{"Host":"tcp://`+addr+`","SkipTLSVerify":false}}}`)
	writeFile(t, filepath.Join(dockerConfig, "config.json"), `{"auths": {}, "currentContext": "remote"}`)

	// An ssh on PATH that runs the command it is given here, against the
	// local engine, as ssh would on the engine's host: what lab runs
	// through ssh:// is real, only the network hop is not.
	fakeBin, sshLog := t.TempDir(), filepath.Join(t.TempDir(), "ssh.log")
	writeFile(t, filepath.Join(fakeBin, "ssh"), "#!/bin/sh\necho \"$@\" >> "+sshLog+"\n"+
		"while [ \"$1\" != -- ]; do shift; done\nshift 2\nDOCKER_HOST=unix://"+localSocket(t)+" exec \"$@\"\n")
	if err := os.Chmod(filepath.Join(fakeBin, "ssh"), 0o755); err != nil {
		t.Fatal(err)
	}

	for _, how := range []struct {
		name string
		env  []string
	}{
		{"DOCKER_HOST", []string{"DOCKER_HOST=tcp://" + addr}},
		{"docker context", []string{"DOCKER_CONFIG=" + dockerConfig}},
		{"ssh", []string{"DOCKER_HOST=ssh://ann@127.0.0.2", "PATH=" + fakeBin + string(os.PathListSeparator) + os.Getenv("PATH")}},
	} {
		t.Run(how.name, func(t *testing.T) {
			var env []string
			for _, kv := range isolatedEnv(t, append(how.env, "LAB_STATE_DIR="+t.TempDir())...) {
				if !strings.HasPrefix(kv, "DOCKER_HOST=") || how.name != "docker context" {
					env = append(env, kv)
				}
			}
			engineAt := "tcp://" + addr
			if how.name == "ssh" {
				engineAt = "ssh://ann@127.0.0.2"
			}
			work := t.TempDir()
			out, errOut, code := runLab(t, bin, work, env, time.Minute, "doctor")
			if code != 0 || !strings.Contains(out, "docker\t"+engineAt+" ") || !strings.Contains(out, "ports\tpublished on 127.0.0.2 and dialled on 127.0.0.2") {
				t.Errorf("lab doctor: exit %d, want the engine at %s and ports on 127.0.0.2\n%s%s", code, engineAt, out, errOut)
			}

			out, errOut, code = runLab(t, bin, work, env, 3*time.Minute, "start", "sql-join")
			ws := filepath.Join(work, "sql-join")
			st, err := workspace.Open(ws)
			if err == nil && st.State.Session != "" {
				t.Cleanup(func() {
					s := d.NewSession("sql-join")
					s.ID = st.State.Session
					s.Close(context.Background())
				})
			}
			if code != 0 || err != nil {
				t.Fatalf("lab start sql-join: exit %d, %v\n%s%s", code, err, out, errOut)
			}
			if !strings.Contains(out, "@127.0.0.2:") || strings.Contains(out, "127.0.0.1") {
				t.Errorf("lab start: the connection URLs are not on 127.0.0.2:\n%s", out)
			}
			assertBoundOn(t, d, st.State.Session, "127.0.0.2")

			writeFile(t, filepath.Join(ws, "solution.sql"), string(mustRead(t, "../../labs/sql-join/solution/solution.sql")))
			if out, errOut, code = runLab(t, bin, ws, env, 2*time.Minute, "check"); code != 0 {
				t.Errorf("lab check of the reference solution: exit %d, want 0\n%s%s", code, out, errOut)
			}
			if out, errOut, code = runLab(t, bin, ws, env, 2*time.Minute, "stop"); code != 0 {
				t.Errorf("lab stop: exit %d\n%s%s", code, out, errOut)
			}
			dockertest.NoLeftovers(t, d, engine.LabelSession+"="+st.State.Session, "lab stop")
			if how.name == "ssh" {
				if log := string(mustRead(t, sshLog)); !strings.Contains(log, "-l ann -- 127.0.0.2 docker system dial-stdio") {
					t.Errorf("ssh was run as:\n%s", log)
				}
			}
		})
	}
}

// localSocket is the path of the local engine's unix socket.
func localSocket(t *testing.T) string {
	t.Helper()
	if h := os.Getenv("DOCKER_HOST"); strings.HasPrefix(h, "unix://") {
		return strings.TrimPrefix(h, "unix://")
	} else if h != "" {
		t.Fatalf("DOCKER_HOST=%s: this test proxies a unix socket", h)
	}
	return "/var/run/docker.sock"
}

// assertBoundOn fails unless every published port of session is bound
// on ip.
func assertBoundOn(t *testing.T, d interface{ Client() *client.Client }, session, ip string) {
	t.Helper()
	list, err := d.Client().ContainerList(context.Background(), client.ContainerListOptions{
		Filters: make(client.Filters).Add("label", engine.LabelSession+"="+session),
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range list.Items {
		for _, p := range c.Ports {
			if p.PublicPort == 0 {
				continue
			}
			n++
			if p.IP.String() != ip {
				t.Errorf("container %s publishes port %d on %s, want %s", c.Names, p.PrivatePort, p.IP, ip)
			}
		}
	}
	if n == 0 {
		t.Errorf("session %s publishes no port", session)
	}
}
