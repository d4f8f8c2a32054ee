package runner

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/labrunner/labrunner/images"

	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

// Kind is a service kind a lab can declare; the names are labs' (labs.KindPostgres, …).
type Kind = string

// kindSpec is everything runner knows of a kind: the container contract
// the engine needs (port, env, command, probe, limits, whether it runs
// learners' code), and the lab state the kind keeps.
type kindSpec struct {
	engine.Contract
	// image is the kind's image in labrunner's set; configuration can
	// replace it (images.go).
	image images.Image
	// url is how a client on the host connects, given "host:port".
	url func(hostPort string) string
	// httpsPort is the container port of the kind's HTTPS endpoint, one
	// of its MorePorts, or "" (see checkEnv.HTTPSURL).
	httpsPort string
	// programs marks kinds where learners' programs run: their services
	// start with the lab's connection variables (see programEnv), and the
	// programs reach the other services themselves, outside any grading
	// transaction.
	programs bool

	// newState returns the lab state of a service of the kind; nil means
	// a kind with no state of its own (plainState).
	newState func(t *stateTarget) serviceState
	// networkURL is how a learner's program on the lab network reaches
	// service name of the kind, and the variable that names the first
	// such service ("DATABASE_URL"); nil for kinds programs do not use.
	networkURL func(name string, def *labs.Service) (first, url string)
}

// idleCmd keeps a box or runtime container alive doing nothing and exits at
// once on SIGTERM, so that stopping it does not wait for a grace period.
var idleCmd = []string{"/bin/sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"}

// kinds is the table of service kinds, keyed by labs' names, one file
// each. Adding a kind is a row here and its file.
var kinds = map[Kind]kindSpec{
	labs.KindBackend:  backendKind,
	labs.KindBox:      boxKind,
	labs.KindNginx:    nginxKind,
	labs.KindPostgres: postgresKind,
	labs.KindRedis:    redisKind,
	labs.KindRuntime:  runtimeKind,
}

// Kinds returns the service kinds runner can start, sorted.
func Kinds() []Kind { return slices.Sorted(maps.Keys(kinds)) }

func lookupKind(k Kind) (kindSpec, error) {
	spec, ok := kinds[k]
	if !ok {
		return kindSpec{}, fmt.Errorf("unknown service kind %q (known: %s)", k, strings.Join(Kinds(), ", "))
	}
	return spec, nil
}

// execProbe is the readiness probe of kinds without a port: a command runs.
func execProbe(cmd ...string) func(ctx context.Context, t engine.ProbeTarget) error {
	return func(ctx context.Context, t engine.ProbeTarget) error {
		res, err := t.Exec(ctx, cmd)
		if err != nil {
			return err
		}
		if res.ExitCode != 0 {
			return fmt.Errorf("%s: exit %d: %s", strings.Join(cmd, " "), res.ExitCode, res.Stderr)
		}
		return nil
	}
}

// httpProbe is the readiness probe of an HTTP server: GET path answers,
// with status want (0: any status), as testcontainers' wait.ForHTTP.
func httpProbe(path string, want int) func(ctx context.Context, t engine.ProbeTarget) error {
	return func(ctx context.Context, t engine.ProbeTarget) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+t.HostPort+path, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if want != 0 && resp.StatusCode != want {
			return fmt.Errorf("GET %s: %s", path, resp.Status)
		}
		return nil
	}
}

// httpURL is the url of kinds that serve HTTP.
func httpURL(hostPort string) string { return "http://" + hostPort }
