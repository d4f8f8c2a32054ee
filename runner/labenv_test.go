package runner

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

// fakeLabEnv is a running lab whose services are fake services of the
// given kinds, all started, with the states the kinds make.
func fakeLabEnv(t *testing.T, defs map[string]*labs.Service) (*LabEnv, *fakeSession) {
	t.Helper()
	lab := &labs.Lab{ID: "t", Dir: t.TempDir(), Services: defs}
	sess := &fakeSession{services: map[string]*fakeService{}}
	env := &LabEnv{Lab: lab, state: map[string]serviceState{}, sess: sess}
	for name, def := range defs {
		sess.services[name] = &fakeService{addr: "127.0.0.1:4" + name, id: "id-" + name}
		tg := &stateTarget{name: name, def: def, lab: lab, sess: sess}
		var st serviceState = &plainState{tg}
		if k := kinds[def.Kind]; k.newState != nil {
			st = k.newState(tg)
		}
		env.state[name] = st
	}
	return env, sess
}

func TestLearnerURL(t *testing.T) {
	env, sess := fakeLabEnv(t, map[string]*labs.Service{
		"web":     {Kind: labs.KindNginx},
		"api":     {Kind: labs.KindBackend},
		"box":     {Kind: labs.KindBox},
		"cache":   {Kind: labs.KindRedis},
		"acl":     {Kind: labs.KindRedis, ACL: true},
		"stopped": {Kind: labs.KindNginx},
	})
	sess.services["box"].addr = ""
	delete(sess.services, "stopped")
	for name, want := range map[string]string{
		"web":     "http://127.0.0.1:4web",
		"api":     "http://127.0.0.1:4api",
		"box":     "",
		"cache":   "redis://127.0.0.1:4cache",
		"acl":     "redis://learner:learner@127.0.0.1:4acl/0",
		"stopped": "",
		"nothere": "",
	} {
		if got := env.LearnerURL(name); got != want {
			t.Errorf("LearnerURL(%s) = %q, want %q", name, got, want)
		}
	}
	sess.services["cache"].addr = ""
	if got := env.LearnerURL("cache"); got != "" {
		t.Errorf("a redis without a port: %q", got)
	}
}

func TestShellCommand(t *testing.T) {
	env, sess := fakeLabEnv(t, map[string]*labs.Service{"box": {Kind: labs.KindBox}, "cache": {Kind: labs.KindRedis}})
	cmd, vars, err := env.ShellCommand("box")
	if err != nil || len(cmd) != 3 || cmd[0] != "/bin/sh" || !strings.Contains(cmd[2], "exec bash") || vars != nil {
		t.Errorf("box: %q %q %v", cmd, vars, err)
	}
	cmd, vars, err = env.ShellCommand("cache")
	if err != nil || !slices.Equal(cmd, []string{"redis-cli", "--user", "default"}) ||
		!slices.Equal(vars, []string{"REDISCLI_AUTH=" + redisPassword("id-cache")}) {
		t.Errorf("cache: %q %q %v", cmd, vars, err)
	}
	delete(sess.services, "cache")
	if _, _, err := env.ShellCommand("cache"); err == nil || err.Error() != `the lab has no service "cache" (services: [box cache])` {
		t.Errorf("stopped: %v", err)
	}
	if _, _, err := env.ShellCommand("db"); err == nil || !strings.Contains(err.Error(), `no service "db"`) {
		t.Errorf("unknown: %v", err)
	}
}

