package workspace

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/labrunner/labrunner/internal/atomicfile"
)

// Progress is what a learner has done across labs, kept in the user's state
// folder (ProgressPath).
type Progress struct {
	Labs map[string]*LabProgress `json:"labs"`
	// Current is the lab last started and the track it was started in,
	// for `lab next`.
	Current Current `json:"current,omitzero"`

	path string
}

// LabProgress is a learner's record for one lab.
type LabProgress struct {
	Passed      bool      `json:"passed"`
	BestScore   int       `json:"best_score"`
	MaxScore    int       `json:"max_score"`
	HintsUsed   int       `json:"hints_used"`
	Checks      int       `json:"checks"`
	LastChecked time.Time `json:"last_checked,omitzero"`
	// Started is when `lab start` (or `lab next`) last started the lab.
	Started time.Time `json:"started,omitzero"`
}

// Current is where a learner is: the lab last started, and the track
// `lab next` started it in ("" when it was started by name).
type Current struct {
	Lab   string `json:"lab,omitempty"`
	Track string `json:"track,omitempty"`
}

// InProgress reports whether the lab was started or checked and is not
// passed.
func (p *LabProgress) InProgress() bool {
	return p != nil && !p.Passed && (!p.Started.IsZero() || p.Checks > 0)
}

// Status is the short status `lab list` shows: "passed", "in progress"
// (started or checked, not passed) or "" (not started).
func (p *LabProgress) Status() string {
	switch {
	case p == nil:
		return ""
	case p.Passed:
		return "passed"
	case p.InProgress():
		return "in progress"
	}
	return ""
}

// Best is the best score as "3/4", or "" before the first check.
func (p *LabProgress) Best() string {
	if p == nil || p.Checks == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", p.BestScore, p.MaxScore)
}

// ProgressPath returns $LAB_STATE_DIR/progress.json, else
// $XDG_STATE_HOME/labrunner/progress.json, else
// ~/.local/state/labrunner/progress.json.
func ProgressPath(getenv func(string) string) string {
	if d := getenv("LAB_STATE_DIR"); d != "" {
		return filepath.Join(d, "progress.json")
	}
	dir := getenv("XDG_STATE_HOME")
	if dir == "" {
		dir = filepath.Join(getenv("HOME"), ".local", "state")
	}
	return filepath.Join(dir, "labrunner", "progress.json")
}

// LoadProgress reads the progress file; a missing file is empty progress,
// a corrupted one is an error (never silently reset).
func LoadProgress(path string) (*Progress, error) {
	p := &Progress{Labs: map[string]*LabProgress{}, path: path}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, p); err != nil {
		return nil, fmt.Errorf("progress file %s is corrupted (%v); fix or move it away", path, err)
	}
	if p.Labs == nil {
		p.Labs = map[string]*LabProgress{}
	}
	return p, nil
}

// Lab returns the record of lab id, creating it.
func (p *Progress) Lab(id string) *LabProgress {
	lp := p.Labs[id]
	if lp == nil {
		lp = &LabProgress{}
		p.Labs[id] = lp
	}
	return lp
}

// RecordCheck records a check's score.
func (p *Progress) RecordCheck(id string, score, max int, passed bool, at time.Time) {
	lp := p.Lab(id)
	lp.Checks++
	lp.LastChecked = at
	lp.MaxScore = max
	if score > lp.BestScore {
		lp.BestScore = score
	}
	if passed {
		lp.Passed = true
	}
}

// RecordStart records that lab id was started at at, in track ("" when
// started by name).
func (p *Progress) RecordStart(id, track string, at time.Time) {
	p.Lab(id).Started = at
	p.Current = Current{Lab: id, Track: track}
}

// Save writes the progress file atomically.
func (p *Progress) Save() error {
	if err := os.MkdirAll(filepath.Dir(p.path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(p.path, append(b, '\n'), 0o644)
}
