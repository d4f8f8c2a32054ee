package runner

import (
	"context"

	"github.com/labrunner/labrunner/images"

	"github.com/redis/go-redis/v9"

	"github.com/labrunner/labrunner/runner/engine"
)

var redisKind = kindSpec{
	Contract: engine.Contract{
		Port: "6379/tcp",
		// A disposable cache: no snapshots, no append-only file.
		Cmd:      []string{"redis-server", "--protected-mode", "no", "--save", "", "--appendonly", "no"},
		Probe:    redisProbe,
		Requires: redisRequires,
	},
	url:        func(hostPort string) string { return "redis://" + hostPort },
	image:      images.Redis,
	newState:   newRedisState,
	networkURL: redisNetworkURL,
}

// redisRequires is what the runner relies on in a Redis image that a file
// test can see. It also needs Redis 7 or later, which none can see:
// seeding sets maxmemory-clients and busy-reply-threshold, and Reset runs
// FUNCTION FLUSH (redis_state.go).
var redisRequires = engine.Requirements{
	Commands: []string{
		"redis-server", // the kind's command
		"redis-cli",    // `lab shell` (redisState.shell)
	},
}

func redisProbe(ctx context.Context, t engine.ProbeTarget) error {
	c := redis.NewClient(&redis.Options{Addr: t.HostPort, MaxRetries: -1, DisableIdentity: true})
	defer c.Close()
	return c.Ping(ctx).Err()
}