func TestProgramEnv(t *testing.T) {
	lab := &labs.Lab{Services: map[string]*labs.Service{
		"app":      {Kind: labs.KindRuntime, Env: map[string]string{"DB_URL": "mine", "X": "1"}},
		"db":       {Kind: labs.KindPostgres, Database: "shop"},
		"a-db":     {Kind: labs.KindPostgres, Database: "first"},
		"cache":    {Kind: labs.KindRedis, ACL: true},
		"cache2":   {Kind: labs.KindRedis},
		"web":      {Kind: labs.KindNginx},
		"box":      {Kind: labs.KindBox},
		"upstream": {Kind: labs.KindBackend},
	}}
	got := programEnv(lab, lab.Services["app"])
	want := map[string]string{
		"DATABASE_URL": "postgres://learner:learner@a-db:5432/first",
		"A_DB_URL":     "postgres://learner:learner@a-db:5432/first",
		"DB_URL":       "mine",
		"REDIS_URL":    "redis://learner:learner@cache:6379/0",
		"CACHE_URL":    "redis://learner:learner@cache:6379/0",
		"CACHE2_URL":   "redis://cache2:6379/0",
		"WEB_URL":      "http://web",
		"X":            "1",
	}
	if !maps.Equal(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
}

func TestReadCopies(t *testing.T) {
	files := fstest.MapFS{
		"site/index.html":     {Data: []byte("<h1>")},
		"site/css/a.css":      {Data: []byte("a{}")},
		"conf/x.conf":         {Data: []byte("server{}")},
		"bin/run.sh":          {Data: []byte("#!/bin/sh")},
		"site/css/.gitignore": {Data: []byte("")},
	}
	got, err := readCopies(files, []*labs.FileCopy{
		{Src: "site/", Dst: "/usr/share/nginx/html"},
		{Src: "conf/x.conf", Dst: "/etc/nginx/conf.d/x.conf"},
		{Src: "./bin/run.sh", Dst: "/usr/local/bin/run", Mode: "0755"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, f := range got {
		lines = append(lines, fmt.Sprintf("%s %s %o", f.Path, f.Content, f.Mode))
	}
	want := []string{
		"/usr/share/nginx/html/css/.gitignore  644",
		"/usr/share/nginx/html/css/a.css a{} 644",
		"/usr/share/nginx/html/index.html <h1> 644",
		"/etc/nginx/conf.d/x.conf server{} 644",
		"/usr/local/bin/run #!/bin/sh 755",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	for _, tc := range []struct {
		c    *labs.FileCopy
		want string
	}{
		{&labs.FileCopy{Src: "conf/x.conf", Dst: "/x", Mode: "rwx"}, `mode "rwx" of conf/x.conf: strconv.ParseInt: parsing "rwx": invalid syntax`},
		{&labs.FileCopy{Src: "conf/x.conf", Dst: "/x", Mode: "0899"}, `mode "0899" of conf/x.conf`},
		{&labs.FileCopy{Src: "missing", Dst: "/x"}, "read missing: open missing: file does not exist"},
	} {
		if _, err := readCopies(files, []*labs.FileCopy{tc.c}); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want %s", tc.c, err, tc.want)
		}
	}
}

func TestLabSpec(t *testing.T) {
	lab := &labs.Lab{ID: "t", Dir: t.TempDir(), Services: map[string]*labs.Service{
		"app": {Kind: labs.KindRuntime, Env: map[string]string{"X": "1"}},
		"web": {Kind: labs.KindNginx, Image: "nginx:mine", Env: map[string]string{"Y": "2"}},
		"db":  {Kind: labs.KindPostgres, Database: "lab"},
		"odd": {Kind: "mainframe"},
	}}
	d := &Driver{cfg: Config{Images: map[string]string{labs.KindRuntime: "py:cfg"}}}
	spec, err := d.labSpec(lab, "app")
	if err != nil {
		t.Fatal(err)
	}
	if spec.Name != "app" || spec.Kind != labs.KindRuntime || spec.Image != "py:cfg" || spec.Env["X"] != "1" ||
		spec.Env["DATABASE_URL"] != "postgres://learner:learner@db:5432/lab" || spec.Env["WEB_URL"] != "http://web" {
		t.Errorf("app: %+v", spec)
	}
	if !slices.Equal(spec.Cmd, idleCmd) {
		t.Errorf("app's command %q", spec.Cmd)
	}
	spec, err = d.labSpec(lab, "web")
	if err != nil || spec.Image != "nginx:mine" || !maps.Equal(spec.Env, map[string]string{"Y": "2"}) || spec.Port != "80/tcp" {
		t.Errorf("web: %+v, %v", spec, err)
	}
	if _, err := d.labSpec(lab, "odd"); err == nil || !strings.HasPrefix(err.Error(), `unknown service kind "mainframe" (known: backend, box, nginx, postgres, redis, runtime)`) {
		t.Errorf("odd: %v", err)
	}
}

// recState is a state that records the calls it gets, in a shared log.
type recState struct {
	name string
	log  *[]string
	err  error
}

func (s *recState) Seed(ctx context.Context) error {
	*s.log = append(*s.log, "seed "+s.name)
	return s.err
}

func (s *recState) Reset(ctx context.Context) error {
	*s.log = append(*s.log, "reset "+s.name)
	return s.err
}

func (s *recState) Begin(ctx context.Context, opts runOptions) (serviceRun, error) {
	return unsupportedRun{"rec"}, nil
}

// slotRecState is a recState that holds slots.
type slotRecState struct {
	recState
	slotErr error
}

func (s *slotRecState) newSlot(ctx context.Context, id string) (slotState, error) {
	*s.log = append(*s.log, "slot "+s.name+" "+id)
	if s.slotErr != nil {
		return nil, s.slotErr
	}
	return recSlot{s.name, s.log}, nil
}

type recSlot struct {
	name string
	log  *[]string
}

func (r recSlot) Close(ctx context.Context) error {
	*r.log = append(*r.log, "close "+r.name)
	return nil
}

func TestSeedAndResetInOrder(t *testing.T) {
	var log []string
	lab := &labs.Lab{Services: map[string]*labs.Service{"b": {}, "a": {}, "c": {}}}
	env := &LabEnv{Lab: lab, state: map[string]serviceState{
		"a": &recState{name: "a", log: &log}, "b": &recState{name: "b", log: &log, err: errors.New("b broke")}, "c": &recState{name: "c", log: &log}}}
	if err := env.seed(context.Background()); err == nil || err.Error() != "b broke" {
		t.Errorf("seed: %v", err)
	}
	if err := env.Reset(context.Background()); err == nil || err.Error() != "b broke" {
		t.Errorf("reset: %v", err)
	}
	if want := []string{"seed a", "seed b", "reset a", "reset b"}; !slices.Equal(log, want) {
		t.Errorf("got %q, want %q", log, want)
	}
}

func TestSlots(t *testing.T) {
	var log []string
	lab := &labs.Lab{Services: map[string]*labs.Service{"a": {}, "b": {}}}
	slots := &LabEnv{Lab: lab, state: map[string]serviceState{
		"a": &slotRecState{recState: recState{name: "a", log: &log}}, "b": &slotRecState{recState: recState{name: "b", log: &log}}}}
	mixed := &LabEnv{Lab: lab, state: map[string]serviceState{
		"a": &slotRecState{recState: recState{name: "a", log: &log}}, "b": &recState{name: "b", log: &log}}}
	if !slots.SlotsSupported() || mixed.SlotsSupported() {
		t.Errorf("supported: %t, %t", slots.SlotsSupported(), mixed.SlotsSupported())
	}
	for _, id := range []string{"", "W1", "a-b", "x y", "a;drop"} {
		if _, err := slots.NewSlot(context.Background(), id); err == nil || !strings.Contains(err.Error(), "use lowercase letters, digits and _") {
			t.Errorf("id %q: %v", id, err)
		}
	}
	if len(log) != 0 {
		t.Fatalf("an invalid id made slots: %q", log)
	}
	s, err := slots.NewSlot(context.Background(), "w_1")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	slices.Sort(log)
	if want := []string{"close a", "close b", "slot a w_1", "slot b w_1"}; !slices.Equal(log, want) {
		t.Errorf("got %q, want %q", log, want)
	}
	if _, err := mixed.NewSlot(context.Background(), "w1"); err == nil || err.Error() != "service b cannot grade isolated learners" {
		t.Errorf("mixed: %v", err)
	}

	// A service that cannot make its slot: the others' are closed.
	log = nil
	failing := &LabEnv{Lab: lab, state: map[string]serviceState{
		"a": &slotRecState{recState: recState{name: "a", log: &log}}, "b": &slotRecState{recState: recState{name: "b", log: &log}, slotErr: errors.New("no roles left")}}}
	if _, err := failing.NewSlot(context.Background(), "w1"); err == nil || err.Error() != "no roles left" {
		t.Errorf("failing: %v", err)
	}
	if slices.Contains(log, "slot a w1") && !slices.Contains(log, "close a") {
		t.Errorf("a's slot was left open: %q", log)
	}
}

func TestPlainState(t *testing.T) {
	tg, _, _ := fakeTarget(t, "api", &labs.Service{Kind: labs.KindBackend}, nil)
	st := &plainState{tg}
	if err := st.Seed(context.Background()); err != nil {
		t.Error(err)
	}
	run, err := st.Begin(context.Background(), runOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Apply(context.Background(), &labs.SubmissionFile{File: "x", Apply: labs.ApplySQL}, ""); err == nil ||
		err.Error() != `apply mode "sql" is not supported on a backend service` {
		t.Errorf("apply: %v", err)
	}
	tg.def.Fixtures = []string{"f.sh"}
	if err := st.Seed(context.Background()); err == nil || err.Error() != "service api: fixtures of kind backend are not supported" {
		t.Errorf("fixtures: %v", err)
	}
}

func TestStateTargetFixtures(t *testing.T) {
	tg, _, _ := fakeTarget(t, "box", &labs.Service{Kind: labs.KindBox}, map[string]string{"fx/a.sh": "A", "b.sh": "B"})
	got, err := tg.fixtures([]string{"fx/a.sh", "b.sh"})
	if err != nil || len(got) != 2 || got[0] != (Fixture{"fx/a.sh", "A"}) || got[1] != (Fixture{"b.sh", "B"}) {
		t.Errorf("got %+v, %v", got, err)
	}
	if _, err := tg.fixtures([]string{"nope.sh"}); err == nil || !strings.HasPrefix(err.Error(), "read fixture: ") {
		t.Errorf("missing: %v", err)
	}
}

func TestEngineSession(t *testing.T) {
	var s session = engineSession{&engine.Session{Keep: true}}
	if !s.keep() {
		t.Error("keep is lost")
	}
	// A service that is not running is a nil interface, not a nil
	// *engine.Service in one.
	if svc := s.lookup("db"); svc != nil {
		t.Errorf("lookup of a missing service: %#v", svc)
	}
}
