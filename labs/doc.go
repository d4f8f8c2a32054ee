// Package labs holds the bundled labs (one folder each, embedded into the
// binary) and the Go code that loads and validates lab definitions.
//
// # Loading
//
// Load, LoadDir, LoadCatalog, LoadCatalogDir and Bundled read lab.yaml
// files strictly: the YAML node tree is decoded by reflection over the
// structs' yaml tags, so an unknown key is an error at every depth —
// including the fields of a check's type, which are split from the common
// check fields and decoded into the struct checks.Lookup(type).New()
// returns. Defaults are applied, then every part is validated: required
// fields, names, references between parts (services, checks, needs, hints,
// wrong solutions), the files the lab names, and each check type's own
// Validate. Every problem of a file is collected, with its path, line and
// column, into an Errors, whose ExitCode is 2.
//
// Bad input is bounded: a lab.yaml over MaxFileSize is refused before it
// is read, and aliases are followed within a budget of values, so that an
// alias bomb ends in an error.
//
// # Adding to the format
//
// A new field is a struct field with a yaml tag in lab.go, a description
// in schemaFields (schema.go; a test insists), its validation in
// validate.go, and a line in README.md. A new service kind is a row of the
// kinds table (kinds.go) matching runner's kinds (a cli test compares
// them). A new check type needs nothing here: the loader and the schema
// read the registry in checks.
package labs
