package engine

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/moby/api/types/container"
	mnet "github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// LabelMorePorts lists a service's Contract.MorePorts, comma-separated,
// so that another process finds where they are published (FindSession).
const LabelMorePorts = "io.labrunner.more-ports"

// AddrOf returns "ip:port" where container port (Port or one of
// MorePorts, "443/tcp") is published on this machine, or "" when it is
// not.
func (s *Service) AddrOf(port string) string {
	if port == s.port {
		return s.HostPort
	}
	return s.more[port]
}

// morePorts returns where each of ports of the container is published.
func (d *Driver) morePorts(ctx context.Context, id string, ports []string) (map[string]string, error) {
	if len(ports) == 0 {
		return nil, nil
	}
	insp, err := d.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return nil, fmt.Errorf("inspect container: %w", err)
	}
	out := map[string]string{}
	for _, p := range ports {
		for _, b := range insp.Container.NetworkSettings.Ports[mnet.MustParsePort(p)] {
			if b.HostPort != "" {
				out[p] = hostPortOn(d.Endpoint.DialHost, b.HostPort)
				break
			}
		}
		if out[p] == "" {
			return nil, fmt.Errorf("port %s is not published", p)
		}
	}
	return out, nil
}

// morePortsOf returns where the ports LabelMorePorts names are published,
// from a running container's entry in a container list.
func (d *Driver) morePortsOf(c container.Summary) (map[string]string, error) {
	label := c.Labels[LabelMorePorts]
	if label == "" {
		return nil, nil
	}
	out := map[string]string{}
	for _, p := range strings.Split(label, ",") {
		want, err := mnet.ParsePort(p)
		if err != nil {
			return nil, fmt.Errorf("container %s: label %s=%q: %w", shortID(c.ID), LabelMorePorts, label, err)
		}
		for _, cp := range c.Ports {
			if cp.PrivatePort == want.Num() && string(want.Proto()) == cp.Type && cp.PublicPort != 0 {
				out[p] = hostPortOn(d.Endpoint.DialHost, strconv.Itoa(int(cp.PublicPort)))
				break
			}
		}
		if out[p] == "" {
			return nil, fmt.Errorf("container %s: port %s is not published", shortID(c.ID), p)
		}
	}
	return out, nil
}
