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
	}, Probe: execProbe("python3", "-c", "pass"), HostConfig: limitRuntime, LearnerCode: true},
	programs: true,
	newState: newRuntimeState,
	image:    images.Python,
}
