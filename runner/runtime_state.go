package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/moby/moby/api/types/container"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

// How a learner's program runs in a runtime container: as an unprivileged
// user, in the folder its files are copied to, under limits of its own
// (the container has limits too, which bound everything in it).
const (
	// ProgramUser runs the learner's code; it owns nothing but its
	// temporary files, and the submission files are read-only to it.
	ProgramUser = "nobody"
	// AppDir holds the submission files applied with mode `program`.
	AppDir = "/app"
	// programMemory bounds a process's address space (ulimit -v): an
	// allocation loop ends with the language's out-of-memory error.
	programMemory = 384 << 20
	// programFileSize bounds one file the program writes (ulimit -f).
	programFileSize = 64 << 20
	// programKillGrace is how long a program that ignores SIGTERM at its
	// deadline has before SIGKILL.
	programKillGrace = 500 * time.Millisecond
	// programMargin is kept of a check's deadline for the grace, reading
	// the output and cleaning up after a program that was stopped.
	programMargin = programKillGrace + 700*time.Millisecond
	// defaultProgramTimeout bounds a run whose context has no deadline.
	defaultProgramTimeout = 10 * time.Second
)

// Limits of a runtime container as a whole.
const (
	runtimeMemory = 512 << 20
	runtimePids   = 64
	runtimeTmp    = "rw,nosuid,nodev,size=64m,mode=1777"
)

// limitRuntime is the runtime kind's host configuration: memory without
// swap, a process limit (a fork loop gets "Cannot fork"), no privilege
// gain through setuid binaries, and the world-writable folders in memory
// and bounded, so that a program cannot fill the host's disk.
func limitRuntime(hc *container.HostConfig) {
	hc.Memory = runtimeMemory
	hc.MemorySwap = runtimeMemory
	pids := int64(runtimePids)
	hc.PidsLimit = &pids
	hc.SecurityOpt = append(hc.SecurityOpt, "no-new-privileges")
	if hc.Tmpfs == nil {
		hc.Tmpfs = map[string]string{}
	}
	hc.Tmpfs["/tmp"] = runtimeTmp
	hc.Tmpfs["/var/tmp"] = runtimeTmp
}

// runtimeState is the serviceState of a runtime service: submission files
// with apply mode `program` are copied into AppDir, read-only and owned by
// root, and checks run commands there as ProgramUser.
type runtimeState struct {
	t    *stateTarget
	name string
	svc  *labs.Service
}

func newRuntimeState(t *stateTarget) serviceState {
	return &runtimeState{t: t, name: t.name, svc: t.def}
}

func (st *runtimeState) service() (service, error) { return st.t.service() }

// root runs a shell script as root in the container.
func (st *runtimeState) root(ctx context.Context, what, script string, args ...string) error {
	svc, err := st.service()
	if err != nil {
		return err
	}
	res, err := svc.Exec(ctx, append([]string{"/bin/sh", "-c", script, "labrunner"}, args...), engine.ExecOptions{User: "root"})
	if err != nil {
		return err
	}
	if res.ExitCode != 0 {
		return envErr(fmt.Errorf("%s in %s: exit %d: %s", what, st.name, res.ExitCode, strings.TrimSpace(res.Stderr)))
	}
	return nil
}

// prepareRuntime makes AppDir, root's, and takes write access for others
// off every folder of the image's own filesystem (such as /run/lock), so
// that the program's only writable folders are the bounded tmpfs mounted
// over some of them: it cannot fill the host's disk through the
// container's layer.
// Then it starts the zygote (runtime_zygote.go).
const prepareRuntime = `set -e
mkdir -p "$1"; chown root:root "$1"; chmod 0755 "$1"
root=$(stat -c %d /)
find / -xdev -type d -perm -0002 -exec stat -c '%d %n' {} + | while read -r dev dir; do
	if [ "$dev" = "$root" ]; then chmod o-w "$dir"; fi
done
shift`

func (st *runtimeState) Seed(ctx context.Context) error {
	if len(st.svc.Fixtures) > 0 {
		return fmt.Errorf("service %s: a runtime service takes no fixtures (use files)", st.name)
	}
	return st.root(ctx, "prepare "+AppDir, prepareRuntime+"\n"+startZygote+"\nzy \"$@\"", append([]string{AppDir}, zygoteArgs()...)...)
}

// wipeProgramTmp, run as ProgramUser, deletes its files in the temporary
// folders (it may, in the sticky folders, whatever their modes).
const wipeProgramTmp = "find /tmp /var/tmp /dev/shm -mindepth 1 -user " + ProgramUser + " -delete 2>/dev/null"

