package runner

import (
	"time"

	"github.com/labrunner/labrunner/images"

	"github.com/moby/moby/api/types/container"

	"github.com/labrunner/labrunner/runner/engine"
)

var boxKind = kindSpec{
	Contract: engine.Contract{Cmd: idleCmd, Probe: execProbe("true"), HostConfig: limitBox, LearnerCode: true,
		Requires: boxRequires},
	newState: newBoxState,
	image:    images.Box,
}

// boxRequires is what the runner and the checks of files and access rely
// on in a box image; everything runs with /bin/sh. A lab's own fixtures
// and scripts need more (useradd, setfacl), which is the lab's to say.
var boxRequires = engine.Requirements{
	Commands: []string{
		"sleep",    // idleCmd, the box's command
		"true",     // the readiness probe, run without a shell
		"mkdir",    // scriptWrapper: the script's folder
		"cat",      // scriptWrapper: the script from stdin; checks.File: a file's content
		"chmod",    // scriptWrapper: make the script executable
		"rm",       // scriptWrapper: remove the script; checks.Access: the file a write test made
		"ls",       // checks.Access: read a folder; checks.File: modes where stat is missing
		"readlink", // checks.File: a symlink's target
	},
	Paths: []string{
		"/root", // scriptWrapper runs in it (the exec's working directory)
	},
}

// Limits of a box: the learner's script runs in it as root, so a fork
// bomb or a memory hog meets the box's limits, not the machine's.
const (
	boxMemory = 512 << 20
	boxPids   = 512
	// boxFileSize bounds each file a learner's script writes (its
	// RLIMIT_FSIZE, which root in the box cannot raise without
	// CAP_SYS_RESOURCE): `dd if=/dev/zero of=/big` or `fallocate -l 100G`
	// stop there at once.
	boxFileSize = 256 << 20
	// boxDiskLimit bounds the box's writable layer while a learner's
	// script runs, polled every boxDiskPoll: the script is stopped past
	// it. Docker's overlay2 limits a container's layer (--storage-opt
	// size) only on xfs with project quotas, which the engines this
	// project runs on lack; polling bounds a script that writes many
	// files to about this plus what the disk takes in one poll.
	boxDiskLimit = 1 << 30
	boxDiskPoll  = 200 * time.Millisecond
)

func limitBox(hc *container.HostConfig) {
	hc.Memory = boxMemory
	hc.MemorySwap = boxMemory
	pids := int64(boxPids)
	hc.PidsLimit = &pids
}
