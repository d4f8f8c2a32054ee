package runner

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/labrunner/labrunner/labs"
)

// listenAddr is a TCP socket that listens in a container, as the kernel's
// /proc/net/tcp and tcp6 list it.
type listenAddr struct {
	// loopback: it listens on 127.0.0.1 or ::1 only, where the relay
	// cannot reach it.
	loopback bool
	port     int
}

// tcpListen is the state LISTEN in /proc/net/tcp.
const tcpListen = "0A"

// parseListens returns the listening sockets of /proc/net/tcp and tcp6
// text that are not root's: lines "sl local_address rem_address st
// tx:rx tr:when retrnsmt uid …" with local_address HEXADDR:HEXPORT. The
// program never runs as root; root's sockets are the engine's (Docker's
// DNS resolver on 127.0.0.11).
func parseListens(text string) []listenAddr {
	var out []listenAddr
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 8 || f[3] != tcpListen || f[7] == "0" {
			continue
		}
		addr, hexPort, ok := strings.Cut(f[1], ":")
		if !ok {
			continue
		}
		port, err := strconv.ParseUint(hexPort, 16, 16)
		if err != nil {
			continue
		}
		l := listenAddr{port: int(port), loopback: loopbackHex(addr)}
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// loopbackHex reports whether a /proc/net/tcp address is 127.x.x.x (the
// first byte is last: little-endian) or ::1 (or ::ffff:127.x.x.x).
func loopbackHex(addr string) bool {
	switch len(addr) {
	case 8:
		return strings.HasSuffix(addr, "7F")
	case 32:
		return addr == "00000000000000000000000001000000" ||
			strings.HasPrefix(addr, "0000000000000000FFFF0000") && strings.HasSuffix(addr, "7F")
	}
	return false
}

// listenDiagnosis says why a program that did not answer on sv.Port
// did not, from the sockets it listens on.
func listenDiagnosis(ls []listenAddr, sv *labs.Serve) string {
	var onPort, loopback bool
	var others []string
	for _, l := range ls {
		switch {
		case l.port == sv.Port && l.loopback:
			loopback = true
		case l.port == sv.Port:
			onPort = true
		default:
			if p := strconv.Itoa(l.port); !slices.Contains(others, p) {
				others = append(others, p)
			}
		}
	}
	switch {
	case onPort:
		return fmt.Sprintf("it listens on port %d, but gave no HTTP answer to GET %s", sv.Port, readyPath(sv))
	case loopback:
		return fmt.Sprintf("it listens on port %d of the loopback address only; listen on all addresses (0.0.0.0), where the checks reach it", sv.Port)
	case len(others) == 1:
		return fmt.Sprintf("it listens on port %s, not %d", others[0], sv.Port)
	case len(others) > 1:
		return fmt.Sprintf("it listens on ports %s, not %d", strings.Join(others, ", "), sv.Port)
	}
	return fmt.Sprintf("nothing listens on port %d", sv.Port)
}

// readyPath is the path GET until sv's program answers.
func readyPath(sv *labs.Serve) string {
	if sv.Ready == "" {
		return labs.DefaultServeReady
	}
	return sv.Ready
}