// Reset stops every process of the learner's program, removes the applied
// files and the program's temporary files, and starts the zygote unless
// it runs.
func (st *runtimeState) Reset(ctx context.Context) error {
	svc, err := st.service()
	if err != nil {
		return err
	}
	// As the program's user: kill -1 reaches exactly its processes (and
	// not the shell itself), and it may delete its own files in the
	// sticky temporary folders, whatever their modes.
	script := "kill -9 -1 2>/dev/null; " + wipeProgramTmp + "; true"
	if _, err := svc.Exec(ctx, []string{"/bin/sh", "-c", script}, engine.ExecOptions{User: ProgramUser}); err != nil {
		return err
	}
	// As root: the zygote is started again if it was killed (by the
	// kernel for memory; a program cannot).
	return st.root(ctx, "clean "+AppDir, `find "$1" -mindepth 1 -delete; shift`+"\n"+startZygote+"\nzy \"$@\"", append([]string{AppDir}, zygoteArgs()...)...)
}

// Begin resets the runtime unless the run is live; checks' commands then
// run as the learner's program.
func (st *runtimeState) Begin(ctx context.Context, opts runOptions) (serviceRun, error) {
	if !opts.Live {
		if err := st.Reset(ctx); err != nil {
			return nil, err
		}
	}
	return runtimeRun{st}, nil
}

// runtimeRun is a grading run on a runtime service.
type runtimeRun struct{ st *runtimeState }

func (r runtimeRun) Apply(ctx context.Context, f *labs.SubmissionFile, content string) error {
	return r.st.apply(ctx, f, content)
}

func (runtimeRun) End(ctx context.Context) error { return nil }

// Exec runs cmd as the learner's program (see runtimeState.run).
func (r runtimeRun) Exec(ctx context.Context, cmd []string, opts checks.ExecOptions) (checks.ExecResult, error) {
	return r.st.run(ctx, cmd, opts)
}

// apply copies a program file into AppDir, read-only, owned by root. It
// is copied in live mode too: the learner edits it in the workspace.
func (st *runtimeState) apply(ctx context.Context, f *labs.SubmissionFile, content string) error {
	if f.Apply != labs.ApplyProgram {
		return fmt.Errorf("apply mode %q is not supported on a runtime service", f.Apply)
	}
	svc, err := st.service()
	if err != nil {
		return err
	}
	const script = `set -e; umask 022; f="$1/$2"; mkdir -p "$(dirname "$f")"; cat >"$f.tmp"; chmod 0444 "$f.tmp"; mv -f "$f.tmp" "$f"`
	res, err := svc.Exec(ctx, []string{"/bin/sh", "-c", script, "labrunner", AppDir, f.File},
		engine.ExecOptions{User: "root", Stdin: strings.NewReader(content)})
	if err != nil {
		return err
	}
	if res.ExitCode != 0 {
		return envErr(fmt.Errorf("copy %s into %s: exit %d: %s", f.File, st.name, res.ExitCode, strings.TrimSpace(res.Stderr)))
	}
	return nil
}

// killPrograms kills every process of ProgramUser in the container: what a
// program left running (children, a process that outlived its deadline).
// kill -1 as that user reaches exactly its processes, and not itself.
func (st *runtimeState) killPrograms(ctx context.Context) {
	svc, err := st.service()
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	svc.Exec(ctx, []string{"/bin/sh", "-c", "kill -9 -1 2>/dev/null; true"}, engine.ExecOptions{User: ProgramUser})
}

// ProgramTimeoutError is a learner's program that did not finish by its
// deadline and was stopped.
type ProgramTimeoutError struct {
	// Limit is how long the program could run.
	Limit time.Duration
}

func (e *ProgramTimeoutError) Error() string {
	return fmt.Sprintf("the program did not finish within %s; it was stopped", e.Limit.Round(100*time.Millisecond))
}

// Unwrap makes the error a deadline for errors.Is.
func (e *ProgramTimeoutError) Unwrap() error { return context.DeadlineExceeded }

// ProgramStopped marks the error as a learner-facing sentence for checks.
func (e *ProgramTimeoutError) ProgramStopped() {}

var _ checks.ProgramStopped = (*ProgramTimeoutError)(nil)

