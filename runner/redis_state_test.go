package runner

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

func newFakeRedis(t *testing.T, def *labs.Service) (*redisState, *fakeService, *fakeSession) {
	tg, svc, sess := fakeTarget(t, "cache", def, nil)
	st := newRedisState(tg).(*redisState)
	t.Cleanup(func() {
		if st.c != nil {
			st.c.Close()
		}
	})
	return st, svc, sess
}

func TestRedisClient(t *testing.T) {
	st, svc, sess := newFakeRedis(t, &labs.Service{Kind: labs.KindRedis})
	c, err := st.client()
	if err != nil {
		t.Fatal(err)
	}
	o := c.Options()
	if o.Addr != svc.addr || o.Username != "default" || o.Password != redisPassword(svc.id) || o.Protocol != 2 || !o.DisableIdentity {
		t.Errorf("options %+v", o)
	}
	if again, _ := st.client(); again != c {
		t.Error("the client is not kept")
	}

	st, svc, _ = newFakeRedis(t, &labs.Service{Kind: labs.KindRedis})
	svc.addr = ""
	var ee *EnvError
	if _, err := st.client(); !errors.As(err, &ee) || err.Error() != "service cache is not running" {
		t.Errorf("no port: %v", err)
	}
	st, _, sess = newFakeRedis(t, &labs.Service{Kind: labs.KindRedis})
	delete(sess.services, "cache")
	if _, err := st.client(); !errors.As(err, &ee) {
		t.Errorf("not running: %v", err)
	}
}

func TestRedisPassword(t *testing.T) {
	a, b := redisPassword("abc"), redisPassword("abd")
	if len(a) != 32 || a == b || a != redisPassword("abc") || strings.Contains(a, "abc") {
		t.Errorf("passwords %q %q", a, b)
	}
}

// TestRedisRecoverRestartsAnExitedServer: a Redis whose container exited
// is restarted; here it never answers again, and the reset fails once its
// context ends, naming why it restarted.
func TestRedisRecoverRestartsAnExitedServer(t *testing.T) {
	st, svc, _ := newFakeRedis(t, &labs.Service{Kind: labs.KindRedis})
	svc.addr = "127.0.0.1:1" // nothing listens there
	svc.state = engine.ContainerState{Running: false, ExitCode: 137, OOMKilled: true}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := st.Reset(ctx)
	var ee *EnvError
	if !errors.As(err, &ee) || !strings.HasPrefix(err.Error(), "restart cache, which did not answer (it exited with code 137 (out of memory: true)): ") {
		t.Errorf("got %v", err)
	}
	if !slices.Equal(svc.restarts, []string{""}) {
		t.Errorf("restarts %q", svc.restarts)
	}
}

func TestRedisRun(t *testing.T) {
	st, _, _ := newFakeRedis(t, &labs.Service{Kind: labs.KindRedis})
	run, err := st.Begin(context.Background(), runOptions{Live: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Apply(context.Background(), &labs.SubmissionFile{File: "x", Apply: labs.ApplySQL}, ""); err == nil ||
		err.Error() != `apply mode "sql" is not supported on a redis service` {
		t.Errorf("apply: %v", err)
	}
	r, ok := run.(redisRun)
	if !ok {
		t.Fatal("a redis run has no client")
	}
	if c, err := r.Redis(); err != nil || c == nil {
		t.Errorf("Redis: %v", err)
	}
	if err := run.End(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestRedisNetworkURL(t *testing.T) {
	for _, tc := range []struct {
		acl  bool
		want string
	}{{false, "redis://cache:6379/0"}, {true, "redis://learner:learner@cache:6379/0"}} {
		first, url := redisNetworkURL("cache", &labs.Service{Kind: labs.KindRedis, ACL: tc.acl})
		if first != "REDIS_URL" || url != tc.want {
			t.Errorf("acl %t: %s=%s, want %s", tc.acl, first, url, tc.want)
		}
	}
}

func TestRedisConfigLists(t *testing.T) {
	acl := redisLearnerACL
	if !slices.Equal(acl[:5], []any{"ACL", "SETUSER", RedisLearnerUser, "reset", "on"}) {
		t.Errorf("the learner's rules must start with reset: %v", acl[:5])
	}
	for _, deny := range []any{"-@dangerous", "-flushall", "-config", "-keys", "-acl", ">" + RedisLearnerPassword} {
		if !slices.Contains(acl, deny) {
			t.Errorf("the learner's rules lack %v", deny)
		}
	}
	cfg := redisConfig
	if !slices.Equal(cfg[:2], []any{"CONFIG", "SET"}) || len(cfg)%2 != 0 {
		t.Fatalf("CONFIG SET takes name-value pairs: %v", cfg)
	}
	set := map[any]any{}
	for i := 2; i < len(cfg); i += 2 {
		set[cfg[i]] = cfg[i+1]
	}
	for k, v := range map[string]string{"maxmemory": "256mb", "maxmemory-policy": "noeviction", "save": "", "appendonly": "no", "busy-reply-threshold": "1000"} {
		if set[k] != v {
			t.Errorf("%s = %v, want %q", k, set[k], v)
		}
	}
}

func TestDrifted(t *testing.T) {
	seeded := "config maxclients 10000\nconfig timeout 0\nacl user default on\n"
	for _, c := range []struct{ now, want string }{
		{seeded, ""},
		{"config maxclients 10000\nconfig timeout 1\nacl user default on\n", "timeout"},
		{seeded + "acl user mine on\n", "user"},
		{"config maxclients 10000\n", "timeout"},
	} {
		if got := drifted(seeded, c.now); got != c.want {
			t.Errorf("drifted(%q) = %q, want %q", c.now, got, c.want)
		}
	}
}
