package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client"
	"github.com/redis/go-redis/v9"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// otherLabs are the labs besides sql-join whose cold and warm `lab check`
// the suite measures: one per service kind the SQL rows do not cover.
var otherLabs = []string{"redis-cache-aside", "nginx-static", "linux-permissions"}

// coldCheckLab measures `lab check` of a workspace of lab whose services
// do not run, with the lab's reference solution, against the floor: `docker
// run -d` of a container per service of the lab, all at once as runner
// starts them, with the image, command, environment, tmpfs mounts and
// published port runner gives that service in this lab (learned from a
// session of the lab, unmeasured), each polled with its kind's readiness
// probe, then one `docker rm -fv` of them all. The floor creates no
// network, copies no files, seeds nothing and grades nothing.
func coldCheckLab(lab string) benchmark {
	var (
		ws     string
		floors []floorService
	)
	l, loadErr := loadLab(os.DirFS("labs"), lab)
	return benchmark{
		name: "check-cold-" + lab,
		rows: []row{{op: "cold lab check " + lab, unit: unitSeconds, note: coldNote(l)}},
		// Seconds per run: as few as the sql-join row.
		maxRuns: 3,
		setup: func(ctx context.Context, e *env) (func(), error) {
			if loadErr != nil {
				return nil, loadErr
			}
			dir, err := os.MkdirTemp("", "lab-bench-cold-")
			if err != nil {
				return nil, err
			}
			ws = dir
			teardown := func() { os.RemoveAll(dir) }
			floors, err = learnLabConfigs(ctx, e, lab)
			return teardown, err
		},
		labrunner: func(ctx context.Context, e *env) ([]float64, error) {
			if err := newWorkspace(ws, lab); err != nil {
				return nil, err
			}
			r, err := runLab(ctx, e, labOptions{timeout: 2 * time.Minute}, "check", "-C", ws)
			if err != nil {
				return nil, err
			}
			return []float64{r.wall.Seconds()}, nil
		},
		reference: func(ctx context.Context, e *env) ([]float64, error) {
			d, err := floorLifecycle(ctx, e, floors)
			if err != nil {
				return nil, err
			}
			return []float64{d.Seconds()}, nil
		},
	}
}

// coldNote is the note of a cold row, which names the lab's services.
func coldNote(l *labs.Lab) string {
	if l == nil || len(l.Services) == 0 {
		return ""
	}
	var kinds []string
	for _, name := range slices.Sorted(maps.Keys(l.Services)) {
		kinds = append(kinds, l.Services[name].Kind)
	}
	what := "the lab's " + kinds[0]
	if len(kinds) > 1 {
		what = "the lab's " + strings.Join(kinds, " + ") + " at once"
	}
	return fmt.Sprintf("≤ 3 runs + warm-up; floor: docker run -d of %s (runner's image, command, env, tmpfs) + the same readiness probes + one docker rm -fv; no network, files, seeding or checks", what)
}

// floorService is how the floor runs one service of a lab.
type floorService struct {
	name string
	kind runner.Kind
	cfg  refConfig
}

// learnLabConfigs starts lab with runner, unmeasured, and reads from each
// service's container what the floor must run the same way.
func learnLabConfigs(ctx context.Context, e *env, lab string) (_ []floorService, err error) {
	fsys := os.DirFS("labs")
	l, err := loadLab(fsys, lab)
	if err != nil {
		return nil, err
	}
	le, err := e.d.StartLab(ctx, l)
	if err != nil {
		return nil, fmt.Errorf("learn the containers of %s: %w", lab, err)
	}
	session := le.Session.ID
	e.own(engine.LabelSession + "=" + session)
	defer func() {
		err = errors.Join(err, le.Close(ctx))
		if n, lerr := e.removeLeftovers(engine.LabelSession + "=" + session); lerr != nil || n > 0 {
			err = errors.Join(err, fmt.Errorf("Close left %d objects of session %s (removed now): %v", n, session, lerr))
		}
	}()
	var out []floorService
	for _, svc := range le.Session.Services() {
		cfg, err := inspectConfig(ctx, e.d.Client(), svc.ContainerID)
		if err != nil {
			return nil, fmt.Errorf("learn the container of %s/%s: %w", lab, svc.Name, err)
		}
		out = append(out, floorService{name: svc.Name, kind: svc.Kind, cfg: cfg})
	}
	return out, nil
}

