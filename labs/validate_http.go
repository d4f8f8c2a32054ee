package labs

import (
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/labrunner/labrunner/checks"
)

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
	if h.TLS != nil {
		v.httpTLS(c, h.TLS)
	}
}

// httpsKinds are the service kinds with an HTTPS endpoint (the runner
// publishes nginx's port 443).
var httpsKinds = []string{KindNginx}

// httpTLS checks an http check's tls: its service serves HTTPS, and its
// CA is a file of the lab that holds a PEM certificate.
func (v *validator) httpTLS(c *CheckDef, t *checks.HTTPTLS) {
	at := v.d.at(c.Check, "tls", c.Pos)
	if s := v.lab.Services[c.Service]; s != nil && knownKind(s.Kind) && !slices.Contains(httpsKinds, s.Kind) {
		v.errs.add(at, "tls: %q is %s service, which serves plain HTTP only; tls needs %s service", c.Service, a(s.Kind), a(strings.Join(httpsKinds, " or ")))
	}
	if t.CA == "" || !fs.ValidPath(t.CA) {
		return // Validate said so
	}
	pos := v.d.at(t, "ca", at)
	v.labFile(pos, "tls.ca", t.CA, false)
	if !v.isFile(t.CA) {
		return
	}
	b, err := fs.ReadFile(v.lab.fsys, path.Join(v.lab.Dir, t.CA))
	if err == nil {
		_, err = checks.ParseCA(b)
	}
	if err != nil {
		v.errs.add(pos, "tls.ca %q: %s", t.CA, cause(err))
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
