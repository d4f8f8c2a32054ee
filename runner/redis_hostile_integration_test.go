package runner_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/redis/go-redis/v9"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// startProgramLab starts lab and closes it when the test ends, checking
// that nothing is left. It returns a grader of prog.py.
func startProgramLab(t *testing.T, ctx context.Context, d *runner.Driver, lab *labs.Lab) (*runner.LabEnv, func(t *testing.T, prog string) *checks.Report) {
	t.Helper()
	env := dockertest.StartLab(t, ctx, d, lab)
	return env, func(t *testing.T, prog string) *checks.Report {
		t.Helper()
		rep, err := env.Check(ctx, runner.Submission{"prog.py": prog}, runner.CheckOptions{Name: t.Name()})
		if err != nil {
			t.Fatalf("check: %v", err)
		}
		return rep
	}
}

// usesRedis is a program that writes to Redis as the lab lets it.
const usesRedis = "import os, redis\nr = redis.Redis.from_url(os.environ['REDIS_URL'])\nr.set('k', 'v' * 1000)\nprint('ok')\n"

// TestRedisDefaultUser: with a learner user, the default user has a
// password that the grader and `lab shell` know and the program does not;
// a Redis that died (as the kernel's OOM killer would kill it) is started
// again by the next reset.
func TestRedisDefaultUser(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	lab := programLab()
	env, grade := startProgramLab(t, ctx, d, lab)

	t.Run("without the password, the default user can do nothing", func(t *testing.T) {
		c := redis.NewClient(&redis.Options{Addr: env.Session.Service("cache").HostPort, Protocol: 2, DisableIdentity: true})
		defer c.Close()
		if err := c.FlushAll(ctx).Err(); err == nil || !strings.Contains(err.Error(), "NOAUTH") {
			t.Errorf("FLUSHALL without a password: %v", err)
		}
		if u := env.LearnerURL("cache"); !strings.HasPrefix(u, "redis://learner:learner@127.0.0.1:") {
			t.Errorf("the learner's URL is %s", u)
		}
	})

	t.Run("lab shell connects as the default user", func(t *testing.T) {
		cli, cliEnv, err := env.ShellCommand("cache")
		if err != nil {
			t.Fatal(err)
		}
		res, err := env.Session.Service("cache").Exec(ctx, append(cli, "CONFIG", "GET", "maxmemory"), engine.ExecOptions{Env: cliEnv})
		if err != nil || res.ExitCode != 0 || !strings.Contains(res.Stdout, "268435456") {
			t.Errorf("redis-cli CONFIG GET maxmemory: %v %+v", err, res)
		}
	})

	t.Run("a Redis that was killed is started again", func(t *testing.T) {
		cache := env.Session.Service("cache")
		if _, err := d.Client().ContainerKill(ctx, cache.ContainerID, client.ContainerKillOptions{Signal: "KILL"}); err != nil {
			t.Fatal(err)
		}
		rep := grade(t, usesRedis)
		if got := statuses(rep); got != "runs:pass seeded:pass hash:pass" {
			t.Errorf("got %s\n%+v", got, rep.Results)
		}
	})
}

// TestRedisWithoutACL: without a learner user (acl: false), the program
// has the default user's full rights; a reset restores the config the
// grader relies on, and a Redis the program locked the grader out of is
// started again.
func TestRedisWithoutACL(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	lab := programLab()
	lab.Services["cache"].ACL = false
	env, grade := startProgramLab(t, ctx, d, lab)

	for _, c := range []struct{ name, prog string }{
		{"configures Redis", "import os, redis\nr = redis.Redis.from_url(os.environ['REDIS_URL'])\nr.config_set('maxmemory', '1')\nr.config_set('proto-max-bulk-len', '1gb')\nprint('ok')\n"},
		{"locks the grader out", "import os, redis\nr = redis.Redis.from_url(os.environ['REDIS_URL'])\nr.execute_command('ACL', 'SETUSER', 'default', 'resetpass', '>mine')\nr.execute_command('CLIENT', 'KILL', 'USER', 'default')\nprint('ok')\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			grade(t, c.prog)
			rep := grade(t, usesRedis)
			if got := statuses(rep); got != "runs:pass seeded:pass hash:pass" {
				t.Errorf("the next program: got %s\n%+v", got, rep.Results)
			}
		})
	}

	t.Run("lab shell connects", func(t *testing.T) {
		cli, cliEnv, err := env.ShellCommand("cache")
		if err != nil {
			t.Fatal(err)
		}
		res, err := env.Session.Service("cache").Exec(ctx, append(cli, "PING"), engine.ExecOptions{Env: cliEnv})
		if err != nil || strings.TrimSpace(res.Stdout) != "PONG" {
			t.Errorf("redis-cli PING: %v %+v", err, res)
		}
	})
}

