package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// fakeEnv is an Env whose SQL answers from a table of canned results.
type fakeEnv struct {
	reveal   bool
	files    map[string]string
	results  map[fakeKey]*Rows
	errs     map[fakeKey]error
	variants []string
	queries  []fakeKey
	// redis answers Redis(); services answer Service(name); exec, when
	// set, answers Exec.
	redis    Redis
	services map[string]Env
	exec     func(ctx context.Context, cmd []string, opts ExecOptions) (ExecResult, error)
}

type fakeKey struct {
	db    DB
	query string
}

func (f *fakeEnv) Reveal() bool             { return f.reveal }
func (f *fakeEnv) SQL() (SQL, error)        { return f, nil }
func (f *fakeEnv) Variants() []string       { return f.variants }
func (f *fakeEnv) BaseURL() (string, error) { return "", errors.New("no http") }
func (f *fakeEnv) Exec(ctx context.Context, cmd []string, opts ExecOptions) (ExecResult, error) {
	if f.exec != nil {
		return f.exec(ctx, cmd, opts)
	}
	return ExecResult{}, errors.New("no exec")
}
func (f *fakeEnv) Redis() (Redis, error) {
	if f.redis == nil {
		return nil, errors.New("not a redis service")
	}
	return f.redis, nil
}
func (f *fakeEnv) Service(name string) (Env, error) {
	s, ok := f.services[name]
	if !ok {
		return nil, fmt.Errorf("no service %q", name)
	}
	return s, nil
}
func (f *fakeEnv) Submission(name string) (string, error) {
	s, ok := f.files[name]
	if !ok {
		return "", fmt.Errorf("no submission file %q", name)
	}
	return s, nil
}
func (f *fakeEnv) Query(ctx context.Context, db DB, q string) (*Rows, error) {
	k := fakeKey{db, q}
	f.queries = append(f.queries, k)
	if err := f.errs[k]; err != nil {
		return nil, err
	}
	r, ok := f.results[k]
	if !ok {
		return nil, fmt.Errorf("fake: no result for %+v", k)
	}
	return r, nil
}

func rows(cols []string, vals ...[]any) *Rows { return &Rows{Columns: cols, Values: vals} }

// wantValidate checks what c.Validate returns: no error when want is "",
// else an error whose message contains want.
func wantValidate(t *testing.T, c Check, want string) {
	t.Helper()
	err := c.Validate()
	switch {
	case want == "" && err != nil:
		t.Errorf("unexpected error: %v", err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Errorf("got %v, want %q", err, want)
	}
}
