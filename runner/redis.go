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
		Cmd:   []string{"redis-server", "--protected-mode", "no", "--save", "", "--appendonly", "no"},
		Probe: redisProbe,
	},
	url:        func(hostPort string) string { return "redis://" + hostPort },
	image:      images.Redis,
	newState:   newRedisState,
	networkURL: redisNetworkURL,
}

func redisProbe(ctx context.Context, t engine.ProbeTarget) error {
	c := redis.NewClient(&redis.Options{Addr: t.HostPort, MaxRetries: -1, DisableIdentity: true})
	defer c.Close()
	return c.Ping(ctx).Err()
}
