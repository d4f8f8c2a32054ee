package labs

import "github.com/labrunner/labrunner/checks"

// killAtService checks that a command check's kill_at runs against a
// runtime service: only a learner's program can be crashed and started
// again (a box's shell, an nginx's reload cannot).
func (v *validator) killAtService(c *CheckDef) {
	cmd, ok := c.Check.(*checks.Command)
	if !ok || cmd.KillAt == nil {
		return
	}
	if s := v.lab.Services[c.Service]; s != nil && s.Kind != "runtime" && knownKind(s.Kind) {
		v.errs.add(v.d.at(c.Check, "kill_at", c.Pos), "kill_at: %q is %s service; a crash needs a runtime service (kind: runtime), whose program the grader kills and starts again", c.Service, a(s.Kind))
	}
}
