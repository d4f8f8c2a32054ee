package engine

import (
	"runtime"

	"github.com/moby/moby/api/types/container"
)

// Limits every container gets before its kind's own (box and runtime,
// where learners' code runs, tighten them). A service that a submission
// drives into the ground — a query that allocates without bound, a fork
// loop — meets these, not the machine's.
const (
	serviceMemory = 1 << 30
	servicePids   = 512
	// learnerCPUs bounds the containers that run learners' code.
	learnerCPUs = 1
)

// droppedCaps are capabilities no service needs: raw sockets, device
// nodes, audit, chroot, file capabilities.
var droppedCaps = []string{"NET_RAW", "MKNOD", "AUDIT_WRITE", "SYS_CHROOT", "SETFCAP", "SETPCAP"}

// defaultLimits sets memory (no swap), process and CPU limits, and, for
// the kinds whose images only drop privileges (never gain them through
// setuid binaries), no-new-privileges and a smaller capability set. Kinds
// that run learners' code get one CPU and keep their capabilities: the
// learner's script administers users and files in a box as root, and su
// needs them (the runtime tightens its own in its hostConfig).
func defaultLimits(learnerCode bool, hc *container.HostConfig) {
	hc.Memory = serviceMemory
	hc.MemorySwap = serviceMemory
	pids := int64(servicePids)
	hc.PidsLimit = &pids
	hc.NanoCPUs = int64(min(runtime.NumCPU(), 2)) * 1e9
	if learnerCode {
		hc.NanoCPUs = learnerCPUs * 1e9
		return
	}
	hc.SecurityOpt = append(hc.SecurityOpt, "no-new-privileges")
	hc.CapDrop = append(hc.CapDrop, droppedCaps...)
}