// floorLifecycle starts every service of floors at once, each with
// dockerStart, and removes them all with one `docker rm -fv`; it returns
// the time from the first `docker run` to the end of the removal.
func floorLifecycle(ctx context.Context, e *env, floors []floorService) (time.Duration, error) {
	session := e.nextSession()
	defer e.sweepSession(session)
	ids := make([]string, len(floors))
	errs := make([]error, len(floors))
	t0 := time.Now()
	var wg sync.WaitGroup
	for i, f := range floors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i], errs[i] = dockerStart(ctx, e, session, f.name, f.kind, f.cfg)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return 0, err
	}
	if _, err := docker(append([]string{"rm", "-fv"}, ids...)...); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}

// warmFloor is the reference of a warm check: the essential work of the
// lab's checks done directly against the running services.
type warmFloor struct {
	note string
	// run does the work once; it is measured whole.
	run func(ctx context.Context, e *env, l *labs.Lab, sess *engine.Session) error
}

// warmFloors are the references of the warm rows, by lab.
var warmFloors = map[string]warmFloor{
	"redis-cache-aside": {
		note: "floor: PING as the learner user on a new Redis connection + one exec round trip (python3 -c pass in the runtime, engine API)",
		run: func(ctx context.Context, e *env, l *labs.Lab, sess *engine.Session) error {
			cache, err := serviceOf(sess, labs.KindRedis)
			if err != nil {
				return err
			}
			app, err := serviceOf(sess, labs.KindRuntime)
			if err != nil {
				return err
			}
			c := redis.NewClient(&redis.Options{Addr: cache.HostPort, Username: runner.RedisLearnerUser,
				Password: runner.RedisLearnerPassword, Protocol: 2, DisableIdentity: true, MaxRetries: -1})
			err = c.Ping(ctx).Err()
			c.Close()
			if err != nil {
				return fmt.Errorf("redis ping: %w", err)
			}
			return execProbe("python3", "-c", "pass")(ctx, probeTarget{containerID: app.ContainerID, d: e.d})
		},
	},
	"nginx-static": {
		note: "floor: the GETs of the lab's http checks (7, one keep-alive connection, bodies read) against the running nginx",
		run: func(ctx context.Context, e *env, l *labs.Lab, sess *engine.Session) error {
			web, err := serviceOf(sess, labs.KindNginx)
			if err != nil {
				return err
			}
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			for _, p := range httpPaths(l) {
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+web.HostPort+p, nil)
				if err != nil {
					return err
				}
				resp, err := tr.RoundTrip(req)
				if err != nil {
					return err
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil {
					return err
				}
			}
			return nil
		},
	},
	"linux-permissions": {
		note: "floor: one exec round trip in the running box (true, engine API: create, attach, inspect)",
		run: func(ctx context.Context, e *env, l *labs.Lab, sess *engine.Session) error {
			box, err := serviceOf(sess, labs.KindBox)
			if err != nil {
				return err
			}
			return execProbe("true")(ctx, probeTarget{containerID: box.ContainerID, d: e.d})
		},
	},
}

