package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
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

// redisConfig bounds what a learner's program can make Redis do. Seeding
// applies it, at every reset too: a program with the default user's
// rights (acl: false) may have changed it.
var redisConfig = []any{"CONFIG", "SET",
	// Data: past it, writes get an OOM error, well before the container's
	// memory limit would kill Redis.
	"maxmemory", "256mb", "maxmemory-policy", "noeviction",
	// Clients' buffers: past it, the biggest clients are disconnected.
	"maxmemory-clients", "128mb",
	// A value, a request: a SET of 500 MB is refused at its header.
	"proto-max-bulk-len", "16mb", "client-query-buffer-limit", "32mb",
	// A script that runs longer gets others the BUSY reply, which a reset
	// answers by killing it (see recover).
	"busy-reply-threshold", "1000",
	// A disposable cache, as the server's command line says.
	"save", "", "appendonly", "no",
}

// redisPassword is the default user's password on a redis service with a
// learner user, so that the learner's program cannot skip that user. It
// is derived from the container's full id, which only a client of the
// Docker engine reads: the grader, seeding and `lab shell` compute it
// again from the session, in any process.
func redisPassword(containerID string) string {
	sum := sha256.Sum256([]byte("labrunner redis default user\x00" + containerID))
	return hex.EncodeToString(sum[:16])
}

// redisBatch is how many fixture commands are sent in one pipeline.
const redisBatch = 1000

// redisState is the serviceState of a redis service: seeded from files of
// Redis commands, reset by FLUSHALL and seeding again, and counters reset
// so that a check reads what one grading run did.
type redisState struct {
	t    *stateTarget
	name string
	svc  *labs.Service

	mu sync.Mutex
	c  *redis.Client
	// seeded is what Redis' configuration and users were after the
	// first seeding; a reset that finds them otherwise restarts Redis.
	seeded string
}

func newRedisState(t *stateTarget) serviceState {
	return &redisState{t: t, name: t.name, svc: t.def}
}

// client returns the grader's client of the service (the default user),
// connected on first use and kept until Redis is restarted.
func (st *redisState) client() (*redis.Client, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.c != nil {
		return st.c, nil
	}
	svc, err := st.t.service()
	if err != nil {
		return nil, err
	}
	if svc.Addr() == "" {
		return nil, envErr(fmt.Errorf("service %s is not running", st.name))
	}
	st.c = redis.NewClient(&redis.Options{
		Addr: svc.Addr(),
		// Before seeding sets the password, the default user takes any
		// (AUTH with a user name; the legacy form would be refused).
		Username: "default",
		Password: redisPassword(svc.ID()),
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
	if err := c.Do(ctx, redisConfig...).Err(); err != nil {
		return envErr(fmt.Errorf("configure %s: %w", st.name, err))
	}
	for _, name := range st.svc.Fixtures {
		b, err := fs.ReadFile(st.t.lab.FS(), name)
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
		svc, err := st.t.service()
		if err != nil {
			return err
		}
		if err := c.Do(ctx, "ACL", "SETUSER", "default", "on", "resetpass", ">"+redisPassword(svc.ID())).Err(); err != nil {
			return envErr(fmt.Errorf("protect the default user of %s: %w", st.name, err))
		}
	}
	if err := c.ConfigResetStat(ctx).Err(); err != nil {
		return envErr(fmt.Errorf("reset counters of %s: %w", st.name, err))
	}
	if st.seeded == "" {
		snap, err := st.settings(ctx, c)
		if err != nil {
			return err
		}
		st.seeded = snap
	}
	return nil
}

// settings is every configuration parameter and every ACL user of Redis,
// as one comparable text: what a program with the default user's rights
// could change (CONFIG SET timeout, maxclients, notify-keyspace-events; a
// user of its own) for the next submission.
func (st *redisState) settings(ctx context.Context, c *redis.Client) (string, error) {
	cfg, err := c.ConfigGet(ctx, "*").Result()
	if err != nil {
		return "", envErr(fmt.Errorf("read the configuration of %s: %w", st.name, err))
	}
	users, err := c.Do(ctx, "ACL", "LIST").StringSlice()
	if err != nil {
		return "", envErr(fmt.Errorf("read the users of %s: %w", st.name, err))
	}
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(cfg)) {
		fmt.Fprintf(&b, "config %s %s\n", k, cfg[k])
	}
	for _, u := range slices.Sorted(slices.Values(users)) {
		fmt.Fprintf(&b, "acl %s\n", u)
	}
	return b.String(), nil
}

// drifted names the first setting that differs from the seeded ones, or "".
func drifted(seeded, now string) string {
	want := strings.Split(seeded, "\n")
	got := strings.Split(now, "\n")
	for i := range max(len(want), len(got)) {
		if i >= len(want) || i >= len(got) || want[i] != got[i] {
			line := ""
			if i < len(got) {
				line = got[i]
			}
			if line == "" && i < len(want) {
				line = want[i]
			}
			name, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(line, "config "), "acl "), " ")
			return name
		}
	}
	return ""
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

