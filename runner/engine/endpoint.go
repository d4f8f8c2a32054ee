package engine

import (
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// Endpoint is where the engine is and how the ports it publishes are
// reached from here.
type Endpoint struct {
	// Host is the engine's address: "unix:///var/run/docker.sock",
	// "tcp://build.example.edu:2376", "ssh://ann@build.example.edu".
	Host string
	// Remote is true when the engine runs on another machine (or another
	// address of this one) than the loopback: its published ports are not
	// on this machine's 127.0.0.1.
	Remote bool
	// DialHost is the address published ports are dialled on: 127.0.0.1
	// for a local engine, the engine's host for a remote one.
	DialHost string
	// BindIP is the address the engine publishes ports on: 127.0.0.1 for a
	// local engine (the services use fixed passwords), the engine's IP
	// when DOCKER_HOST names one, else 0.0.0.0, every address of the
	// engine's machine, since lab cannot know which of them reaches it.
	BindIP string
}

// endpointOf derives the Endpoint of the engine at host, the daemon URL
// the client uses (from DOCKER_HOST, the Docker context, or a socket
// found). Engines behind a unix socket or a named pipe are local, even
// Docker Desktop's and colima's, which run in a VM but forward published
// ports to this machine's loopback; so are tcp:// and ssh:// to
// localhost, 127.0.0.1 and ::1.
func endpointOf(host string) Endpoint {
	local := Endpoint{Host: host, DialHost: "127.0.0.1", BindIP: "127.0.0.1"}
	u, err := url.Parse(host)
	if err != nil || host == "" {
		return local
	}
	switch u.Scheme {
	case "tcp", "http", "https", "ssh":
	default:
		return local
	}
	h := u.Hostname()
	if h == "" || h == "localhost" || h == "127.0.0.1" || h == "::1" {
		return local
	}
	e := Endpoint{Host: host, Remote: true, DialHost: h, BindIP: "0.0.0.0"}
	if ip, err := netip.ParseAddr(h); err == nil {
		e.BindIP = ip.String()
	}
	return e
}

// hostPortOn joins host and port, bracketing an IPv6 host.
func hostPortOn(host, port string) string {
	return net.JoinHostPort(strings.Trim(host, "[]"), port)
}
