// Package report renders grading results — checks.Report values — in the
// formats people and machines read: the terminal (the same human report on
// a terminal and in a pipe, colour being the caller's choice),
// tab-separated records for scripts (TSV), Exercism-style JSON,
// JUnit XML, GitHub Actions workflow commands and job summaries, a CSV
// gradebook, gradebooks for Canvas's and Moodle's grade import (named by
// a Roster, see ReadRoster) and a static HTML report for instructors.
//
// Every renderer is a function that writes to an io.Writer and returns the
// first write error. Renderers never change the reports they are given and
// never read the environment: the caller decides colour, TTY, file paths
// and the time shown in a report. Reports are expected to be summarized
// (checks.Report.Summarize) before they are rendered.
//
// Learner messages and output are untrusted text. Each renderer neutralises
// what is dangerous in its format: control characters and terminal escape
// sequences on the terminal, workflow-command injection in GitHub
// annotations, Markdown and HTML in job summaries, markup in HTML (through
// html/template), spreadsheet formulas in CSV cells; XML is produced with
// encoding/xml, which replaces characters XML cannot carry.
//
// A skipped check (status skip: a check it needs did not pass, or the file
// of its service did not apply) carries the reason in its Message, such as
// "skipped: needs uses index to pass first" or "skipped: site.conf did not
// apply"; the terminal shows it as "- name (skipped: needs uses index to
// pass first)", with or without the leading "skipped:" in the message.
//
// JSON writes one submission's results.json exactly to Exercism's
// test-runner interface, version 3; JSONBatch writes the results index
// that holds what the interface has no place for (scores, skips, hints,
// files and lines, the submitted files) and each submission's
// results.json. The index is the one format that reads back: ReadJSON
// reads it, and Merge combines the indexes of sharded grading runs into
// one, refusing a submission that two shards hold. The tests check the
// formats with consumers no one here wrote: ajv for results.json, xmllint
// with the Jenkins junit-10 schema for JUnit, headless Chromium for HTML,
// Ruby's CSV and PHP's fgetcsv (the parsers of Canvas and Moodle) for the
// LMS gradebooks.
package report
