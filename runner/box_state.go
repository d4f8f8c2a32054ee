package runner

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

// boxState is the serviceState of a box: a plain Linux container for
// operating-system labs. Its files are copied in before it starts; Seed
// runs its fixtures (shell scripts, as root, in order, stopping at the
// first failure). Apply runs the learner's script as root. Reset swaps in
// a spare box seeded ahead of time (box_spare.go), else removes the
// container and starts a new one with the same name and network alias,
// then seeds it again: nothing a submission did can survive.
//
// Recreating was measured against restarting from a `docker commit`
// snapshot taken after seeding: both cost a container start (~0.3 s); the
// snapshot only saves the fixtures (tens of milliseconds for users and
// folders) and adds an image per session to clean up, so the box is
// recreated.
type boxState struct {
	t    *stateTarget
	name string
	svc  *labs.Service
	// pristine is true while the container is as this process seeded it:
	// nothing was applied since, so a reset has nothing to undo. A state
	// attached from another process starts false (the learner may have
	// worked in the box by hand).
	pristine bool
	// probe is the grader's probe as read from the image (box_probe.go).
	probe []byte
	// probes are the copies of the probe in the box (box_probe.go).
	probes probeCopy
	// spareMu is held while this process prepares a spare (box_spare.go).
	spareMu sync.Mutex
}

func newBoxState(t *stateTarget) serviceState {
	return &boxState{t: t, name: t.name, svc: t.def}
}

// scriptDir is where a script is put in the box while it runs.
const scriptDir = "/run/labrunner"

// scriptWrapper writes stdin to $scriptDir/$1, runs it with the command in
// $3… (none: by its #! line) with stdin at end of file and each file it
// writes limited to $2 blocks of 512 bytes ("-": no limit of ours; ulimit
// -f sets the hard limit too, and a lower one the engine set stays), then
// kills every process it left behind (kill -1: all but the box's init and
// the wrapper) — a background job would hold the output open until the
// apply deadline, and a fork bomb would go on — removes the script and
// exits with its status. Its own failures exit 125 with "labrunner:" on
// stderr.
const scriptWrapper = `f=` + scriptDir + `/$1 fsize=$2; shift 2
{ mkdir -p ` + scriptDir + ` && cat >"$f" && chmod 700 "$f"; } || { echo "labrunner: cannot write $f" >&2; exit 125; }
[ "$fsize" = - ] || ulimit -f "$fsize" 2>/dev/null || [ "$(ulimit -f)" != unlimited ] || { echo "labrunner: cannot limit file sizes" >&2; exit 125; }
"$@" "$f" </dev/null
rc=$?
for i in 1 2 3 4 5; do kill -9 -1 2>/dev/null || break; done
rm -f "$f" 2>/dev/null
set -- /proc/[0-9]*
[ $# -le 3 ] || echo "` + leftRunningMarker + `" >&2
exit $rc
`

// leftRunningMarker ends a script's stderr when processes are left after
// killing what the script left running (a fork bomb can outrun kill -1):
// more than the box's init, its idle sleep (which kill -1 also kills, and
// init starts again) and the wrapper itself. The box is then restarted.
const leftRunningMarker = "labrunner: processes may be left running"

// hasLeftRunning reports whether a script's stderr ends with
// leftRunningMarker.
func hasLeftRunning(res engine.ExecResult) bool {
	return strings.HasSuffix(strings.TrimRight(res.Stderr, "\n"), leftRunningMarker)
}

// scriptOutputCap bounds what is kept of a script's output.
const scriptOutputCap = 64 << 10

