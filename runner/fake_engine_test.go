package runner

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

// execCall is one command a fakeService ran.
type execCall struct {
	Cmd   []string
	Opts  engine.ExecOptions
	Stdin string
}

// fakeService is a service that records what it is asked and answers
// from a script: exec answers each Exec in turn (the last one repeats;
// none: exit 0).
type fakeService struct {
	mu       sync.Mutex
	addr, id string
	calls    []execCall
	exec     []func(c execCall) (engine.ExecResult, error)
	restarts []string
	state    engine.ContainerState
	copied   []string
	copyData string
	copyErr  error
	logs     string
	disk     int64
	// block makes Exec wait for its context to end.
	block bool
}

func (f *fakeService) Exec(ctx context.Context, cmd []string, opts engine.ExecOptions) (engine.ExecResult, error) {
	c := execCall{Cmd: cmd, Opts: opts}
	if opts.Stdin != nil {
		b, _ := io.ReadAll(opts.Stdin)
		c.Stdin = string(b)
	}
	f.mu.Lock()
	n := len(f.calls)
	f.calls = append(f.calls, c)
	var answer func(execCall) (engine.ExecResult, error)
	if len(f.exec) > 0 {
		answer = f.exec[min(n, len(f.exec)-1)]
	}
	block := f.block
	f.mu.Unlock()
	if block {
		<-ctx.Done()
		return engine.ExecResult{}, ctx.Err()
	}
	if answer == nil {
		return engine.ExecResult{}, nil
	}
	return answer(c)
}

func (f *fakeService) State(ctx context.Context) (engine.ContainerState, error) { return f.state, nil }

func (f *fakeService) Restart(ctx context.Context, signal string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.restarts = append(f.restarts, signal)
	return nil
}

func (f *fakeService) DiskUsage(ctx context.Context) (int64, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.disk, true, nil
}

func (f *fakeService) CopyFrom(ctx context.Context, path string) (io.ReadCloser, error) {
	f.copied = append(f.copied, path)
	if f.copyErr != nil {
		return nil, f.copyErr
	}
	return io.NopCloser(strings.NewReader(f.copyData)), nil
}

func (f *fakeService) Logs(ctx context.Context, tail string) (io.ReadCloser, error) {
	return io.NopCloser(strings.NewReader(f.logs)), nil
}

func (f *fakeService) Addr() string { return f.addr }
func (f *fakeService) ID() string   { return f.id }

var _ service = (*fakeService)(nil)

// answer is an Exec answer with res.
func answer(res engine.ExecResult, err error) func(execCall) (engine.ExecResult, error) {
	return func(execCall) (engine.ExecResult, error) { return res, err }
}

// fakeSession is a session of fake services; it records replacements.
type fakeSession struct {
	services map[string]*fakeService
	replaced []engine.ServiceSpec
	kept     bool
}

func (s *fakeSession) lookup(name string) service {
	if svc := s.services[name]; svc != nil {
		return svc
	}
	return nil
}

func (s *fakeSession) Replace(ctx context.Context, spec engine.ServiceSpec) error {
	s.replaced = append(s.replaced, spec)
	return nil
}

func (s *fakeSession) keep() bool { return s.kept }

// fakeTarget is the target of service name of kind on a fake service, in
// a lab whose folder holds files.
func fakeTarget(t *testing.T, name string, def *labs.Service, files map[string]string) (*stateTarget, *fakeService, *fakeSession) {
	t.Helper()
	dir := t.TempDir()
	for n, c := range files {
		p := filepath.Join(dir, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	svc := &fakeService{addr: "127.0.0.1:5555", id: "c0ffee"}
	sess := &fakeSession{services: map[string]*fakeService{name: svc}}
	lab := &labs.Lab{ID: "t", Dir: dir, Services: map[string]*labs.Service{name: def}}
	tg := &stateTarget{name: name, def: def, lab: lab, sess: sess,
		spec: func() (engine.ServiceSpec, error) {
			return engine.ServiceSpec{Name: name, Kind: def.Kind, Image: "img"}, nil
		}}
	return tg, svc, sess
}
