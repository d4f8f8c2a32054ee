package runner

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

// Credentials of the learner's Redis user, on a redis service with
// `acl: true`.
const (
	RedisLearnerUser     = "learner"
	RedisLearnerPassword = "learner"
)

// redisLearnerACL is the learner user's rules: every key and channel, every
// command but the dangerous ones (FLUSHALL, CONFIG, KEYS, DEBUG, INFO, ACL,
// SHUTDOWN, MONITOR, …), which are also named so that the rule reads as it
// means. "reset" first, so that applying it again gives the same user.
var redisLearnerACL = []any{"ACL", "SETUSER", RedisLearnerUser, "reset", "on", ">" + RedisLearnerPassword,
	"~*", "&*", "+@all", "-@dangerous",
	"-flushall", "-flushdb", "-config", "-debug", "-keys", "-shutdown", "-acl", "-monitor", "-module"}

// redisBatch is how many fixture commands are sent in one pipeline.
const redisBatch = 1000

// redisState is the serviceState of a redis service: seeded from files of
// Redis commands, reset by FLUSHALL and seeding again, and counters reset
// so that a check reads what one grading run did.
type redisState struct {
	env  *LabEnv
	name string
	svc  *labs.Service

	mu sync.Mutex
	c  *redis.Client
}

func newRedisState(e *LabEnv, name string, svc *labs.Service) *redisState {
	return &redisState{env: e, name: name, svc: svc}
}

// client returns the grader's client of the service (the default user),
// connected on first use and kept for the lab env's life.
func (st *redisState) client() (*redis.Client, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.c != nil {
		return st.c, nil
	}
	svc := st.env.Session.Service(st.name)
	if svc == nil || svc.HostPort == "" {
		return nil, envErr(fmt.Errorf("redis service %s is not running", st.name))
	}
	st.c = redis.NewClient(&redis.Options{
		Addr: svc.HostPort,
		// RESP2: replies are strings, integers and arrays, which is what
		// checks compare; no CLIENT SETINFO on connect.
		Protocol:        2,
		DisableIdentity: true,
		DialTimeout:     5 * time.Second,
		PoolSize:        4,
		MaxIdleConns:    2,
	})
	return st.c, nil
}

func (st *redisState) Seed(ctx context.Context) error {
	c, err := st.client()
	if err != nil {
		return err
	}
	for _, name := range st.svc.Fixtures {
		b, err := fs.ReadFile(st.env.files, path.Join(st.env.Lab.Dir, name))
		if err != nil {
			return fmt.Errorf("read fixture: %w", err)
		}
		if err := st.runFixture(ctx, c, name, string(b)); err != nil {
			return err
		}
	}
	if st.svc.ACL {
		if err := c.Do(ctx, redisLearnerACL...).Err(); err != nil {
			return envErr(fmt.Errorf("create learner user in %s: %w", st.name, err))
		}
	}
	if err := c.ConfigResetStat(ctx).Err(); err != nil {
		return envErr(fmt.Errorf("reset counters of %s: %w", st.name, err))
	}
	return nil
}

// runFixture sends a fixture's commands in pipelines and reports the
// first command Redis refused, with its line.
func (st *redisState) runFixture(ctx context.Context, c *redis.Client, name, text string) error {
	cmds, err := parseRedisCommands(text)
	if err != nil {
		return &FixtureError{Service: st.name, Fixture: name, Err: err}
	}
	for start := 0; start < len(cmds); start += redisBatch {
		batch := cmds[start:min(start+redisBatch, len(cmds))]
		pipe := c.Pipeline()
		results := make([]*redis.Cmd, len(batch))
		for i, cmd := range batch {
			args := make([]any, len(cmd.args))
			for j, a := range cmd.args {
				args[j] = a
			}
			results[i] = pipe.Do(ctx, args...)
		}
		_, perr := pipe.Exec(ctx)
		for i, r := range results {
			if err := r.Err(); err != nil && !errors.Is(err, redis.Nil) {
				if ctx.Err() != nil || !isRedisReply(err) {
					return envErr(fmt.Errorf("seed %s: %w", st.name, err))
				}
				return &FixtureError{Service: st.name, Fixture: name,
					Err: fmt.Errorf("line %d: %s: %w", batch[i].line, strings.ToUpper(batch[i].args[0]), err)}
			}
		}
		if perr != nil && !errors.Is(perr, redis.Nil) && !isRedisReply(perr) {
			return envErr(fmt.Errorf("seed %s: %w", st.name, perr))
		}
	}
	return nil
}

// isRedisReply reports whether err is an error reply of the server (the
// command was wrong), not a connection problem.
func isRedisReply(err error) bool {
	var re redis.Error
	return errors.As(err, &re)
}

// Reset empties every database, clears loaded scripts, seeds again and
// zeroes the counters.
func (st *redisState) Reset(ctx context.Context) error {
	c, err := st.client()
	if err != nil {
		return err
	}
	if err := c.FlushAll(ctx).Err(); err != nil {
		return envErr(fmt.Errorf("reset %s: %w", st.name, err))
	}
	if err := c.ScriptFlush(ctx).Err(); err != nil {
		return envErr(fmt.Errorf("reset %s: %w", st.name, err))
	}
	return st.Seed(ctx)
}

func (st *redisState) Apply(ctx context.Context, f *labs.SubmissionFile, content string, live bool) error {
	return fmt.Errorf("apply mode %q is not supported on a redis service", f.Apply)
}

// redisDo implements checks.Redis on a go-redis client.
type redisDo struct{ c *redis.Client }

func (r redisDo) Do(ctx context.Context, args ...any) (any, error) {
	v, err := r.c.Do(ctx, args...).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	return v, err
}

var _ checks.Redis = redisDo{}

// redisURL is how a container on the lab network reaches redis service
// name: as the learner's user where the service has one.
func redisURL(name string, svc *labs.Service) string {
	if svc.ACL {
		return fmt.Sprintf("redis://%s:%s@%s:6379/0", RedisLearnerUser, RedisLearnerPassword, name)
	}
	return fmt.Sprintf("redis://%s:6379/0", name)
}
