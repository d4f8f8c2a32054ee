package runner

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/labrunner/labrunner/checks"

	"github.com/labrunner/labrunner/runner/engine"
)

// Checks compare what a service serves with the lab's own files in it
// (an http check's body same_as /srv/site/index.html). A cat per file
// cost an exec round trip per request (eight in nginx-static); instead, a
// grading run reads each of the service's `files:` folders once, as one
// tar from the engine, when a check first asks for a file in it, and
// answers the run's later reads from that copy.
//
// The copy is only used where nothing of the submission runs between the
// checks (kinds without learner code: nginx, postgres, redis, backend),
// and a command a check runs in the service drops it. A file outside the
// lab's folders, or not a regular file in the copy (a symlink, a folder,
// a file that is not there), is read with cat, as before.

// maxFileSnapshot bounds the tar of one folder kept for a run; a larger
// folder is read file by file.
const maxFileSnapshot = 16 << 20

// fileSnapshot is one `files:` folder of a service as read once in a run:
// regular files by absolute path, each at most an exec's output cap.
type fileSnapshot struct {
	files map[string]string
	// big are regular files over the cap, by absolute path.
	big map[string]bool
}

var _ checks.FileReader = (*checkEnv)(nil)

// ReadFile returns the content of a file of the check's service (see
// above).
func (e *checkEnv) ReadFile(ctx context.Context, p string) (string, error) {
	if snap := e.snapshotFor(ctx, p); snap != nil {
		if c, ok := snap.files[p]; ok {
			return c, nil
		}
		if snap.big[p] {
			return "", fmt.Errorf("%s is larger than %d KiB", p, engine.DefaultOutputCap>>10)
		}
	}
	// cat only reads: the run's copies stay.
	res, err := e.exec(ctx, []string{"cat", "--", p}, checks.ExecOptions{User: "0"})
	switch {
	case err != nil:
		return "", err
	case res.ExitCode != 0 || res.Truncated:
		return "", fmt.Errorf("%s", strings.TrimSpace(res.Stderr))
	}
	return res.Stdout, nil
}

// snapshotFor returns the run's copy of the lab's folder that holds p in
// the check's service, reading it first if need be, or nil where there is
// none to use.
func (e *checkEnv) snapshotFor(ctx context.Context, p string) *fileSnapshot {
	def, ok := e.run.env.Lab.Services[e.service]
	if !ok || kinds[Kind(def.Kind)].LearnerCode {
		return nil
	}
	p = path.Clean(p)
	dst := ""
	for _, f := range def.Files {
		if d := path.Clean(f.Dst); p == d || strings.HasPrefix(p, d+"/") {
			dst = d
			break
		}
	}
	if dst == "" {
		return nil
	}
	key := e.service + "\x00" + dst
	e.run.mu.Lock()
	snap, done := e.run.files[key]
	e.run.mu.Unlock()
	if done {
		return snap
	}
	svc := e.run.env.sess.lookup(e.service)
	if svc == nil {
		return nil
	}
	snap = readSnapshot(ctx, svc, dst)
	e.run.mu.Lock()
	if e.run.files == nil {
		e.run.files = map[string]*fileSnapshot{}
	}
	e.run.files[key] = snap
	e.run.mu.Unlock()
	return snap
}

// dropSnapshots forgets the run's copies of the check's service's files:
// a command ran there and may have changed them.
func (e *checkEnv) dropSnapshots() {
	e.run.mu.Lock()
	defer e.run.mu.Unlock()
	for k := range e.run.files {
		if strings.HasPrefix(k, e.service+"\x00") {
			delete(e.run.files, k)
		}
	}
}

// readSnapshot reads the folder dst of svc as one tar, or returns nil
// when it cannot (the caller then reads file by file).
func readSnapshot(ctx context.Context, svc service, dst string) *fileSnapshot {
	rc, err := svc.CopyFrom(ctx, dst)
	if err != nil {
		return nil
	}
	defer rc.Close()
	snap := &fileSnapshot{files: map[string]string{}, big: map[string]bool{}}
	tr := tar.NewReader(io.LimitReader(rc, maxFileSnapshot+1))
	total := int64(0)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return snap
		}
		if err != nil {
			return nil
		}
		// The engine names the entries from the folder's own name.
		abs := path.Join(path.Dir(dst), path.Clean("/"+h.Name))
		if h.Typeflag != tar.TypeReg {
			continue
		}
		total += h.Size
		if total > maxFileSnapshot {
			return nil
		}
		if h.Size > engine.DefaultOutputCap {
			snap.big[abs] = true
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil
		}
		snap.files[abs] = string(b)
	}
}
