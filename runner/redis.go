package runner

import (
	"context"

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
	images:     map[string]string{ImageSetOfficial: "redis:7.4.2-alpine3.21", ImageSetOffline: "labrunner/redis:7"},
	newState:   newRedisState,
	networkURL: redisNetworkURL,
}

func redisProbe(ctx context.Context, t engine.ProbeTarget) error {
	c := redis.NewClient(&redis.Options{Addr: t.HostPort, MaxRetries: -1, DisableIdentity: true})
	defer c.Close()
	return c.Ping(ctx).Err()
}
