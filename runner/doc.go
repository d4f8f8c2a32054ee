// Package runner runs labs: it starts a lab's services in a session of
// containers, seeds them, applies a submission, runs the checks, resets,
// and removes everything it created.
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
// Driver.StartLab starts a lab (a LabEnv): one serviceState per service,
// made by its kind. LabEnv.Check begins a run on every service
// (serviceState.Begin: reset, or a transaction to roll back), applies the
// submission's files to their service's run, runs the checks through
// checkEnv, and ends the runs. checkEnv finds what a check needs (SQL,
// Redis, Exec) as optional capabilities of a service's run; the generic
// code names no kind.
//
// # Adding a service kind
//
// Add one row to the table in kinds.go, keyed by the kind's name in labs
// (labs/kinds.go, where the loader learns what the kind accepts), and one
// file named after the kind holding its kindSpec (container contract:
// port, environment, command, readiness probe, limits) and its
// serviceState, which sees only its stateTarget. Give the kind its images
// in images.go.
package runner
