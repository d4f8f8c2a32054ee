package runner

var runtimeKind = kindSpec{
	cmd: idleCmd,
	env: map[string]string{
		// The program's folder is read-only; output reaches the check
		// even when the program is killed.
		"PYTHONDONTWRITEBYTECODE": "1",
		"PYTHONUNBUFFERED":        "1",
	},
	probe:       execProbe("python3", "-c", "pass"),
	hostConfig:  limitRuntime,
	learnerCode: true,
	programs:    true,
	newState:    newRuntimeState,
}
