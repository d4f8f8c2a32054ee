package labs

import (
	"embed"
	"io/fs"
)

// bundled holds the labs compiled into the binary: every folder of this
// package (the catalog skips testdata; the Go files are not folders).
//
//go:embed all:*
var bundled embed.FS

// BundledFS returns the catalog compiled into the binary; its root holds
// one folder per lab.
func BundledFS() fs.FS { return bundled }

// Bundled loads the labs compiled into the binary. Messages name their
// files as in the source tree ("labs/sql-join/lab.yaml").
func Bundled() ([]*Lab, error) { return loadCatalog(bundled, ".", "labs") }
