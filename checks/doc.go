// Package checks holds the check types a lab can use, one file per YAML
// `type`, and the result model every renderer reads.
//
// A check type is a struct whose fields are the type's own YAML fields. It
// is decoded strictly (unknown fields are errors), then Validate reports
// what is wrong with it, then Run grades a submission through an Env: the
// small interface of what a check may touch (a SQL connection, a command in
// a service, an HTTP base URL). checks never imports runner; the runner
// implements Env, and unit tests implement it with fakes.
//
// # Outcomes
//
// A wrong answer is not a Go error: Run returns an Outcome with status Fail
// and a sentence for the learner (what was expected, what came back). A
// check that cannot run — service down, deadline exceeded, a broken
// reference query — returns status Error. The runner marks a check whose
// `needs` did not pass as Skip without running it.
//
// # Adding a check type
//
//  1. Add a file named after the type (sql.result → sql_result.go) with the
//     struct, its Validate and Run, and a compile-time guard
//     `var _ Check = (*SQLResult)(nil)`.
//  2. Add it to the table in registry.go with the service kinds it fits.
//  3. Add its fields to the JSON Schema (the schema test fails until then),
//     unit tests against a fake Env, and an integration test.
//
// A type's file holds that type only. What several types share lives in a
// file named for it: exec.go (running a command), sql_query.go (the
// learner's query and query errors), match.go (text matchers), json.go
// (JSON fields), rows_diff.go (comparing rows), value.go (values as text).
package checks
