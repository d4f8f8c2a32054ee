// Package workflows holds no code: its test lints the GitHub Actions
// workflows of this repository with actionlint, used as a library. It
// checks every file in .github/workflows and docs/workflows and every
// ```yaml block with a top-level `jobs:` in docs/*.md, the workflows that
// users copy (each file of docs/workflows must also be shown, as it is, in
// a block of a page), and fails
// with actionlint's messages as file:line:col, lines counted in the file
// that holds the workflow (for a block, in the Markdown file).
//
// actionlint is the linter GitHub Actions users run, and a Go module, so
// the test needs no binary and no network. Its shellcheck and pyflakes
// integrations, which run external programs, are off, so that the result
// is the same on every machine.
package workflows