// Reset brings back a Redis the last program left unusable, empties every
// database, clears loaded scripts and functions, seeds again (the config
// included) and zeroes the counters.
func (st *redisState) Reset(ctx context.Context) error {
	if err := st.recover(ctx); err != nil {
		return err
	}
	c, err := st.client()
	if err != nil {
		return err
	}
	if st.seeded != "" {
		now, err := st.settings(ctx, c)
		if err != nil {
			return err
		}
		if name := drifted(st.seeded, now); name != "" {
			// Only the server's own start brings back every parameter
			// and user as they were.
			if err := st.restart(ctx, fmt.Errorf("the last program changed %s", name)); err != nil {
				return err
			}
			if c, err = st.client(); err != nil {
				return err
			}
		}
	}
	if err := c.FlushAll(ctx).Err(); err != nil {
		return envErr(fmt.Errorf("reset %s: %w", st.name, err))
	}
	if err := c.ScriptFlush(ctx).Err(); err != nil {
		return envErr(fmt.Errorf("reset %s: %w", st.name, err))
	}
	if err := c.FunctionFlush(ctx).Err(); err != nil {
		return envErr(fmt.Errorf("reset %s: %w", st.name, err))
	}
	return st.Seed(ctx)
}

// recover makes Redis answer the grader again. A script the program left
// running (an endless loop in EVAL) keeps Redis busy after the program
// was killed: SCRIPT KILL (or FUNCTION KILL) stops it, unless it wrote,
// and then only stopping the server does: its container is restarted. So
// is a Redis that is gone (the kernel kills it when a script's Lua
// memory, which maxmemory does not bound, fills the container) or that
// refuses the grader.
func (st *redisState) recover(ctx context.Context) error {
	svc, err := st.t.service()
	if err != nil {
		return err
	}
	// Asked first, so that the client does not dial a port that is gone.
	state, err := svc.State(ctx)
	if err != nil {
		return envErr(fmt.Errorf("reset %s: %w", st.name, err))
	}
	if !state.Running {
		return st.restart(ctx, fmt.Errorf("it exited with code %d (out of memory: %t)", state.ExitCode, state.OOMKilled))
	}
	c, err := st.client()
	if err != nil {
		return err
	}
	err = c.Ping(ctx).Err()
	if err == nil {
		return nil
	}
	if isRedisBusy(err) {
		kerr := c.ScriptKill(ctx).Err()
		if kerr != nil && strings.HasPrefix(kerr.Error(), "NOTBUSY") {
			kerr = c.FunctionKill(ctx).Err()
		}
		if kerr == nil || strings.HasPrefix(kerr.Error(), "NOTBUSY") {
			// The script stops at its next check for the kill.
			for range 50 {
				if err = c.Ping(ctx).Err(); err == nil || !isRedisBusy(err) {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			if err == nil {
				return nil
			}
		} else {
			// UNKILLABLE: restarting the container stops the server as
			// SHUTDOWN NOSAVE would, without the client dialling again.
			return st.restart(ctx, kerr)
		}
	}
	if ctx.Err() != nil {
		return envErr(fmt.Errorf("reset %s: %w", st.name, err))
	}
	return st.restart(ctx, err)
}

// isRedisBusy reports whether err is Redis' BUSY reply: a script or a
// function is running.
func isRedisBusy(err error) bool {
	return isRedisReply(err) && strings.HasPrefix(err.Error(), "BUSY")
}

// restart starts the Redis container again (it is published on a new
// port), forgets the grader's connections and waits until Redis answers;
// the caller seeds it.
func (st *redisState) restart(ctx context.Context, cause error) error {
	svc, err := st.t.service()
	if err != nil {
		return err
	}
	fail := func(err error) error {
		return envErr(fmt.Errorf("restart %s, which did not answer (%v): %w", st.name, cause, err))
	}
	st.mu.Lock()
	err = svc.Restart(ctx, "")
	hostPort := svc.Addr()
	st.mu.Unlock()
	if err != nil {
		return fail(err)
	}
	st.mu.Lock()
	old := st.c
	st.c = nil
	st.mu.Unlock()
	if old != nil {
		old.Close()
	}
	for {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err = redisKind.Probe(pctx, engine.ProbeTarget{HostPort: hostPort})
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fail(err)
		case <-time.After(engine.ProbeInterval):
		}
	}
}

// Begin resets Redis unless the run is live; checks then use the
// grader's client.
func (st *redisState) Begin(ctx context.Context, opts runOptions) (serviceRun, error) {
	if !opts.Live {
		if err := st.Reset(ctx); err != nil {
			return nil, err
		}
	}
	return redisRunOf{st}, nil
}

// redisRunOf is a grading run on a redis service.
type redisRunOf struct{ st *redisState }

func (r redisRunOf) Apply(ctx context.Context, f *labs.SubmissionFile, content string) error {
	return fmt.Errorf("apply mode %q is not supported on a redis service", f.Apply)
}

func (redisRunOf) End(ctx context.Context) error { return nil }

// Redis returns the grader's client.
func (r redisRunOf) Redis() (checks.Redis, error) {
	c, err := r.st.client()
	if err != nil {
		return nil, err
	}
	return redisDo{c}, nil
}

// learnerURL is the learner user's URL where the service has one.
func (st *redisState) learnerURL() string {
	svc := st.t.sess.lookup(st.name)
	if svc == nil || svc.Addr() == "" {
		return ""
	}
	if st.svc.ACL {
		return fmt.Sprintf("redis://%s:%s@%s/0", RedisLearnerUser, RedisLearnerPassword, svc.Addr())
	}
	return serviceURL(st.svc.Kind, svc.Addr())
}

// shell is redis-cli as the default user, with its password where it has
// one.
func (st *redisState) shell() ([]string, []string) {
	id := ""
	if svc := st.t.sess.lookup(st.name); svc != nil {
		id = svc.ID()
	}
	return []string{"redis-cli", "--user", "default"}, []string{"REDISCLI_AUTH=" + redisPassword(id)}
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

// redisNetworkURL is how a container on the lab network reaches redis
// service name: as the learner's user where the service has one.
func redisNetworkURL(name string, svc *labs.Service) (string, string) {
	if svc.ACL {
		return "REDIS_URL", fmt.Sprintf("redis://%s:%s@%s:6379/0", RedisLearnerUser, RedisLearnerPassword, name)
	}
	return "REDIS_URL", fmt.Sprintf("redis://%s:6379/0", name)
}

// health reports a Redis that is gone or does not answer the grader: a
// program's failure then is no grade of the program.
func (st *redisState) health(ctx context.Context) error {
	svc, err := st.t.service()
	if err != nil {
		return err
	}
	state, err := svc.State(ctx)
	if err != nil {
		return err
	}
	if !state.Running {
		return fmt.Errorf("Redis exited with code %d (out of memory: %t)", state.ExitCode, state.OOMKilled)
	}
	c, err := st.client()
	if err != nil {
		return err
	}
	if err := c.Ping(ctx).Err(); err != nil && !isRedisBusy(err) && !lockedOut(err) {
		return fmt.Errorf("Redis does not answer: %w", err)
	}
	return nil
}

// lockedOut reports an error of a Redis that answers but refuses the
// grader's password: only a program with the default user's rights (acl:
// false) can do that, so it is the program's doing, graded as it is; the
// next reset starts Redis again.
func lockedOut(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "WRONGPASS") || strings.Contains(msg, "NOAUTH")
}

var _ healthChecker = (*redisState)(nil)
