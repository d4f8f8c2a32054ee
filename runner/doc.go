// Package runner drives the containers of a lab session: it starts services
// of each kind on a private network, probes them until they answer, runs
// commands in them, copies files in, and removes everything it created.
//
// # Lifecycle
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
//
// # Adding a service kind
//
// Add a file named after the kind with a kindSpec value (image contract,
// port, environment, command and readiness probe), add it to the table in
// kinds.go, give it a default official image and an offline image in
// images.go, and an image under images/ for the offline set.
package runner
