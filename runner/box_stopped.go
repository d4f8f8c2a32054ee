package runner

import (
	"context"
	"fmt"
	"path"
	"time"

	"github.com/labrunner/labrunner/runner/engine"
)

// A learner's script runs as root in the box and can end the box itself:
// `kill 1` (or `kill -TERM 1`, `kill -INT 1`) ends the box's first
// process, its init, and the engine then stops the container with every
// process in it; `kill -9 -1` signals every process but init, the
// wrapper that runs the script too. Neither is the environment's failure:
// the learner's script did it, so it is a fail of the script's apply,
// with a sentence that says what happened, and the checks (which then get
// no points, see withholdPoints) run on a box started again with the
// files the script left. A grader without this met the engine's "is not
// running" on its next exec and called it an environment error.

// scriptStoppedBox reports, as the learner's sentence, whether the box
// stopped while the script file ran, and starts it again (keeping its
// files) if so. ok is false when the box still runs.
// settle is set when the script ended as a box that stops ends it (an
// error of its exec, or killed by SIGKILL): the engine may learn that the
// box's init ended a moment after the exec's end, so its state is asked
// again for a while.
func (st *boxState) scriptStoppedBox(ctx context.Context, file string, settle bool) (msg string, ok bool, err error) {
	svc, err := st.t.service()
	if err != nil {
		return "", false, err
	}
	state, err := settledState(ctx, svc, settle)
	if err != nil || state.Running {
		// A box the engine cannot inspect is the engine's problem; the
		// checks that follow find out.
		return "", false, nil
	}
	if err := st.stopAll(ctx); err != nil {
		return "", false, err
	}
	if state.OOMKilled {
		return fmt.Sprintf("%s used up the box's memory (%d MiB), and the box stopped; it was started again with the files the script left", file, boxMemory>>20), true, nil
	}
	return fmt.Sprintf("your script %s stopped the box (it killed PID 1, the box's first process, as `kill 1` does, which ends every process in the box); a script must leave the box running, so it was started again with the files the script left", file), true, nil
}

// scriptKilledWrapper reports whether the script killed the process that
// ran it (the wrapper, which then never removed the script's file: a
// `kill -9 -1`), and stops whatever the script left running if so.
func (st *boxState) scriptKilledWrapper(ctx context.Context, file string, exitCode int) (msg string, ok bool, err error) {
	if exitCode != 128+9 {
		return "", false, nil
	}
	svc, err := st.t.service()
	if err != nil {
		return "", false, err
	}
	// Asked of the engine, not of a tool in the box the script may have
	// replaced.
	rc, err := svc.CopyFrom(context.WithoutCancel(ctx), path.Join(scriptDir, path.Base(file)))
	if err != nil {
		return "", false, nil // the wrapper removed it: the script itself was killed
	}
	rc.Close()
	// The script's shell outlives its wrapper and may go on.
	if err := st.stopAll(ctx); err != nil {
		return "", false, err
	}
	return fmt.Sprintf("your script %s killed the grader's process that ran it (`kill -9 -1` signals every process in the box, not only those the script started); what it left running was stopped", file), true, nil
}

// boxStopSettle bounds how long settledState waits for the engine to see
// a box's init end after the exec that ended it; boxStopPoll is how often
// it asks.
var (
	boxStopSettle = 2 * time.Second
	boxStopPoll   = 50 * time.Millisecond
)

// settledState returns the container's state; with settle, it asks again
// until the container stopped or boxStopSettle passed.
func settledState(ctx context.Context, svc service, settle bool) (engine.ContainerState, error) {
	ctx = context.WithoutCancel(ctx)
	deadline := time.Now().Add(boxStopSettle)
	for {
		state, err := svc.State(ctx)
		if err != nil || !state.Running || !settle || time.Now().After(deadline) {
			return state, err
		}
		time.Sleep(boxStopPoll)
	}
}
