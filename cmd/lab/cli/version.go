package cli

import (
	"runtime/debug"
	"strings"
)

// version is set at build time with -ldflags "-X .../cli.version=…"
// (make build sets `git describe`).
var version = ""

// versionString is what `lab --version` prints after "lab version ": v
// when the build set it, else what the Go toolchain recorded in the
// binary (see versionFromBuildInfo).
func versionString(v string) string {
	if v != "" {
		return v
	}
	bi, _ := debug.ReadBuildInfo()
	return versionFromBuildInfo(bi)
}

// versionFromBuildInfo names the build from its build info, as `go
// version -m` shows it: the module version, else "dev", then the commit
// it was built from and whether the tree had changes, unless the version
// says so already. `go install …/cmd/lab@v1.2.0` records v1.2.0; a build
// in a git clone (go build, go install ./cmd/lab) records vcs.revision
// and vcs.modified, and since Go 1.24 a version made from them
// ("v0.0.0-20261202133511-3feb7935fd33+dirty"), which is shown as it is.
// Go records nothing of git when GOFLAGS holds -buildvcs=false or the
// folder is a git worktree (a .git file, not a folder): then "dev".
func versionFromBuildInfo(bi *debug.BuildInfo) string {
	if bi == nil {
		return "dev"
	}
	v := bi.Main.Version
	if v == "" || v == "(devel)" {
		v = "dev"
	}
	var rev string
	var modified bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" || strings.Contains(v, rev) {
		return v
	}
	v += " (commit " + rev
	if modified {
		v += ", modified"
	}
	return v + ")"
}