// runScript runs a shell script as root in the box from /root. A script
// with a #! line runs with that interpreter; others with sh (with -e for
// fixtures, so that a broken fixture stops at its first error). The files
// a learner's script writes are limited to boxFileSize each; fixtures come
// from the catalog and are not limited.
func (st *boxState) runScript(ctx context.Context, name, content string, fixture bool) (engine.ExecResult, error) {
	svc, err := st.t.service()
	if err != nil {
		return engine.ExecResult{}, err
	}
	// What the script does may reach the probe's copy.
	st.probes.drop()
	res, err := execScript(ctx, svc, name, content, fixture)
	if err != nil {
		return res, err
	}
	if res.ExitCode == 125 && strings.HasPrefix(res.Stderr, "labrunner:") {
		return res, envErr(fmt.Errorf("run %s in %s: %s", name, st.name, strings.TrimSpace(res.Stderr)))
	}
	if hasLeftRunning(res) {
		res.Stderr = strings.TrimSuffix(strings.TrimRight(res.Stderr, "\n"), leftRunningMarker)
		if err := st.stopAll(ctx); err != nil {
			return res, err
		}
	}
	// Messages name the script as the learner knows it.
	full := path.Join(scriptDir, path.Base(name))
	res.Stdout = strings.ReplaceAll(res.Stdout, full, name)
	res.Stderr = strings.ReplaceAll(res.Stderr, full, name)
	return res, nil
}

// execScript runs a script in svc through scriptWrapper, as runScript
// describes.
func execScript(ctx context.Context, svc service, name, content string, fixture bool) (engine.ExecResult, error) {
	fsize := strconv.Itoa(boxFileSize / 512)
	if fixture {
		fsize = "-"
	}
	cmd := []string{"/bin/sh", "-c", scriptWrapper, "script", path.Base(name), fsize}
	if !strings.HasPrefix(content, "#!") {
		cmd = append(cmd, "/bin/sh")
		if fixture {
			cmd = append(cmd, "-e")
		}
	}
	return svc.Exec(ctx, cmd, engine.ExecOptions{User: "0", WorkingDir: "/root", Stdin: strings.NewReader(content), OutputCap: scriptOutputCap})
}

func (st *boxState) Seed(ctx context.Context) error {
	// Before anything ran in the fresh box: the image's own probe.
	if svc, err := st.t.service(); err == nil {
		if err := st.readProbe(ctx, svc); err != nil {
			return err
		}
	}
	fixtures, err := st.t.fixtures(st.svc.Fixtures)
	if err != nil {
		return err
	}
	for _, f := range fixtures {
		res, err := st.runScript(ctx, f.Name, f.Content, true)
		if err != nil {
			return envErrUnlessDeadline(fmt.Errorf("seed %s: fixture %s: %w", st.name, f.Name, err))
		}
		if res.ExitCode != 0 {
			return &FixtureError{Service: st.name, Fixture: f.Name, Err: fmt.Errorf("exit status %d%s", res.ExitCode, outputTail(res, ":\n"))}
		}
	}
	st.pristine = true
	return nil
}

func (st *boxState) Reset(ctx context.Context) error {
	if st.pristine {
		return nil
	}
	if ok, err := st.adoptSpare(ctx); err != nil || ok {
		return err
	}
	if err := st.recreate(ctx); err != nil {
		return err
	}
	if err := st.Seed(ctx); err != nil {
		return err
	}
	st.keepSpare()
	return nil
}

// recreate replaces the box's container with a new one from the same
// image, with the same name, network alias, labels and files.
func (st *boxState) recreate(ctx context.Context) error {
	spec, err := st.t.spec()
	if err != nil {
		return err
	}
	st.probes.forget()
	if err := st.t.sess.Replace(ctx, spec); err != nil {
		return fmt.Errorf("reset %s: %w", st.name, err)
	}
	return nil
}

// Begin resets the service unless the run is live.
func (st *boxState) Begin(ctx context.Context, opts runOptions) (serviceRun, error) {
	run, err := beginReset(ctx, st, opts, st.apply)
	if err != nil {
		return nil, err
	}
	st.probes.mu.Lock()
	st.probes.each = opts.Live
	st.probes.mu.Unlock()
	return boxRun{run, st}, nil
}

// boxRun is a grading run on a box: its End removes the probe's copies.
type boxRun struct {
	serviceRun
	st *boxState
}

func (r boxRun) End(ctx context.Context) error {
	r.st.removeProbes(ctx)
	return r.serviceRun.End(ctx)
}