// poisonsRedis changes every persistent thing of Redis and the runtime
// that a program with the default user's rights reaches: configuration,
// users, scripts, functions, keys in other databases, temporary files.
const poisonsRedis = `import os, redis
r = redis.Redis.from_url(os.environ['REDIS_URL'])
r.config_set('notify-keyspace-events', 'KEA')
r.config_set('hash-max-listpack-entries', '1')
r.config_set('slowlog-log-slower-than', '0')
r.execute_command('ACL', 'SETUSER', 'intruder', 'on', '>x', '+@all', '~*')
r.script_load('return 1')
r.function_load("#!lua name=poison\nredis.register_function('p', function() return 1 end)", replace=True)
r.set('left', 'behind')
r.execute_command('SELECT', 3)
r.set('elsewhere', 'x')
for d in ('/tmp', '/var/tmp', '/dev/shm'):
    open(d + '/poison', 'w').write('x')
print('ok')
`

// findsCleanRedis prints ok only when nothing of an earlier submission is
// left: it is a correct submission that a poisoned worker would fail.
const findsCleanRedis = `import hashlib, os, redis
r = redis.Redis.from_url(os.environ['REDIS_URL'], decode_responses=True)
bad = []
if r.config_get('notify-keyspace-events')['notify-keyspace-events'] != '': bad.append('notify-keyspace-events')
if r.config_get('hash-max-listpack-entries')['hash-max-listpack-entries'] == '1': bad.append('hash-max-listpack-entries')
if r.config_get('slowlog-log-slower-than')['slowlog-log-slower-than'] == '0': bad.append('slowlog')
if 'intruder' in r.execute_command('ACL', 'USERS'): bad.append('acl user')
if r.script_exists(hashlib.sha1(b'return 1').hexdigest())[0]: bad.append('script')
if r.function_list(): bad.append('function')
keyspace = r.info('keyspace')
if list(keyspace) != ['db0'] or keyspace['db0']['keys'] != 2: bad.append('keys %r' % keyspace)
for d in ('/tmp', '/var/tmp', '/dev/shm'):
    if os.listdir(d): bad.append(d + ' %r' % os.listdir(d))
r.set('mine', 'x')
print('ok' if not bad else 'left over: ' + ', '.join(bad))
`

// TestRedisHostileNeighbour: a submission that poisons Redis and the
// runtime, then correct ones on the same worker: each correct one passes.
func TestRedisHostileNeighbour(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	lab := programLab()
	lab.Services["cache"].ACL = false
	_, grade := startProgramLab(t, ctx, d, lab)
	if got := statuses(grade(t, findsCleanRedis)); got != "runs:pass seeded:pass hash:pass" {
		t.Fatalf("before any poison: %s %+v", got, grade(t, findsCleanRedis).Results)
	}
	grade(t, poisonsRedis)
	for i := range 3 {
		rep := grade(t, findsCleanRedis)
		if got := statuses(rep); got != "runs:pass seeded:pass hash:pass" {
			t.Errorf("correct submission %d after the poison: %s\n%+v", i+1, got, rep.Results)
		}
	}
}

// TestRedisDiedIsNoGrade: a check that fails because Redis died under
// the program is the environment's failure, never the program's fail;
// the next run has a Redis again.
func TestRedisDiedIsNoGrade(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	lab := programLab()
	lab.Services["cache"].ACL = false
	env := dockertest.StartLab(t, ctx, d, lab)
	dies := "import os, redis\nr = redis.Redis.from_url(os.environ['REDIS_URL'])\ntry:\n    r.shutdown(nosave=True)\nexcept Exception:\n    pass\nr.set('k', 'v')\n"
	rep, err := env.Check(ctx, runner.Submission{"prog.py": dies}, runner.CheckOptions{Name: "dies"})
	var ee *runner.EnvError
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "service cache stopped working") {
		t.Fatalf("got %v, %+v; want an EnvError naming the cache", err, rep)
	}
	rep, err = env.Check(ctx, runner.Submission{"prog.py": usesRedis}, runner.CheckOptions{Name: "next"})
	if err != nil || statuses(rep) != "runs:pass seeded:pass hash:pass" {
		t.Errorf("the next submission: %v %+v", err, rep)
	}
}
