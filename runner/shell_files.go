package runner

import (
	"context"
	"fmt"

	"github.com/labrunner/labrunner/labs"
)

// fileSyncer is a service state that keeps copies of the learner's files
// in its container (a runtime's program files in AppDir), which an
// interactive shell should find as the learner last saved them.
type fileSyncer interface {
	// syncFile copies f's content into the container, or removes the
	// copy when the learner has no such file (present false).
	syncFile(ctx context.Context, f *labs.SubmissionFile, content string, present bool) error
}

// SyncFiles copies the learner's current files (sub) into service name
// where its kind keeps copies of them, so that `lab shell` there runs the
// files being edited rather than those of the last check; a submission
// file missing from sub has its copy removed. Services of other kinds
// (a database, nginx) keep no copies, and are left alone: applying a
// file there (running SQL, reloading a config) is a check's business.
func (e *LabEnv) SyncFiles(ctx context.Context, name string, sub Submission) error {
	st, ok := e.state[name].(fileSyncer)
	if !ok {
		return nil
	}
	for _, f := range e.Lab.Submission {
		if f.Service != name {
			continue
		}
		content, present := sub[f.File]
		if err := st.syncFile(ctx, f, content, present); err != nil {
			return err
		}
	}
	return nil
}

// syncFile copies a program file into AppDir as a check does, or removes
// the copy of one the learner deleted.
func (st *runtimeState) syncFile(ctx context.Context, f *labs.SubmissionFile, content string, present bool) error {
	if present {
		return st.apply(ctx, f, content)
	}
	return st.root(ctx, fmt.Sprintf("remove %s from %s", f.File, AppDir), `rm -f "$1/$2"`, AppDir, f.File)
}
