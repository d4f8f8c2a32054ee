// Package engine is labrunner's container-engine layer: it starts services
// on a Docker engine through testcontainers-go, on a private network,
// probes them until they answer, runs commands in them, copies files in
// and out, restarts and replaces their containers, and removes everything
// it created. It knows no labs and no checks, and no service kinds: each
// ServiceSpec carries its kind's Contract (port, environment, command,
// readiness probe, limits).
//
// A Driver is a connection to one Docker engine (see NewDriver). A Session
// groups the containers and the network of one lab run; every object it
// creates carries the labels in labels.go, so a later process can find the
// session again (FindSession), and `lab gc` can remove what a crashed
// process left behind (Driver.GC). The caller of Driver.NewSession must call
// Session.Close, which force-removes the session's containers and network
// in one pass, without the stop grace period a graceful stop would wait for.
// testcontainers' reaper (Ryuk) is never used: a lab outlives the process
// that started it, and labrunner cleans up after itself.
package engine
