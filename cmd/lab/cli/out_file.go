package cli

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/labrunner/labrunner/internal/atomicfile"
	"github.com/labrunner/labrunner/runner"
)

// writeOutFile writes one output file under the --out folder out,
// atomically: a reader (an LMS import, a CI artifact upload) or a rerun
// never finds half a gradebook, even when the disk fills up while it is
// written. A full disk is said in one sentence (see diskFull).
func writeOutFile(out, path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data, 0o644); err != nil {
		if df := diskFull(out, err); df != nil {
			return df
		}
		return err
	}
	return nil
}

// diskFull turns a write error that means "no space left on the device"
// (or a disk quota reached) into an environment error that names the
// folder and says what to do; other errors give nil. It is an
// environment error (exit 3): the submissions are not at fault.
func diskFull(out string, err error) error {
	if !errors.Is(err, syscall.ENOSPC) && !errors.Is(err, syscall.EDQUOT) {
		return nil
	}
	return &runner.EnvError{Err: fmt.Errorf("no space left on the disk that holds %s, so the results could not be written there; free some space (or give another --out) and run the same command again", out)}
}
