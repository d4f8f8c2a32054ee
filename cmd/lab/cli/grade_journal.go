package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/journal"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
)

// gradeJournal is the journal of a batch graded with --out: each result
// is kept in DIR/.lab-journal as soon as it is made, and the outputs are
// made from it at the end. It holds the lock of DIR for the whole run.
type gradeJournal struct {
	j      *journal.Journal
	out    string
	keys   map[string]string // submission name → submission key
	unlock func()
}

// openGradeJournal locks out and opens the journal of lab in it. A second
// `lab grade` on the same --out is refused while the first runs: both
// would write the same results and outputs.
func openGradeJournal(lab *labs.Lab, out string, s journal.Settings) (*gradeJournal, error) {
	labKey, err := journal.LabKey(lab, s)
	if err != nil {
		return nil, err
	}
	unlock, err := lockOut(out)
	if err != nil {
		return nil, err
	}
	j, err := journal.Open(out, lab.ID, labKey)
	if err != nil {
		unlock()
		return nil, err
	}
	return &gradeJournal{j: j, out: out, keys: map[string]string{}, unlock: unlock}, nil
}

// lockOut takes the lock of an output folder, DIR/.lab-journal/lock,
// without waiting: a second grade is refused with a sentence that says
// what to do. The lock goes when unlock is called or the process ends,
// however it ends.
func lockOut(out string) (unlock func(), err error) {
	dir := filepath.Join(out, journal.Dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lock %s: %w", out, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", out, err)
	}
	held, err := tryLock(f)
	if held || err != nil {
		f.Close()
		if held {
			return nil, &UsageError{Err: fmt.Errorf("another lab grade is writing to %s; wait for it to finish, or give this one another --out", out)}
		}
		return nil, fmt.Errorf("lock %s: %w", out, err)
	}
	return func() { f.Close() }, nil
}

// plan returns the entries to grade: all of them with regrade, else those
// without a valid kept result (new, changed, graded under another lab
// key, or an error). A kept result that cannot be read is graded again,
// and notes says so.
func (g *gradeJournal) plan(entries []runner.Entry, regrade bool, notes io.Writer) []runner.Entry {
	var todo []runner.Entry
	for _, e := range entries {
		key := journal.SubmissionKey(e.Files)
		g.keys[e.Name] = key
		if regrade {
			todo = append(todo, e)
			continue
		}
		_, valid, err := g.j.Get(e.Name, key)
		if err != nil {
			fmt.Fprintf(notes, "note: %s: its kept result cannot be read, so it is graded again: %v\n", e.Name, err)
		}
		if !valid {
			todo = append(todo, e)
		}
	}
	return todo
}

// put keeps rep, graded from the files of its entry.
func (g *gradeJournal) put(rep checks.Report, files runner.Submission) error {
	if rep.Files == nil {
		rep.Files = files
	}
	return g.j.Put(rep, g.keys[rep.Submission])
}

// results reads the kept result of every entry, in their order: what the
// outputs are made of.
func (g *gradeJournal) results(entries []runner.Entry) ([]checks.Report, error) {
	out := make([]checks.Report, 0, len(entries))
	for _, e := range entries {
		rep, err := g.j.Read(e.Name)
		if err != nil {
			return nil, err
		}
		if rep == nil {
			return nil, fmt.Errorf("read journal: no result of %q in %s", e.Name, g.j.Path())
		}
		out = append(out, *rep)
	}
	return out, nil
}

func (g *gradeJournal) close() { g.unlock() }
