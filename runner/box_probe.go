package runner

import (
	"archive/tar"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/runner/engine"
)

// The grader's probe in a box (images/box/probe.go). A learner's script
// runs as root and can replace anything in the box — /bin/sh, stat, the
// probe's own file in the image — so the runner reads the probe from the
// box before any script ran there (Seed of a fresh container, from the
// image) and, for a grading run, copies those bytes into a new folder
// with a random name and runs them directly, without a shell (a new copy
// after anything else ran in the box: probeCopy). By then the script
// and everything it started have ended (the script's wrapper kills them,
// or the box is restarted), so nothing of the submission runs that could
// swap the file between the copy and the exec; and the probe is static,
// so no loader or library of the box takes part. This is more robust than
// running the image's tools from a read-only bind (a box cannot get a new
// mount once started) and, unlike reading the engine's file API alone,
// still lets the kernel decide what a user can do.
const (
	boxProbeImagePath = "/usr/lib/labrunner/probe"
	boxProbeMax       = 32 << 20
)

// readProbe reads the probe from the box's image, once.
func (st *boxState) readProbe(ctx context.Context, svc service) error {
	if st.probe != nil {
		return nil
	}
	rc, err := svc.CopyFrom(ctx, boxProbeImagePath)
	if err != nil {
		// An image set by hand may lack it: checks then use the box's
		// shell, as they do in other kinds.
		return nil
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err != nil {
			return nil
		}
		if h.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(io.LimitReader(tr, boxProbeMax))
			if err != nil {
				return envErr(fmt.Errorf("read the probe of %s: %w", st.name, err))
			}
			st.probe = b
			return nil
		}
	}
}

// probeCopy is where the probe was copied in this run, while nothing
// else ran in the box since: later checks run that copy. Any other
// command in the box (the learner's script, a check's command, a cat)
// drops it, so the next probe runs from a fresh copy in a new folder, as
// when each check copied its own: what a command of the submission left
// running can no more swap the file than before. The folders go at the
// run's End, each removed by its own copy of the probe; a reset removes
// the container with them.
type probeCopy struct {
	mu sync.Mutex
	// bin is the copy to run, or "" when there is none to trust.
	bin string
	// dirs are the folders copied into in this container, to remove.
	dirs []string
	// each copies the probe for each check and removes it after (a live
	// run: the learner's own processes may run in the box).
	each bool
	// results are answers of batches run from bin (box_probe_batch.go),
	// by user and arguments, in the order asked; plannedTo is the index
	// of the first check after the last batch's stretch.
	results   map[string][]checks.ExecResult
	plannedTo int
	// noBatch is set when the probe has no batch command.
	noBatch bool
}

// drop forgets the current copy and what it answered: something else ran
// in the box.
func (p *probeCopy) drop() {
	p.mu.Lock()
	p.bin, p.results, p.plannedTo = "", nil, 0
	p.mu.Unlock()
}

// forget forgets every copy: the box is a new container.
func (p *probeCopy) forget() {
	p.mu.Lock()
	p.bin, p.dirs, p.results, p.plannedTo = "", nil, nil, 0
	p.mu.Unlock()
}

// runProbe runs the probe with args as user, from the run's copy, which
// it makes first if there is none; plan, when set, gives the probes of
// the checks from the asking one on, to answer in a batch.
func (st *boxState) runProbe(ctx context.Context, user string, args []string, plan func() (from, to int, calls []checks.ProbeCall)) (checks.ExecResult, error) {
	if st.probe == nil {
		return checks.ExecResult{}, checks.ErrNoProbe
	}
	svc, err := st.t.service()
	if err != nil {
		return checks.ExecResult{}, err
	}
	pc := &st.probes
	pc.mu.Lock()
	bin, each := pc.bin, pc.each
	pc.mu.Unlock()
	if bin == "" || each {
		if bin, err = st.copyProbe(ctx, svc); err != nil {
			return checks.ExecResult{}, err
		}
	}
	if !each {
		if res, ok := pc.takeResult(user, args); ok {
			return res, nil
		}
		st.batchProbes(ctx, svc, bin, plan)
		if res, ok := pc.takeResult(user, args); ok {
			return res, nil
		}
	}
	res, err := svc.Exec(ctx, append([]string{bin}, args...), engine.ExecOptions{User: user, OutputCap: 2 << 20})
	if each {
		st.removeProbes(ctx)
	}
	out := checks.ExecResult{ExitCode: res.ExitCode, Stdout: res.Stdout, Stderr: res.Stderr, Truncated: res.Truncated}
	if err != nil && strings.Contains(err.Error(), "no such file") {
		return out, checks.ErrNoProbe
	}
	return out, err
}

// copyProbe copies the probe into a new folder with a random name and
// makes it the run's copy.
func (st *boxState) copyProbe(ctx context.Context, svc service) (string, error) {
	copier, ok := svc.(interface {
		CopyFiles(ctx context.Context, files ...engine.File) error
	})
	if !ok {
		return "", checks.ErrNoProbe
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	dir := "/.labrunner-probe-" + hex.EncodeToString(b[:])
	bin := dir + "/probe"
	st.probes.mu.Lock()
	st.probes.dirs = append(st.probes.dirs, dir)
	st.probes.mu.Unlock()
	if err := copier.CopyFiles(ctx, engine.File{Path: bin, Content: st.probe, Mode: 0o755}); err != nil {
		return "", err
	}
	st.probes.mu.Lock()
	st.probes.bin = bin
	st.probes.mu.Unlock()
	return bin, nil
}

// removeProbes removes the folders the probe was copied into, each by
// its own copy's means: rm may be the learner's.
func (st *boxState) removeProbes(ctx context.Context) {
	st.probes.mu.Lock()
	dirs := st.probes.dirs
	st.probes.bin, st.probes.dirs = "", nil
	st.probes.mu.Unlock()
	svc, err := st.t.service()
	if err != nil {
		return
	}
	for _, dir := range dirs {
		svc.Exec(context.WithoutCancel(ctx), []string{dir + "/probe", "remove", dir}, engine.ExecOptions{User: "0"})
	}
}
