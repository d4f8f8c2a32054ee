package runner

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/moby/moby/api/types/container"
)

// Kind is a service kind a lab can declare.
type Kind string

// The service kinds.
const (
	KindBackend  Kind = "backend"
	KindBox      Kind = "box"
	KindNginx    Kind = "nginx"
	KindPostgres Kind = "postgres"
	KindRedis    Kind = "redis"
	KindRuntime  Kind = "runtime"
)

// kindSpec is what the driver needs to know of a kind: the port it serves,
// how it is configured, and how to tell that it is ready.
type kindSpec struct {
	// port is the container port published on 127.0.0.1 ("5432/tcp"), or
	// "" for kinds reached only by exec.
	port string
	// env is the environment every container of the kind gets.
	env map[string]string
	// cmd replaces the image's command when not nil.
	cmd []string
	// probe returns nil once the service answers.
	probe func(ctx context.Context, t probeTarget) error
	// url is how a client on the host connects, given "host:port".
	url func(hostPort string) string
	// hostConfig adds the kind's limits to its containers' host
	// configuration, when not nil.
	hostConfig func(hc *container.HostConfig)
}

// probeTarget is what a readiness probe may use.
type probeTarget struct {
	hostPort string
	exec     func(ctx context.Context, cmd []string) (ExecResult, error)
}

// idleCmd keeps a box or runtime container alive doing nothing and exits at
// once on SIGTERM, so that stopping it does not wait for a grace period.
var idleCmd = []string{"/bin/sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"}

// kinds is the table of service kinds, one file each.
var kinds = map[Kind]kindSpec{
	KindBackend:  backendKind,
	KindBox:      boxKind,
	KindNginx:    nginxKind,
	KindPostgres: postgresKind,
	KindRedis:    redisKind,
	KindRuntime:  runtimeKind,
}

// Kinds returns the known service kinds, sorted.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func kindNames() []string {
	var names []string
	for _, k := range Kinds() {
		names = append(names, string(k))
	}
	return names
}

func lookupKind(k Kind) (kindSpec, error) {
	spec, ok := kinds[k]
	if !ok {
		return kindSpec{}, fmt.Errorf("unknown service kind %q (known: %s)", k, strings.Join(kindNames(), ", "))
	}
	return spec, nil
}

// execProbe is the readiness probe of kinds without a port: a command runs.
func execProbe(cmd ...string) func(ctx context.Context, t probeTarget) error {
	return func(ctx context.Context, t probeTarget) error {
		res, err := t.exec(ctx, cmd)
		if err != nil {
			return err
		}
		if res.ExitCode != 0 {
			return fmt.Errorf("%s: exit %d: %s", strings.Join(cmd, " "), res.ExitCode, res.Stderr)
		}
		return nil
	}
}
