package main_test

import (
	"fmt"
	"net"
	"testing"
	"time"
)

// TestHostileRuntimePrograms grades cache.py programs of
// redis-cache-aside that attack the container they run in, two at a time:
// each gets a fail or an error with a clear message within its deadline,
// and the solution graded last, on a worker that ran some of them, still
// passes. The comment of each case names the protection it runs into.
func TestHostileRuntimePrograms(t *testing.T) {
	// A service of the host, on every address: a program on a network
	// with a way out reaches it through its default gateway.
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port

	progs := []hostileProgram{
		// The program runs as nobody; /app and its files are root's and
		// read-only, the rest of the image too. Run as root, it would
		// take python and the harness away from the next submissions.
		{name: "a-rm-rf-root", code: "import subprocess\nsubprocess.run(['rm', '-rf', '--no-preserve-root', '/'], check=True, stderr=subprocess.DEVNULL)\n",
			status: "fail", message: `CalledProcessError: Command .*rm.* returned non-zero exit status 1`},
		// The only folders the program may write to are bounded tmpfs
		// (/tmp, /var/tmp, /dev/shm): seeding takes write access to the
		// image's world-writable folders (/run/lock) away.
		{name: "b-fill-the-disk", code: fillDisk, status: "fail", message: `wrote 6\d MB to /tmp, then: \[Errno 28\] No space left on device`},
		// The lab's network is internal, without an address of the
		// host on it: neither the internet nor the host can be reached.
		{name: "c-network", code: fmt.Sprintf(reachOut, port), status: "fail", message: `no way out: .*:\d+: (timed out|\[Errno 11[13]\] (No route to host|Network is unreachable))`},
		// Output is capped; the program is stopped at its deadline.
		{name: "d-prints-forever", code: "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n", status: "fail", message: `returns-user: fail: the program did not finish within`},
		// A process limit; every process of the program is killed after
		// it (kill -1 as nobody).
		{name: "e-fork-bomb", code: "while True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n", status: "fail", message: `returns-user: fail: the program did not finish within`},
		{name: "z-solution", status: "pass"},
	}
	gradePrograms(t, "redis-cache-aside", "cache.py", 2, 20*time.Second, progs)
}

// fillDisk looks for a folder on the container's own filesystem that the
// program may write to, and fills it with 256 MB; finding none, it fills
// /tmp and reports how far it got.
const fillDisk = `import os

def fill(folder, limit):
    n = 0
    try:
        while n < limit:
            with open(os.path.join(folder, "fill.%d" % n), "wb") as f:
                for _ in range(16):
                    f.write(b"\0" * (1 << 20))
            n += 16 << 20
    except OSError as e:
        return n, e
    return n, None

root = os.stat("/").st_dev
writable = []
for folder, subs, _ in os.walk("/"):
    if folder in ("/proc", "/sys") or os.stat(folder).st_dev != root:
        subs[:] = []
    elif os.access(folder, os.W_OK):
        writable.append(folder)
for folder in writable:
    if fill(folder, 256 << 20)[1] is None:
        break
else:
    n, err = fill("/tmp", 1 << 30)
    raise SystemExit("wrote %d MB to /tmp, then: %s" % (n >> 20, err))
`

// reachOut connects to the host, through the default gateway, on the
// test's port, and to a public address.
const reachOut = `import socket

targets = [("1.1.1.1", 443)]
for line in open("/proc/net/route").read().splitlines()[1:]:
    f = line.split()
    if f[1] == "00000000":
        targets.append((socket.inet_ntoa(bytes.fromhex(f[2])[::-1]), %d))
errors = []
for host, port in targets:
    try:
        socket.create_connection((host, port), timeout=2).close()
        break
    except OSError as e:
        errors.append("%%s:%%d: %%s" %% (host, port, e))
else:
    raise SystemExit("no way out: " + "; ".join(errors))
`
