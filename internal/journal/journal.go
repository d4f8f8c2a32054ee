package journal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/atomicfile"
	"github.com/labrunner/labrunner/report"
)

// Dir is the journal's folder inside a batch's output folder.
const Dir = ".lab-journal"

// Format and Version name the files of the journal.
const (
	Format  = "labrunner-journal-entry"
	Version = 1
)

// Journal is the folder of one lab's results inside an output folder. Its
// methods are safe to call from several goroutines for different
// submissions. The caller keeps other processes out (see the lock of
// `lab grade`): two writers of one journal are not supported.
type Journal struct {
	dir    string
	labKey string
}

// Keys identify one result: the submission and the lab as graded.
type Keys struct {
	Submission string `json:"submission"`
	Lab        string `json:"lab"`
}

// entry is one file of the journal: the result of one submission, under
// its keys, as a results index of one submission (report.JSONBatch), so
// that it reads back whole, with its files, scores and durations.
type entry struct {
	Format     string          `json:"format"`
	Version    int             `json:"version"`
	Lab        string          `json:"lab"`
	Submission string          `json:"submission"`
	Keys       Keys            `json:"keys"`
	Index      json.RawMessage `json:"index"`
}

// Open opens (creating it) the journal of lab labID under out, whose
// results are valid for labKey (see LabKey), and removes the temporary
// files that a writer killed mid-write left behind.
func Open(out, labID, labKey string) (*Journal, error) {
	dir := filepath.Join(out, Dir, fileName(labID))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open journal: %w", err)
	}
	atomicfile.RemoveTemps(dir)
	return &Journal{dir: dir, labKey: labKey}, nil
}

// Path is the journal's folder.
func (j *Journal) Path() string { return j.dir }

// Get returns the result kept for the submission called name, and
// whether it is still valid: kept under the same submission key and the
// journal's lab key, and not an error (an error is the environment's, and
// is graded again). A result that is absent is (nil, false, nil); one
// that cannot be read is an error, and the caller grades it again.
func (j *Journal) Get(name, submissionKey string) (rep *checks.Report, valid bool, err error) {
	e, rep, err := j.read(name)
	if rep == nil || err != nil {
		return nil, false, err
	}
	valid = e.Keys.Submission == submissionKey && e.Keys.Lab == j.labKey && rep.Status != checks.Error
	return rep, valid, nil
}

// Read returns the result kept for the submission called name, whatever
// its keys; nil when there is none.
func (j *Journal) Read(name string) (*checks.Report, error) {
	_, rep, err := j.read(name)
	return rep, err
}

func (j *Journal) read(name string) (*entry, *checks.Report, error) {
	b, err := os.ReadFile(j.file(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read journal of %q: %w", name, err)
	}
	var e entry
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, nil, fmt.Errorf("read journal of %q: %s: %w", name, j.file(name), err)
	}
	if e.Format != Format || e.Version != Version || e.Submission != name {
		return nil, nil, fmt.Errorf("read journal of %q: %s is not a journal entry of it (format %q version %d, submission %q)", name, j.file(name), e.Format, e.Version, e.Submission)
	}
	reps, err := report.ReadJSON(bytes.NewReader(e.Index))
	if err != nil {
		return nil, nil, fmt.Errorf("read journal of %q: %w", name, err)
	}
	if len(reps) != 1 {
		return nil, nil, fmt.Errorf("read journal of %q: %d results, want 1", name, len(reps))
	}
	return &e, &reps[0], nil
}

// Put keeps rep as the result of its submission (rep.Submission) under
// submissionKey and the journal's lab key, replacing any earlier one
// atomically. When Put returns nil the result is on disk and survives a
// crash.
func (j *Journal) Put(rep checks.Report, submissionKey string) error {
	var idx bytes.Buffer
	if err := report.JSONBatch(&idx, []checks.Report{rep}); err != nil {
		return fmt.Errorf("journal %q: %w", rep.Submission, err)
	}
	b, err := json.Marshal(entry{
		Format: Format, Version: Version, Lab: rep.Lab, Submission: rep.Submission,
		Keys:  Keys{Submission: submissionKey, Lab: j.labKey},
		Index: bytes.TrimSpace(idx.Bytes()),
	})
	if err != nil {
		return fmt.Errorf("journal %q: %w", rep.Submission, err)
	}
	if err := atomicfile.WriteFile(j.file(rep.Submission), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("journal %q: %w", rep.Submission, err)
	}
	return nil
}

// file is where the result of the submission called name is kept: its
// name made safe for a file name, and a short hash of the name itself, so
// that names that are made safe alike ("a/b", "a_b") or differ only in
// case never share a file.
func (j *Journal) file(name string) string {
	sum := sha256.Sum256([]byte(name))
	return filepath.Join(j.dir, fileName(name)+"-"+hex.EncodeToString(sum[:4])+".json")
}

// fileName makes name safe as a file name on every system.
func fileName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`/\:*?"<>|`, r) {
			r = '_'
		}
		b.WriteRune(r)
	}
	s := b.String()
	if s == "" {
		return "_"
	}
	if s[0] == '.' {
		s = "_" + s[1:]
	}
	return s
}
