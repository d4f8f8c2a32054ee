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
	svc, err := st.t.service()
	if err != nil {
		return err
	}
	st.pristine = false
	st.probes.drop()
	res, err := svc.Exec(ctx, []string{"/bin/sh", "-c", boxScriptCopy, "labrunner", BoxScriptDir, f.File},
		engine.ExecOptions{User: "0", Stdin: strings.NewReader(content)})
	if err != nil {
		return err
	}
	if res.ExitCode != 0 {
		return envErr(fmt.Errorf("copy %s into %s: exit %d: %s", f.File, st.name, res.ExitCode, strings.TrimSpace(res.Stderr)))
	}
	return nil
}
