package runner

import (
	"context"
	"fmt"
	"strings"

	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner/engine"
)

// BoxScriptDir is where a box's submission files of apply mode script
// are copied: /app/<file>, as a runtime's program is.
const BoxScriptDir = "/app"

// boxScriptCopy writes stdin to "$1/$2" (its folders made), executable
// and read-only for all, owned by root, through a temporary file renamed
// into place, so that a check never runs half a file.
const boxScriptCopy = `set -e; umask 022; f="$1/$2"; mkdir -p "$(dirname "$f")"; cat >"$f.tmp"; chmod 0555 "$f.tmp"; mv -f "$f.tmp" "$f"`

// installScript applies a submission file of apply mode script: it is
// copied into BoxScriptDir and not run; the lab's checks run it (as the
// user and in the folder they choose, on the data they prepare: several
// repositories, a hidden one among them), which a shell file, run once
// as root at apply time, cannot be. It is copied in live mode too: the
// learner edits it in the workspace, not in the box. Checks run the
// learner's code, so the box is no longer pristine.
func (st *boxState) installScript(ctx context.Context, f *labs.SubmissionFile, content string) error {
	st.pristine = false
	return st.scriptCopy(ctx, "copy "+f.File+" into "+BoxScriptDir, boxScriptCopy, content, f.File)
}

// syncFile copies a script file into BoxScriptDir as a check does, for
// `lab shell`, or removes the copy of one the learner deleted. A shell
// file is run by checks only: the shell leaves it alone.
func (st *boxState) syncFile(ctx context.Context, f *labs.SubmissionFile, content string, present bool) error {
	switch {
	case f.Apply != labs.ApplyScript:
		return nil
	case present:
		return st.installScript(ctx, f, content)
	}
	return st.scriptCopy(ctx, "remove "+f.File+" from "+BoxScriptDir, `rm -f "$1/$2"`, "", f.File)
}

// scriptCopy runs script as root in the box with BoxScriptDir and file as
// its arguments and stdin on its input; what names it in an error.
func (st *boxState) scriptCopy(ctx context.Context, what, script, stdin, file string) error {
	svc, err := st.t.service()
	if err != nil {
		return err
	}
	// A copy of the probe stays trusted only while nothing else ran.
	st.probes.drop()
	res, err := svc.Exec(ctx, []string{"/bin/sh", "-c", script, "labrunner", BoxScriptDir, file},
		engine.ExecOptions{User: "0", Stdin: strings.NewReader(stdin)})
	if err != nil {
		return err
	}
	if res.ExitCode != 0 {
		return envErr(fmt.Errorf("%s in %s: exit %d: %s", what, st.name, res.ExitCode, strings.TrimSpace(res.Stderr)))
	}
	return nil
}

var _ fileSyncer = (*boxState)(nil)
