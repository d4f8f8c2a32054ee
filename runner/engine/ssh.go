package engine

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client"
)

// sshArgs returns the arguments of ssh that reach the engine at an
// ssh://[user@]host[:port] URL, as the docker CLI's connection helper
// runs it: `docker system dial-stdio` on the host relays the API over
// ssh's stdin and stdout.
func sshArgs(host string) ([]string, error) {
	u, err := url.Parse(host)
	if err != nil || u.Scheme != "ssh" || u.Hostname() == "" {
		return nil, fmt.Errorf("DOCKER_HOST=%s: want ssh://[user@]host[:port]", host)
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("DOCKER_HOST=%s: an ssh:// engine address has no path", host)
	}
	args := []string{"-o", "ConnectTimeout=30", "-T"}
	if u.User != nil {
		args = append(args, "-l", u.User.Username())
	}
	if p := u.Port(); p != "" {
		args = append(args, "-p", p)
	}
	return append(args, "--", u.Hostname(), "docker", "system", "dial-stdio"), nil
}

// sshOptions are the client options of an engine at an ssh:// URL: every
// connection is a new ssh process. The host name given to the client is
// a placeholder the requests carry; ssh decides where they go.
func sshOptions(host string) ([]client.Opt, error) {
	args, err := sshArgs(host)
	if err != nil {
		return nil, err
	}
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		// Not CommandContext: the connection outlives the dial's context.
		cmd := exec.Command("ssh", args...)
		c := &cmdConn{cmd: cmd}
		var err error
		if c.in, err = cmd.StdinPipe(); err != nil {
			return nil, err
		}
		if c.out, err = cmd.StdoutPipe(); err != nil {
			return nil, err
		}
		cmd.Stderr = &c.stderr
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("ssh to the engine: %w", err)
		}
		return c, nil
	}
	return []client.Opt{client.WithHost("http://docker.example.com"), client.WithDialContext(dial)}, nil
}

// cmdConn is a net.Conn over a process's stdin and stdout.
type cmdConn struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    io.ReadCloser
	stderr lockedBuffer
	once   sync.Once
}

func (c *cmdConn) Read(p []byte) (int, error) {
	n, err := c.out.Read(p)
	if err == io.EOF {
		if msg := strings.TrimSpace(c.stderr.String()); msg != "" {
			return n, fmt.Errorf("ssh: %s", firstLine(msg))
		}
	}
	return n, err
}

func (c *cmdConn) Write(p []byte) (int, error) { return c.in.Write(p) }

// CloseWrite ends the request stream; the hijacked connections of exec
// use it.
func (c *cmdConn) CloseWrite() error { return c.in.Close() }

func (c *cmdConn) Close() error {
	c.once.Do(func() {
		c.in.Close()
		if c.cmd.Process != nil {
			c.cmd.Process.Kill()
		}
		c.cmd.Wait()
	})
	return nil
}

func (c *cmdConn) LocalAddr() net.Addr                { return sshAddr{} }
func (c *cmdConn) RemoteAddr() net.Addr               { return sshAddr{} }
func (c *cmdConn) SetDeadline(t time.Time) error      { return nil }
func (c *cmdConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *cmdConn) SetWriteDeadline(t time.Time) error { return nil }

// sshAddr is the address of a cmdConn.
type sshAddr struct{}

func (sshAddr) Network() string { return "ssh" }
func (sshAddr) String() string  { return "ssh" }

// lockedBuffer is a bytes.Buffer safe for a writer and a reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 4096 {
		return len(p), nil
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// firstLine returns s up to its first newline.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