// warmCheckLab measures `lab check` of lab in a workspace whose services
// run (`lab start` once, in setup) against warmFloors[lab].
func warmCheckLab(lab string) benchmark {
	var (
		ws     string
		l      *labs.Lab
		sess   *engine.Session
		warned bool
	)
	floor := warmFloors[lab]
	return benchmark{
		name: "check-warm-" + lab,
		rows: []row{{op: "warm lab check " + lab, unit: unitSeconds, note: floor.note}},
		setup: func(ctx context.Context, e *env) (func(), error) {
			if floor.run == nil {
				return nil, fmt.Errorf("no warm floor for %s", lab)
			}
			dir, err := os.MkdirTemp("", "lab-bench-warm-")
			if err != nil {
				return nil, err
			}
			ws = filepath.Join(dir, "ws")
			teardown := func() {
				stopWorkspace(e, ws)
				os.RemoveAll(dir)
			}
			if l, err = loadLab(os.DirFS("labs"), lab); err != nil {
				return teardown, err
			}
			sess, err = startLabWorkspace(ctx, e, lab, ws)
			return teardown, err
		},
		labrunner: func(ctx context.Context, e *env) ([]float64, error) {
			r, err := execLab(ctx, e, labOptions{}, "check", "-C", ws)
			if r.pid != 0 {
				err = errors.Join(err, warmLeftovers(e, lab, sess.ID, r.pid, &warned))
			}
			if err != nil {
				return nil, err
			}
			return []float64{r.wall.Seconds()}, nil
		},
		reference: func(ctx context.Context, e *env) ([]float64, error) {
			// A check may have replaced containers (a box is recreated
			// at every reset): the session as it is now, unmeasured.
			now, err := e.d.FindSession(ctx, sess.ID)
			if err != nil {
				return nil, err
			}
			t0 := time.Now()
			if err := floor.run(ctx, e, l, now); err != nil {
				return nil, err
			}
			return []float64{time.Since(t0).Seconds()}, nil
		},
	}
}

// warmLeftovers is runLab's leftover check for a check of a running lab:
// what the check process created outside the lab's session is removed and
// reported as an error; a container of the session it created (a box
// recreated by a reset) belongs to the running lab, but carries the check
// process's pid and no keep label, so that `lab gc --stale` takes the
// running lab for the remains of a killed command: a warning, once.
func warmLeftovers(e *env, lab, session string, pid int, warned *bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f := make(client.Filters).Add("label", engine.LabelPID+"="+strconv.Itoa(pid), engine.LabelHost+"="+hostname())
	cli := e.d.Client()
	cl, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return err
	}
	var relabelled []string
	var errs []error
	for _, c := range cl.Items {
		if c.Labels[engine.LabelSession] == session {
			if c.Labels[engine.LabelKeep] != "true" {
				relabelled = append(relabelled, c.Labels[engine.LabelService])
			}
			continue
		}
		if _, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
			errs = append(errs, err)
		}
		errs = append(errs, fmt.Errorf("lab check left container %s of session %s behind (removed now)", c.ID[:12], c.Labels[engine.LabelSession]))
	}
	nl, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, n := range nl.Items {
		if n.Labels[engine.LabelSession] == session {
			continue
		}
		if _, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil {
			errs = append(errs, err)
		}
		errs = append(errs, fmt.Errorf("lab check left network %s behind (removed now)", n.Name))
	}
	if len(relabelled) > 0 && !*warned {
		*warned = true
		e.warn("warm lab check %s: the %s container it recreates in the running session carries the check's pid and no %s label: `lab gc --stale` would remove it from a lab the learner still runs", lab, strings.Join(relabelled, ", "), engine.LabelKeep)
	}
	return errors.Join(errs...)
}

// serviceOf returns the session's only service of kind k.
func serviceOf(sess *engine.Session, k runner.Kind) (*engine.Service, error) {
	i := slices.IndexFunc(sess.Services(), func(s *engine.Service) bool { return s.Kind == k })
	if i < 0 {
		return nil, fmt.Errorf("session %s has no %s service", sess.ID, k)
	}
	return sess.Services()[i], nil
}

// httpPaths returns the paths the lab's http checks request, in order,
// repeats included.
func httpPaths(l *labs.Lab) []string {
	var out []string
	add := func(p string, n int) {
		if p == "" {
			p = "/"
		}
		for range max(n, 1) {
			out = append(out, p)
		}
	}
	for _, c := range l.Checks {
		h, ok := c.Check.(*checks.HTTP)
		if !ok {
			continue
		}
		if len(h.Requests) == 0 {
			add(h.Path, 1)
		}
		for _, s := range h.Requests {
			add(s.Path, s.Repeat)
		}
	}
	return out
}
