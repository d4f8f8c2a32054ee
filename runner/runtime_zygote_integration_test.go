package runner_test

import (
	"context"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/runner/engine"
)

// zygoteTamper is a hostile program forked from the runtime's zygote: it
// changes what it got of the zygote (a driver's class, sys.modules,
// builtins, its folder and environment), leaves a thread and a file, and
// tries to kill the zygote, which it may not.
const zygoteTamper = `import builtins, glob, json, os, sys, threading, time
import redis
assert "pyspeed" not in sys.modules
redis.Redis.get = lambda *a, **k: "tampered"
sys.modules["json"] = None
sys.modules["pyspeed"] = "tampered"
builtins.tampered = True
os.environ["TAMPERED"] = "1"
threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
open("/tmp/tampered", "w").write("x")
for pidfile in glob.glob("/run/labrunner/*.pid"):
    try:
        os.kill(int(open(pidfile).read()), 9)
        raise SystemExit("killed the zygote")
    except PermissionError:
        pass
os.chdir("/tmp")
print("ok")
`

// zygoteClean is the next program: it started as a fork of the zygote (its
// drivers were imported before it ran), and none of that reached it.
const zygoteClean = `import builtins, os, sys, threading
assert "redis" in sys.modules, "not a fork of the zygote"
import redis, json
assert redis.Redis.get.__module__ == "redis.commands.core", redis.Redis.get
assert json.dumps([1]) == "[1]"
assert "pyspeed" not in sys.modules
assert not hasattr(builtins, "tampered")
assert "TAMPERED" not in os.environ
assert threading.active_count() == 1, threading.enumerate()
assert not os.path.exists("/tmp/tampered")
assert os.getcwd() == "/app", os.getcwd()
assert sys.argv == ["/app/prog.py"] and sys.path[0] == "/app", (sys.argv, sys.path[0])
assert sys.modules["__main__"].__file__ == "/app/prog.py"
print("ok")
`

// TestProgramZygoteIsolation: a program run through the zygote cannot
// influence the next one through the state they both start from.
func TestProgramZygoteIsolation(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env, grade := startProgramLab(t, ctx, d, programLab())
	// Seed starts the zygote; it is ready once it wrote its pid file.
	app := env.Session.Service("app")
	for {
		res, err := app.Exec(ctx, []string{"/bin/sh", "-c", "ls /run/labrunner/*.sock.pid"}, engine.ExecOptions{User: "root"})
		if err != nil {
			t.Fatalf("waiting for the zygote: %v", err)
		}
		if res.ExitCode == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for i, prog := range []string{zygoteClean, zygoteTamper, zygoteClean, zygoteTamper, zygoteClean} {
		rep := grade(t, prog)
		if r := rep.Results[0]; r.Status != checks.Pass {
			t.Errorf("run %d: %s %s\n%s", i+1, r.Status, r.Message, r.Output)
		}
	}
}
