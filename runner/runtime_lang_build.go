package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/phase"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner/engine"
)

// buildTimeout bounds a build of the learner's files. It is the build's
// own, not the check's: a cold compile must not eat the first check's
// deadline; the run after it gets what is left of the check's.
const buildTimeout = 60 * time.Second

// BuildError is a learner's program that does not build: a fail of every
// check that runs the harness, with the compiler's message (paths
// relative to the learner's folder), not an environment error.
type BuildError struct {
	// Language is the language's name ("go").
	Language string
	// Output is the compiler's message.
	Output string
}

func (e *BuildError) Error() string {
	first := ""
	for _, line := range strings.Split(e.Output, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			first = line
			break
		}
	}
	if first == "" {
		return fmt.Sprintf("the %s program does not build", e.Language)
	}
	return fmt.Sprintf("the %s program does not build: %s", e.Language, first)
}

// ProgramStopped marks the error as a learner-facing sentence for checks.
func (e *BuildError) ProgramStopped() {}

var _ checks.ProgramStopped = (*BuildError)(nil)

// langBuild is the build of one grading run, done before its first
// harness call and then reused.
type langBuild struct {
	mu   sync.Mutex
	done bool
	res  checks.ExecResult
	err  error
	// files counts the program files applied in the run.
	files int
}

// applied counts a program file applied to st; after the last of the
// lab's program files for st, the build runs. Its failure is kept for the
// harness calls; only an environment error is returned.
func (b *langBuild) applied(ctx context.Context, st *runtimeState) error {
	b.mu.Lock()
	b.files++
	last := b.files == programFiles(st)
	b.mu.Unlock()
	if !last {
		return nil
	}
	name, lang, err := languageOf(st.svc)
	if err != nil || lang.build == "" {
		return nil
	}
	_, err = b.run(ctx, st, name, lang.build)
	var be *BuildError
	if err == nil || errors.As(err, &be) {
		return nil
	}
	return err
}

// programFiles is how many of the lab's submission files are programs of
// st's service.
func programFiles(st *runtimeState) int {
	n := 0
	for _, f := range st.t.lab.Submission {
		if f.Service == st.name && f.Apply == labs.ApplyProgram {
			n++
		}
	}
	return n
}

// harness returns cmd with its HarnessCommand replaced by what runs the
// language's harness, after building the learner's files once per run.
// Other commands are returned as they are.
func (r *runtimeRun) harness(ctx context.Context, cmd []string) ([]string, checks.ExecResult, error) {
	if len(cmd) == 0 || cmd[0] != labs.HarnessCommand {
		return cmd, checks.ExecResult{}, nil
	}
	name, lang, err := languageOf(r.st.svc)
	if err != nil {
		return nil, checks.ExecResult{}, envErr(err)
	}
	if lang.build != "" {
		if res, err := r.build.run(ctx, r.st, name, lang.build); err != nil {
			return nil, res, err
		}
	}
	return append(slices.Clone(lang.harness), cmd[1:]...), checks.ExecResult{}, nil
}

func (b *langBuild) run(ctx context.Context, st *runtimeState, name, script string) (checks.ExecResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return b.res, b.err
	}
	b.res, b.err = build(ctx, st, name, script)
	// A build cut short by the caller is tried again by the next check.
	b.done = !errors.Is(b.err, context.Canceled)
	return b.res, b.err
}

// build runs the language's build script as root in AppDir, under its own
// deadline (buildTimeout) but stopped when ctx is cancelled.
func build(ctx context.Context, st *runtimeState, name, script string) (checks.ExecResult, error) {
	defer phase.Begin("build " + st.name)()
	svc, err := st.service()
	if err != nil {
		return checks.ExecResult{}, err
	}
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), buildTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		if errors.Is(ctx.Err(), context.Canceled) {
			cancel()
		}
	})
	defer stop()
	full := fmt.Sprintf("timeout -k 1 %s /bin/sh -c '%s'", seconds(buildTimeout-2*time.Second), strings.ReplaceAll(script, "'", `'\''`))
	res, err := svc.Exec(bctx, []string{"/bin/sh", "-c", full}, engine.ExecOptions{User: "root", WorkingDir: AppDir})
	if err != nil {
		if ctx.Err() != nil {
			return checks.ExecResult{}, ctx.Err()
		}
		return checks.ExecResult{}, envErr(fmt.Errorf("build the %s program in %s: %w", name, st.name, err))
	}
	switch {
	case res.ExitCode == 0:
		return checks.ExecResult{}, nil
	case res.ExitCode == 124 || res.ExitCode == 137:
		out := checks.ExecResult{ExitCode: res.ExitCode, Stderr: res.Stdout + res.Stderr}
		return out, &BuildError{Language: name, Output: fmt.Sprintf("the build did not finish within %s; it was stopped", buildTimeout-2*time.Second)}
	}
	msg := strings.TrimRight(res.Stdout+res.Stderr, "\n")
	return checks.ExecResult{ExitCode: res.ExitCode, Stderr: msg}, &BuildError{Language: name, Output: msg}
}
