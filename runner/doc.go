// Package runner runs labs: it starts a lab's services in a session of
// containers, seeds them, applies a submission, runs the checks, resets,
// and removes everything it created.
//
// # Layers
//
// runner/engine is the container engine (sessions, services, exec,
// cleanup); it knows no labs. This package holds the lab sessions: the
// table of service kinds, one file per kind, grading runs, batches and
// proofs. Driver embeds the engine's Driver and adds the configured
// images.
//
// Driver.StartLab starts a lab (a LabEnv): one serviceState per service,
// made by its kind. LabEnv.Check begins a run on every service
// (serviceState.Begin: reset, or a transaction to roll back), applies the
// submission's files to their service's run, runs the checks through
// checkEnv, and ends the runs. A file that does not apply is a failing
// result of its own, and the checks of its service are skipped; each
// check runs under its timeout, which checks see (checks.WithLimit) to
// name it when a learner's query or program runs past it — a fail, not
// an error, when the check's own deadline passed. checkEnv finds what a check needs (SQL,
// Redis, Exec) as optional capabilities of a service's run; the generic
// code names no kind.
//
// A box's hidden variants are graded on runs of their own before the main
// run (check_variants.go): the box recreated from the variant's files and
// fixtures (box_variant.go), the submission applied again, the checks
// marked on_variants run, and their failures merged into the main
// report without the variant's data. A box run first runs the reference
// commands of its checks (checks.Referenced), on the box as seeded.
// A run whose service can start a program server (serverRun: a runtime
// with serve, runtime_service.go) starts it once the files are applied and
// before the checks; one that does not come up is a failing result
// "start <entry>", and the checks of its service are skipped as after a
// file that did not apply. Its checks reach it through a relay container
// (runtime_relay.go), the session's only way into its internal network.
//
// # Adding a service kind
//
// Add one row to the table in kinds.go, keyed by the kind's name in labs
// (labs/kinds.go, where the loader learns what the kind accepts), and one
// file named after the kind holding its kindSpec (container contract:
// port, environment, command, readiness probe, limits) and its
// serviceState, which sees only its stateTarget. The row names the kind's
// image in labrunner's set (package images: a folder with its Dockerfile).
//
// # Adding a language of the runtime
//
// Add one row to runtimeLangs in runtime_lang.go (image, probe, build
// script, how the harness runs, environment and limits), one row to the
// table of labs/language.go (name, title, extension) and the image's
// folder in package images. TestLanguagesMatchRunner keeps the two tables
// to the same languages.
package runner
