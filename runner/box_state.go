package runner

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/labs"
)

// boxState is the serviceState of a box: a plain Linux container for
// operating-system labs. Its files are copied in before it starts; Seed
// runs its fixtures (shell scripts, as root, in order, stopping at the
// first failure). Apply runs the learner's script as root. Reset removes
// the container and starts a new one with the same name and network
// alias, then seeds it again: nothing a submission did can survive.
//
// Recreating was measured against restarting from a `docker commit`
// snapshot taken after seeding: both cost a container start (~0.3 s); the
// snapshot only saves the fixtures (tens of milliseconds for users and
// folders) and adds an image per session to clean up, so the box is
// recreated.
type boxState struct {
	env  *LabEnv
	name string
	svc  *labs.Service
	// pristine is true while the container is as this process seeded it:
	// nothing was applied since, so a reset has nothing to undo. A state
	// attached from another process starts false (the learner may have
	// worked in the box by hand).
	pristine bool
}

func newBoxState(e *LabEnv, name string, svc *labs.Service) *boxState {
	return &boxState{env: e, name: name, svc: svc}
}

// scriptDir is where a script is put in the box while it runs.
const scriptDir = "/run/labrunner"

// scriptWrapper writes stdin to $scriptDir/$1, runs it with the command in
// $2… (none: by its #! line) with stdin at end of file, then kills every
// process it left behind (kill -1: all but the box's init and the
// wrapper) — a background job would hold the output open until the apply
// deadline, and a fork bomb would go on — removes the script and exits
// with its status. Its own failures exit 125 with "labrunner:" on stderr.
const scriptWrapper = `f=` + scriptDir + `/$1; shift
{ mkdir -p ` + scriptDir + ` && cat >"$f" && chmod 700 "$f"; } || { echo "labrunner: cannot write $f" >&2; exit 125; }
"$@" "$f" </dev/null
rc=$?
for i in 1 2 3 4 5; do kill -9 -1 2>/dev/null || break; done
rm -f "$f"
exit $rc
`

// scriptOutputCap bounds what is kept of a script's output.
const scriptOutputCap = 64 << 10

// runScript runs a shell script as root in the box from /root. A script
// with a #! line runs with that interpreter; others with sh (with -e for
// fixtures, so that a broken fixture stops at its first error).
func (st *boxState) runScript(ctx context.Context, name, content string, fixture bool) (ExecResult, error) {
	svc := st.env.Session.Service(st.name)
	if svc == nil {
		return ExecResult{}, &EnvError{Err: fmt.Errorf("service %s is not running", st.name)}
	}
	cmd := []string{"/bin/sh", "-c", scriptWrapper, "script", path.Base(name)}
	if !strings.HasPrefix(content, "#!") {
		cmd = append(cmd, "/bin/sh")
		if fixture {
			cmd = append(cmd, "-e")
		}
	}
	res, err := svc.Exec(ctx, cmd, ExecOptions{User: "0", WorkingDir: "/root", Stdin: strings.NewReader(content), OutputCap: scriptOutputCap})
	if err != nil {
		return res, err
	}
	if res.ExitCode == 125 && strings.HasPrefix(res.Stderr, "labrunner:") {
		return res, envErr(fmt.Errorf("run %s in %s: %s", name, st.name, strings.TrimSpace(res.Stderr)))
	}
	// Messages name the script as the learner knows it.
	full := path.Join(scriptDir, path.Base(name))
	res.Stdout = strings.ReplaceAll(res.Stdout, full, name)
	res.Stderr = strings.ReplaceAll(res.Stderr, full, name)
	return res, nil
}

func (st *boxState) Seed(ctx context.Context) error {
	fixtures, err := st.env.readFixtures(st.svc.Fixtures)
	if err != nil {
		return err
	}
	for _, f := range fixtures {
		res, err := st.runScript(ctx, f.Name, f.SQL, true)
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
	if err := st.recreate(ctx); err != nil {
		return err
	}
	return st.Seed(ctx)
}

// recreate replaces the box's container with a new one from the same
// image, with the same name, network alias, labels and files. The old one
// is renamed out of the way and removed while the new one starts. The
// session's Service keeps its identity; only its container changes.
func (st *boxState) recreate(ctx context.Context) error {
	s := st.env.Session
	old := s.Service(st.name)
	if old == nil {
		return &EnvError{Err: fmt.Errorf("service %s is not running", st.name)}
	}
	files, err := readCopies(st.env.files, st.env.Lab.Dir, st.svc.Files)
	if err != nil {
		return err
	}
	oldID := old.ContainerID
	if _, err := s.d.cli.ContainerRename(ctx, oldID, client.ContainerRenameOptions{NewName: "labrunner-" + s.ID + "-" + st.name + "-old-" + newSessionID()}); err != nil && !isNotFound(err) {
		return envErr(fmt.Errorf("reset %s: rename container: %w", st.name, err))
	}
	removed := make(chan error, 1)
	go func() {
		// Without a cancelled ctx cutting it short: the old container
		// must go whatever happens to the new one.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_, err := s.d.cli.ContainerRemove(rctx, oldID, client.ContainerRemoveOptions{Force: true})
		if err != nil && !isNotFound(err) {
			err = envErr(fmt.Errorf("reset %s: remove old container: %w", st.name, err))
		} else {
			err = nil
		}
		removed <- err
	}()
	spec := ServiceSpec{Name: st.name, Kind: KindBox, Image: st.svc.Image, Env: st.svc.Env, Files: files}
	svc, err := s.d.startService(ctx, s, spec)
	if svc != nil {
		s.mu.Lock()
		old.ContainerID, old.Image, old.HostPort = svc.ContainerID, svc.Image, svc.HostPort
		s.services[st.name] = old
		s.mu.Unlock()
	}
	rmErr := <-removed
	if err != nil {
		return fmt.Errorf("reset %s: %w", st.name, err)
	}
	return rmErr
}

func (st *boxState) Apply(ctx context.Context, f *labs.SubmissionFile, content string, live bool) error {
	if f.Apply != labs.ApplyShell {
		return fmt.Errorf("apply mode %q is not supported on a box service", f.Apply)
	}
	if live {
		return nil // the learner did it by hand in `lab shell`
	}
	st.pristine = false
	start := time.Now()
	res, err := st.runScript(ctx, f.File, content, false)
	if err != nil {
		if isDeadline(err) {
			return fmt.Errorf("%s did not finish within %s; it was stopped", f.File, time.Since(start).Round(time.Second))
		}
		return err
	}
	if res.ExitCode != 0 {
		return fmt.Errorf("%s exited with status %d%s", f.File, res.ExitCode, outputTail(res, ":\n"))
	}
	return nil
}

// outputTail is the end of a command's stderr (else stdout), a few lines,
// prefixed with sep, or "" when there is none.
func outputTail(res ExecResult, sep string) string {
	out := strings.TrimRight(res.Stderr, "\n")
	if strings.TrimSpace(out) == "" {
		out = strings.TrimRight(res.Stdout, "\n")
	}
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
