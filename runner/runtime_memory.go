package runner

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/labrunner/labrunner/runner/engine"
)

// Memory of a learner's program. Each of its processes is bounded by
// programMemory (ulimit -v), which ends an allocation loop with the
// language's own MemoryError; several processes together (a pool of
// workers, a child per request) are bounded by the container's
// runtimeMemory, where the kernel's OOM killer ends the largest of them.
// The container then keeps running, and what the program does next (a
// traceback about a lost worker, a pool that waits forever) does not say
// why. So the shell that runs the program reads the container's memory
// cgroup before and after the run: the OOM kills in it, and how often its
// usage met the limit.
//
//   - Kills, with the limit met: the program used more memory than its
//     container has. That is the learner's fail, with a sentence naming
//     the limit (ProgramMemoryError), whatever the program printed or
//     exited with.
//   - Kills, the limit never met: the kernel killed the program for the
//     machine's memory, not the container's: an environment error.
//   - No kill: the run is what it looks like.
//
// A program that prints a marker of its own can only fail itself.

// memoryMarker starts the lines the run's shell adds to stderr: before
// the program, and after it (when the shell survived it).
const memoryMarker = "labrunner-memory:"

// memoryCounters is the shell function `mem`, which prints memoryMarker,
// the word given ($1), the cgroup version, its OOM kills and whether its
// usage met the limit, with the shell's own builtins only (it runs as the
// program's user, after kill -1). cgroup v2 counts the times usage met
// memory.max (memory.events "max"); v1 keeps only a high-water mark
// (memory.max_usage_in_bytes; its failcnt stays 0 under a memsw limit),
// so "met" is 1 once it reached the limit less a MiB, since the container
// started. Without a memory cgroup: "- - -".
const memoryCounters = `mem() {
  v=- k=- m=-
  d=/sys/fs/cgroup/memory
  if [ -r $d/memory.oom_control ] && [ -r $d/memory.max_usage_in_bytes ] && [ -r $d/memory.limit_in_bytes ]; then
    v=1
    while read -r a b; do [ "$a" = oom_kill ] && k=$b; done <$d/memory.oom_control
    read -r u <$d/memory.max_usage_in_bytes
    read -r l <$d/memory.limit_in_bytes
    m=$((u >= l - 1048576))
  elif [ -r /sys/fs/cgroup/memory.events ]; then
    v=2
    while read -r a b; do case $a in oom_kill) k=$b ;; max) m=$b ;; esac; done </sys/fs/cgroup/memory.events
  fi
  echo "` + memoryMarker + ` $1 $v $k $m" >&2
}`

// memCount is one reading of memoryCounters.
type memCount struct {
	// v1 is set for cgroup v1, where maxed is 0 or 1 (the limit was met
	// since the container started), not a count.
	v1           bool
	kills, maxed int64
	ok           bool
}

// parseMemCount reads "<word> <version> <kills> <maxed>" after the
// marker; found reports a line of that word.
func parseMemCount(line, word string) (c memCount, found bool) {
	f := strings.Fields(strings.TrimPrefix(line, memoryMarker))
	if len(f) != 4 || f[0] != word {
		return memCount{}, false
	}
	k, err1 := strconv.ParseInt(f[2], 10, 64)
	m, err2 := strconv.ParseInt(f[3], 10, 64)
	return memCount{v1: f[1] == "1", kills: k, maxed: m, ok: err1 == nil && err2 == nil && (f[1] == "1" || f[1] == "2")}, true
}

// takeMemoryMarkers removes the run's markers from stderr: the first line
// (before) and the last (after, when present).
func takeMemoryMarkers(stderr string) (rest string, before, after memCount, hasAfter bool) {
	if first, tail, found := strings.Cut(stderr, "\n"); found && strings.HasPrefix(first, memoryMarker) {
		if c, ok := parseMemCount(first, "before"); ok {
			before, stderr = c, tail
		}
	}
	trimmed := strings.TrimRight(stderr, "\n")
	i := strings.LastIndexByte(trimmed, '\n')
	last := trimmed[i+1:]
	if strings.HasPrefix(last, memoryMarker) {
		if c, ok := parseMemCount(last, "after"); ok {
			after, hasAfter = c, true
			stderr = trimmed[:i+1]
		}
	}
	return stderr, before, after, hasAfter
}

// readMemCount reads the counters with a shell of its own: the run's
// shell was killed (by the program, or at the deadline) or its last line
// was cut from an output too long to keep.
func (st *runtimeState) readMemCount(ctx context.Context) memCount {
	svc, err := st.service()
	if err != nil {
		return memCount{}
	}
	res, err := svc.Exec(context.WithoutCancel(ctx), []string{"/bin/sh", "-c", memoryCounters + "\nmem after"}, engine.ExecOptions{User: "root"})
	if err != nil {
		return memCount{}
	}
	c, _ := parseMemCount(strings.TrimSpace(res.Stderr), "after")
	return c
}

// ProgramMemoryError is a learner's program that used more memory than
// its container has: the kernel killed some of its processes.
type ProgramMemoryError struct {
	// Limit is the container's memory.
	Limit int64
	// Killed is how many processes the kernel killed.
	Killed int64
	// Timeout is set when the program then ran out of time too.
	Timeout *ProgramTimeoutError
}

func (e *ProgramMemoryError) Error() string {
	msg := fmt.Sprintf("the program used more memory than its container has (%d MiB, for all its processes together): the kernel killed %d of its processes", e.Limit>>20, e.Killed)
	if e.Timeout != nil {
		msg += "; " + e.Timeout.Error()
	}
	return msg
}

// ProgramStopped marks the error as a learner-facing sentence for checks.
func (e *ProgramMemoryError) ProgramStopped() {}

// memoryVerdict is the error a run's memory counters call for: nil when
// the kernel killed nothing.
func memoryVerdict(name string, before, after memCount) error {
	if !before.ok || !after.ok || after.kills <= before.kills {
		return nil
	}
	met := after.maxed > before.maxed || (after.v1 && after.maxed > 0)
	if !met {
		return envErr(fmt.Errorf("run in %s: the kernel killed %d of the program's processes for the machine's memory, while its container was under its limit", name, after.kills-before.kills))
	}
	return &ProgramMemoryError{Limit: runtimeMemory, Killed: after.kills - before.kills}
}
