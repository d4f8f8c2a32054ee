package runner

var runtimeKind = kindSpec{
	cmd:   idleCmd,
	probe: execProbe("python3", "-c", "pass"),
}
