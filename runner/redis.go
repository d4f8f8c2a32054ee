package runner

import (
	"context"

	"github.com/redis/go-redis/v9"
)

var redisKind = kindSpec{
	port: "6379/tcp",
	// A disposable cache: no snapshots, no append-only file.
	cmd: []string{"redis-server", "--protected-mode", "no", "--save", "", "--appendonly", "no"},
	probe: func(ctx context.Context, t probeTarget) error {
		c := redis.NewClient(&redis.Options{Addr: t.hostPort, MaxRetries: -1, DisableIdentity: true})
		defer c.Close()
		return c.Ping(ctx).Err()
	},
	url:        func(hostPort string) string { return "redis://" + hostPort },
	newState:   newRedisState,
	networkURL: redisNetworkURL,
}
