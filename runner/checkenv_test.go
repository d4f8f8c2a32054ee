package runner

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

// fakeCheckEnv is the checkEnv of service name in a run on fake services.
func fakeCheckEnv(t *testing.T, name string, defs map[string]*labs.Service, runs map[string]serviceRun) (*checkEnv, *fakeSession) {
	env, sess := fakeLabEnv(t, defs)
	run := &labRun{env: env, sub: Submission{"a.sql": "SELECT 1"}, runs: runs}
	return &checkEnv{run: run, service: name, reveal: true}, sess
}

func TestCheckEnvExecOnTheService(t *testing.T) {
	defs := map[string]*labs.Service{"box": {Kind: labs.KindBox}, "web": {Kind: labs.KindNginx}}
	e, sess := fakeCheckEnv(t, "box", defs, map[string]serviceRun{})
	box := sess.services["box"]
	box.exec = append(box.exec, answer(engine.ExecResult{ExitCode: 2, Stdout: "o", Stderr: "e", Truncated: true}, nil))
	res, err := e.Exec(context.Background(), []string{"id", "-u"}, checks.ExecOptions{User: "bob", Env: []string{"A=1"}, Stdin: "in"})
	if err != nil || res != (checks.ExecResult{ExitCode: 2, Stdout: "o", Stderr: "e", Truncated: true}) {
		t.Errorf("got %+v, %v", res, err)
	}
	c := box.calls[0]
	if !slices.Equal(c.Cmd, []string{"id", "-u"}) || c.Opts.User != "bob" || !slices.Equal(c.Opts.Env, []string{"A=1"}) || c.Stdin != "in" {
		t.Errorf("call %+v", c)
	}
	if e.run.envFailure != nil {
		t.Errorf("an exit status is an environment failure: %v", e.run.envFailure)
	}

	// A failure of the engine is noted as the run's environment failure.
	box.exec = []func(execCall) (engine.ExecResult, error){answer(engine.ExecResult{}, &EnvError{Err: errors.New("container gone")})}
	if _, err := e.Exec(context.Background(), []string{"true"}, checks.ExecOptions{}); err == nil {
		t.Error("no error")
	}
	if e.run.envFailure == nil || e.run.envFailure.Error() != "container gone" {
		t.Errorf("envFailure %v", e.run.envFailure)
	}

	delete(sess.services, "box")
	if _, err := e.Exec(context.Background(), []string{"true"}, checks.ExecOptions{}); err == nil || err.Error() != `service "box" is not running` {
		t.Errorf("stopped: %v", err)
	}
}

func TestCheckEnvExecOnTheRun(t *testing.T) {
	tg, svc, _ := fakeTarget(t, "app", &labs.Service{Kind: labs.KindRuntime}, nil)
	rt := newRuntimeState(tg).(*runtimeState)
	e, sess := fakeCheckEnv(t, "app", map[string]*labs.Service{"app": {Kind: labs.KindRuntime}}, map[string]serviceRun{"app": &runtimeRun{st: rt, build: &langBuild{}}})
	if _, err := e.Exec(context.Background(), []string{"python3", "m.py"}, checks.ExecOptions{}); err != nil {
		t.Fatal(err)
	}
	if len(svc.calls) != 1 || svc.calls[0].Opts.User != ProgramUser || len(sess.services["app"].calls) != 0 {
		t.Errorf("the command did not run as the program: %+v", svc.calls)
	}
}

func TestCheckEnvEndpoints(t *testing.T) {
	defs := map[string]*labs.Service{"web": {Kind: labs.KindNginx}, "box": {Kind: labs.KindBox}}
	e, sess := fakeCheckEnv(t, "web", defs, map[string]serviceRun{"web": unsupportedRun{"nginx"}})
	if u, err := e.BaseURL(); err != nil || u != "http://127.0.0.1:4web" {
		t.Errorf("BaseURL %q, %v", u, err)
	}
	if !e.Reveal() {
		t.Error("reveal is lost")
	}
	if _, err := e.SQL(); err == nil || err.Error() != `service "web" is not a postgres service` {
		t.Errorf("SQL: %v", err)
	}
	if _, err := e.Redis(); err == nil || err.Error() != `service "web" is not a redis service` {
		t.Errorf("Redis: %v", err)
	}
	if s, err := e.Submission("a.sql"); err != nil || s != "SELECT 1" {
		t.Errorf("Submission %q, %v", s, err)
	}
	if _, err := e.Submission("b.sql"); err == nil || err.Error() != `the submission has no file "b.sql"` {
		t.Errorf("missing submission: %v", err)
	}
	other, err := e.Service("box")
	if err != nil {
		t.Fatal(err)
	}
	sess.services["box"].addr = ""
	if _, err := other.BaseURL(); err == nil || err.Error() != `service "box" has no HTTP endpoint` {
		t.Errorf("box BaseURL: %v", err)
	}
	if !other.Reveal() {
		t.Error("reveal is lost in Service")
	}
	if _, err := e.Service("db"); err == nil || err.Error() != `the lab has no service "db" (services: box, web)` {
		t.Errorf("unknown service: %v", err)
	}
}
