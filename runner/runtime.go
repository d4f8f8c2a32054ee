package runner

import (
	"github.com/labrunner/labrunner/images"
	"github.com/labrunner/labrunner/runner/engine"
)

var runtimeKind = kindSpec{
	Contract: engine.Contract{Cmd: idleCmd, Env: map[string]string{
		// The program's folder is read-only; output reaches the check
		// even when the program is killed.
		"PYTHONDONTWRITEBYTECODE": "1",
		"PYTHONUNBUFFERED":        "1",
	}, Probe: execProbe("python3", "-c", "pass"), HostConfig: limitRuntime, LearnerCode: true,
		Requires: runtimeRequires},
	programs: true,
	newState: newRuntimeState,
	image:    images.Python,
}

// runtimeRequires is what the runner relies on in a runtime image; every
// script of runtime_state.go runs with /bin/sh. The labs' programs also
// import psycopg2 and redis, which a file test does not see.
var runtimeRequires = engine.Requirements{
	Commands: []string{
		"sleep",   // idleCmd, the container's command
		"python3", // the readiness probe, run without a shell, and the labs' programs
		"timeout", // run: the program's deadline
		"find",    // Seed: folders others may write; Reset: the program's files and AppDir's
		"stat",    // Seed: which of those folders are on the image's own filesystem
		"chmod",   // Seed: AppDir and those folders; apply: program files read-only
		"chown",   // Seed: AppDir is root's
		"mkdir",   // Seed: AppDir; apply: a program file's folder
		"cat",     // apply: a program file from stdin
		"mv",      // apply: the file into place
		"dirname", // apply: a program file's folder
		"mktemp",  // run with kill_at: the crash watcher's folder
		"mkfifo",  // run with kill_at: the program's stdout to the watcher
		"rm",      // run with kill_at: the watcher's folder, afterwards
	},
	Users: []string{
		ProgramUser, // runs the learner's program and the checks' commands; Reset kills its processes
	},
}
