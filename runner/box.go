package runner

import "github.com/moby/moby/api/types/container"

var boxKind = kindSpec{
	cmd:        idleCmd,
	probe:      execProbe("true"),
	hostConfig: limitBox,
}

// Limits of a box: the learner's script runs in it as root, so a fork
// bomb or a memory hog meets the box's limits, not the machine's.
const (
	boxMemory = 512 << 20
	boxPids   = 512
)

func limitBox(hc *container.HostConfig) {
	hc.Memory = boxMemory
	hc.MemorySwap = boxMemory
	pids := int64(boxPids)
	hc.PidsLimit = &pids
}