// run runs cmd as the learner's program: as ProgramUser unless opts says
// otherwise, in AppDir, with the lab's connection variables, under the
// process limits, stopped a little before ctx's deadline so that the
// outcome can say why. Every process of the program is killed afterwards.
// A Python script starts as a fork of the zygote (runtime_zygote.go).
func (st *runtimeState) run(ctx context.Context, cmd []string, opts checks.ExecOptions) (checks.ExecResult, error) {
	svc, err := st.service()
	if err != nil {
		return checks.ExecResult{}, err
	}
	if len(cmd) == 0 {
		return checks.ExecResult{}, errors.New("empty command")
	}
	limit := defaultProgramTimeout
	if dl, ok := ctx.Deadline(); ok {
		limit = time.Until(dl) - programMargin
	}
	if limit < 100*time.Millisecond {
		return checks.ExecResult{}, &ProgramTimeoutError{Limit: max(limit, 0)}
	}
	user := opts.User
	if user == "" {
		user = ProgramUser
	}
	eo := engine.ExecOptions{User: user, WorkingDir: AppDir, Env: append([]string{"HOME=/tmp"}, opts.Env...)}
	if opts.Stdin != "" {
		eo.Stdin = strings.NewReader(opts.Stdin)
	}
	// timeout(1) runs the program in its own process group and signals the
	// whole group: TERM at the limit, KILL after the grace. Then the shell,
	// the program's user too, kills whatever the program left running
	// (children in other groups, daemons) with kill -1.
	// A run starts without the temporary files of the runs before it, so
	// that state can outlive a process only where the task puts it (in
	// Redis, in Postgres), not in a file of /tmp.
	wipe := ""
	if user == ProgramUser {
		wipe = wipeProgramTmp + "; "
	}
	// The memory cgroup's counters go first and last on stderr (see
	// runtime_memory.go).
	script := fmt.Sprintf(memoryCounters+"\n"+`%smem before; ulimit -v %d; ulimit -f %d; timeout -k %s %s "$@"; rc=$?; kill -9 -1 2>/dev/null; mem after; exit $rc`,
		wipe, programMemory>>10, programFileSize>>9, seconds(programKillGrace), seconds(limit))
	start := time.Now()
	res, err := svc.Exec(ctx, append([]string{"/bin/sh", "-c", script, "labrunner"}, zygoteCommand(cmd, user)...), eo)
	elapsed := time.Since(start)
	if err != nil || res.ExitCode >= 124 {
		// The shell itself may have been stopped (by the deadline, or by
		// the program): clean up from outside.
		st.killPrograms(ctx)
	}
	if err != nil {
		if isDeadline(err) {
			return checks.ExecResult{}, &ProgramTimeoutError{Limit: limit}
		}
		return checks.ExecResult{}, err
	}
	stderr, before, after, hasAfter := takeMemoryMarkers(res.Stderr)
	if before.ok && !hasAfter {
		after = st.readMemCount(ctx)
	}
	out := checks.ExecResult{ExitCode: res.ExitCode, Stdout: res.Stdout, Stderr: stderr, Truncated: res.Truncated}
	timedOut := (res.ExitCode == 124 || res.ExitCode == 137) && elapsed >= limit
	if err := memoryVerdict(st.name, before, after); err != nil {
		var pm *ProgramMemoryError
		if errors.As(err, &pm) && timedOut {
			pm.Timeout = &ProgramTimeoutError{Limit: limit}
		}
		return out, err
	}
	switch {
	case timedOut:
		return out, &ProgramTimeoutError{Limit: limit}
	case res.ExitCode == 137 && before.ok && after.ok:
		// The kernel killed nothing for memory: the program (or its own
		// kill -9) did.
		out.Stderr += "\n[lab] the program was killed (SIGKILL)\n"
	case res.ExitCode == 137:
		out.Stderr += fmt.Sprintf("\n[lab] the program was killed (SIGKILL); it probably ran out of memory (the limit is %d MiB)\n", runtimeMemory>>20)
	case res.ExitCode == 127 && strings.Contains(res.Stderr, "timeout"):
		return out, envErr(fmt.Errorf("run in %s: the image has no timeout(1) (coreutils or busybox)", st.name))
	}
	return out, nil
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// health reports a runtime container that is gone (killed for memory, or
// stopped): the program could not run, whatever it is.
func (st *runtimeState) health(ctx context.Context) error {
	svc, err := st.service()
	if err != nil {
		return err
	}
	state, err := svc.State(ctx)
	if err != nil {
		return err
	}
	if !state.Running {
		return fmt.Errorf("the container exited with code %d (out of memory: %t)", state.ExitCode, state.OOMKilled)
	}
	return nil
}

var _ healthChecker = (*runtimeState)(nil)
