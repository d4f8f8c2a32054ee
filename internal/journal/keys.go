package journal

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
)

// Settings are the options of a batch that can change a grade, and so
// are part of the lab key.
type Settings struct {
	// Deadline bounds one submission: a submission that outlives it fails
	// every check.
	Deadline time.Duration
}

// notGraded are the parts of a lab folder that grading never reads: the
// task, the starter and the known solutions that `lab test` proves. An
// edit there does not regrade anyone.
var notGraded = []string{labs.TaskFile, labs.StarterDir, labs.WrongDir, labs.AlternativesDir}

// LabKey hashes what a grade depends on besides the submission: every
// file of the lab's folder that grading reads (lab.yaml, its fixtures and
// variants, the reference solution and anything else it names; not
// README.md, starter/, wrong/ or alternatives/), the settings and
// runner.GradingVersion. Editing a lab's checks changes it, and so
// regrades everyone.
func LabKey(lab *labs.Lab, s Settings) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "labrunner grading %d\nlab %s\ndeadline %s\n", runner.GradingVersion, lab.ID, s.Deadline)
	fsys := lab.FS()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != "." && slices.Contains(notGraded, strings.SplitN(p, "/", 2)[0]) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		writeItem(h, path.Clean(p), string(b))
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash lab %q: %w", lab.ID, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// SubmissionKey hashes a submission's files as they are graded: the
// names and contents, in name order. A file that was not read (missing,
// or over the size limit) is not in files and not in the key.
func SubmissionKey(files runner.Submission) string {
	h := sha256.New()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		writeItem(h, name, files[name])
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// writeItem writes a name and its content so that no two different
// sequences of items hash alike: each part is preceded by its length.
func writeItem(h hash.Hash, name, content string) {
	fmt.Fprintf(h, "%d:%s%d:", len(name), name, len(content))
	io.WriteString(h, content)
}
