package runner

import (
	"context"
	_ "embed"
	"fmt"
	"net"
	"strconv"

	"github.com/moby/moby/api/types/container"

	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner/engine"
)

// A serving runtime's port. The runtime container runs learners' code,
// so it sits on the session's internal network alone: nothing in it can
// reach the host or the outside, and Docker publishes no port of a
// container on an internal network. A relay container of labrunner's own
// (the runtime's image, running runtime_relay.py, none of the learner's
// code) joins the internal network and the session's published one, and
// passes every TCP connection to its published port on to the program's
// port, byte for byte: the grader's http checks talk to the learner's
// program as if it were published, and a port where nothing listens
// resets the connection as the program's own would.

//go:embed runtime_relay.py
var relayCode string

// relaySuffix names a relay after its service: "app" → "app.port". A lab
// service name has no dot, so no lab service can take the name.
const relaySuffix = ".port"

// relayKind is the kind label of relay containers.
const relayKind = "relay"

// relayName is the name of service's relay in its session.
func relayName(service string) string { return service + relaySuffix }

// Limits of a relay container.
const (
	relayMemory = 64 << 20
	relayPids   = 96
)

// relaySpec is the spec of the relay of serving runtime service name,
// started from image.
func relaySpec(name, image string, serve *labs.Serve) engine.ServiceSpec {
	port := strconv.Itoa(serve.Port)
	return engine.ServiceSpec{
		Name:  relayName(name),
		Kind:  relayKind,
		Image: image,
		Contract: engine.Contract{
			Port:  port + "/tcp",
			Cmd:   []string{"python3", "-I", "-S", "-c", relayCode, name, port},
			Probe: tcpProbe,
			HostConfig: func(hc *container.HostConfig) {
				hc.Memory = relayMemory
				hc.MemorySwap = relayMemory
				pids := int64(relayPids)
				hc.PidsLimit = &pids
				hc.SecurityOpt = append(hc.SecurityOpt, "no-new-privileges")
				hc.CapDrop = []string{"ALL"}
			},
		},
	}
}

// tcpProbe is ready when the published port accepts a connection.
func tcpProbe(ctx context.Context, t engine.ProbeTarget) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", t.HostPort)
	if err != nil {
		return fmt.Errorf("connect %s: %w", t.HostPort, err)
	}
	return c.Close()
}