func (st *boxState) apply(ctx context.Context, f *labs.SubmissionFile, content string, live bool) error {
	if f.Apply != labs.ApplyShell {
		return fmt.Errorf("apply mode %q is not supported on a box service", f.Apply)
	}
	if live {
		return nil // the learner did it by hand in `lab shell`
	}
	st.pristine = false
	start := time.Now()
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stopWatch := st.watchDisk(sctx, cancel)
	res, err := st.runScript(sctx, f.File, content, false)
	stopWatch()
	if msg, stopped, serr := st.scriptStoppedBox(ctx, f.File, res.ExitCode == 128+9 || (err != nil && !isDeadline(err) && context.Cause(sctx) == nil)); serr != nil {
		return serr
	} else if stopped {
		return errors.New(msg)
	}
	if err != nil {
		// What the script started goes on after its exec is killed,
		// until the box is removed: a writer would fill the disk, a fork
		// bomb would hold the box's CPU, under the checks that follow
		// and in a learner's box after the check.
		switch {
		case errors.Is(context.Cause(sctx), errDiskLimit):
			if err := st.stopAll(ctx); err != nil {
				return err
			}
			return fmt.Errorf("%s wrote more than %d MiB to the box's disk; it was stopped", f.File, boxDiskLimit>>20)
		case isDeadline(err):
			if err := st.stopAll(ctx); err != nil {
				return err
			}
			return fmt.Errorf("%s did not finish within %s; it was stopped", f.File, time.Since(start).Round(time.Second))
		}
		return err
	}
	if msg, killed, err := st.scriptKilledWrapper(ctx, f.File, res.ExitCode); err != nil {
		return err
	} else if killed {
		return errors.New(msg)
	}
	if res.ExitCode != 0 {
		msg := fmt.Sprintf("%s exited with status %d%s", f.File, res.ExitCode, outputTail(res, ":\n"))
		if strings.Contains(res.Stdout+res.Stderr, "File size limit exceeded") || strings.Contains(res.Stdout+res.Stderr, "File too large") {
			msg += fmt.Sprintf("\n(a file in the box may grow to %d MiB at most)", boxFileSize>>20)
		}
		return errors.New(msg)
	}
	return nil
}

// errDiskLimit is why watchDisk stops a script.
var errDiskLimit = errors.New("the box's disk use passed its limit")

// watchDisk cancels ctx with errDiskLimit once the box's writable layer
// is larger than boxDiskLimit, polling until ctx ends or the returned
// function is called.
func (st *boxState) watchDisk(ctx context.Context, cancel context.CancelCauseFunc) (stop func()) {
	svc, err := st.t.service()
	if err != nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(boxDiskPoll)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if size, ok, err := svc.DiskUsage(ctx); err == nil && ok && size > boxDiskLimit {
				cancel(errDiskLimit)
				return
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}

// stopAll kills every process in the box by restarting its container,
// which keeps its files: the checks then see what the script left, and
// nothing it started runs on.
func (st *boxState) stopAll(ctx context.Context) error {
	svc, err := st.t.service()
	if err != nil {
		return err
	}
	// The script's deadline has passed; the stop has one of its own.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := svc.Restart(ctx, "KILL"); err != nil {
		return envErr(fmt.Errorf("stop what the script left running in %s: %w", st.name, err))
	}
	return nil
}

// outputTail is the end of a command's stderr (else stdout), a few lines,
// prefixed with sep, or "" when there is none.
func outputTail(res engine.ExecResult, sep string) string {
	out := res.Stderr
	if strings.TrimSpace(out) == "" {
		out = res.Stdout
	}
	if res.Truncated && !strings.HasSuffix(out, "\n") {
		// What was kept of a long output ends inside a line.
		if i := strings.LastIndexByte(out, '\n'); i >= 0 {
			out = out[:i]
		}
	}
	out = strings.TrimRight(out, "\n")
	if strings.TrimSpace(out) == "" {
		return ""
	}
	const maxLines, maxBytes = 10, 2 << 10
	lines := strings.Split(out, "\n")
	short := len(lines) > maxLines
	if short {
		lines = lines[len(lines)-maxLines:]
	}
	out = strings.Join(lines, "\n")
	if len(out) > maxBytes {
		out, short = out[len(out)-maxBytes:], true
	}
	if short {
		out = "…\n" + out
	}
	return sep + out
}
