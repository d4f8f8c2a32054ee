// Package workspace holds the learner's side of labrunner: a workspace
// folder with its state file (.lab/state.json), and the learner's progress
// across labs. It knows nothing of containers; the CLI connects the two.
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

// StateDir is the folder inside a workspace where labrunner keeps its state.
const StateDir = ".lab"

// Workspace is a learner's folder for one lab: the task, the files they
// edit, and a small state file saying which lab and session it belongs to.
type Workspace struct {
	// Dir is the workspace folder.
	Dir string
	// State is the content of .lab/state.json.
	State State
}

// State is what a workspace remembers between commands.
type State struct {
	// Lab is the lab id.
	Lab string `json:"lab"`
	// Catalog is the catalog folder the lab came from; "" is the bundled one.
	Catalog string `json:"catalog,omitempty"`
	// Session is the id of the running session, "" when stopped.
	Session string `json:"session,omitempty"`
	// Started is when the session started.
	Started time.Time `json:"started,omitzero"`
	// HintsShown counts the general hints shown so far.
	HintsShown int `json:"hints_shown,omitempty"`
	// Failing are the checks that did not pass in the last check.
	Failing []string `json:"failing,omitempty"`
	// LastScore and LastMax are the last check's score.
	LastScore int `json:"last_score,omitempty"`
	LastMax   int `json:"last_max,omitempty"`
}

func statePath(dir string) string { return filepath.Join(dir, StateDir, "state.json") }

// ErrNoWorkspace means no workspace was found from the current folder up.
var ErrNoWorkspace = errors.New("not in a lab workspace (no .lab/state.json here or above); run `lab start <lab>` first, or cd into a workspace")

// Find looks for a workspace in dir and its parents.
func Find(dir string) (*Workspace, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	for {
		if _, err := os.Stat(statePath(dir)); err == nil {
			return Open(dir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, ErrNoWorkspace
		}
		dir = parent
	}
}

// Open reads the workspace in dir. A state file that cannot be
// parsed is reported, never silently replaced.
func Open(dir string) (*Workspace, error) {
	b, err := os.ReadFile(statePath(dir))
	if err != nil {
		return nil, err
	}
	w := &Workspace{Dir: dir}
	if err := json.Unmarshal(b, &w.State); err != nil {
		return nil, fmt.Errorf("workspace state %s is corrupted (%v); fix or delete it", statePath(dir), err)
	}
	if w.State.Lab == "" {
		return nil, fmt.Errorf("workspace state %s names no lab; fix or delete it", statePath(dir))
	}
	return w, nil
}

// Save writes the state atomically.
func (w *Workspace) Save() error {
	if err := os.MkdirAll(filepath.Join(w.Dir, StateDir), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(w.State, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(statePath(w.Dir), append(b, '\n'), 0o644)
}

// ReadFiles reads the named files of the workspace, keyed by name. A
// missing file is left out; the grader reports it.
func (w *Workspace) ReadFiles(names []string) (map[string]string, error) {
	sub := map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(w.Dir, n))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sub[n] = string(b)
	}
	return sub, nil
}
