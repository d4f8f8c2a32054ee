package labs

import "github.com/labrunner/labrunner/checks"

// httpServices checks the services an http check names besides its own:
// the backends it reads counts from (backend_hits) and those it sends
// requests from (from) must be the lab's backend services, the only kind
// that counts requests and carries the client.
func (v *validator) httpServices(c *CheckDef) {
	h, ok := c.Check.(*checks.HTTP)
	if !ok {
		return
	}
	field := v.d.at(c.Check, "backend_hits", c.Pos)
	for _, b := range h.BackendHits {
		if b == nil || b.Service == "" {
			continue
		}
		v.backendService(v.d.at(b, "service", field), "backend_hits", b.Service)
	}
	if h.From != "" {
		v.backendService(v.d.at(c.Check, "from", c.Pos), "from", h.From)
	}
	for _, s := range h.Requests {
		if s != nil && s.From != "" {
			v.backendService(v.d.at(s, "from", v.d.at(c.Check, "requests", c.Pos)), "from", s.From)
		}
	}
}

func (v *validator) backendService(pos Pos, field, name string) {
	s, ok := v.lab.Services[name]
	switch {
	case !ok:
		v.errs.add(pos, "%s: unknown service %q (the lab's services: %s)", field, name, orNone(v.serviceNames()))
	case s != nil && s.Kind != "backend":
		v.errs.add(pos, "%s: %q is %s service; it must be a backend (kind: backend)", field, name, a(s.Kind))
	}
}
