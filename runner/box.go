package runner

var boxKind = kindSpec{
	cmd:   idleCmd,
	probe: execProbe("true"),
}
