package runner

import (
	"archive/tar"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/runner/engine"
)

// The grader's probe in a box (images/box/probe.go). A learner's script
// runs as root and can replace anything in the box — /bin/sh, stat, the
// probe's own file in the image — so the runner reads the probe from the
// box before any script ran there (Seed of a fresh container, from the
// image) and, for each check, copies those bytes into a new folder with a
// random name and runs them directly, without a shell. By then the script
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

// runProbe copies the probe in fresh and runs it with args as user.
func (st *boxState) runProbe(ctx context.Context, user string, args []string) (checks.ExecResult, error) {
	if st.probe == nil {
		return checks.ExecResult{}, checks.ErrNoProbe
	}
	svc, err := st.t.service()
	if err != nil {
		return checks.ExecResult{}, err
	}
	copier, ok := svc.(interface {
		CopyFiles(ctx context.Context, files ...engine.File) error
	})
	if !ok {
		return checks.ExecResult{}, checks.ErrNoProbe
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return checks.ExecResult{}, err
	}
	dir := "/.labrunner-probe-" + hex.EncodeToString(b[:])
	bin := dir + "/probe"
	if err := copier.CopyFiles(ctx, engine.File{Path: bin, Content: st.probe, Mode: 0o755}); err != nil {
		return checks.ExecResult{}, err
	}
	res, err := svc.Exec(ctx, append([]string{bin}, args...), engine.ExecOptions{User: user, OutputCap: 2 << 20})
	// The folder goes again, removed by the probe's own means: rm may be
	// the learner's.
	svc.Exec(context.WithoutCancel(ctx), []string{bin, "remove", dir}, engine.ExecOptions{User: "0"})
	out := checks.ExecResult{ExitCode: res.ExitCode, Stdout: res.Stdout, Stderr: res.Stderr, Truncated: res.Truncated}
	if err != nil && strings.Contains(err.Error(), "no such file") {
		return out, checks.ErrNoProbe
	}
	return out, err
}
