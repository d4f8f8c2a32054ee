package runner

import (
	"fmt"
	"io/fs"
	"path"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

// nginxHTTPSPort is the container port nginx serves HTTPS on, published
// beside port 80 in the same way (on loopback for a local engine).
const nginxHTTPSPort = "443/tcp"

var _ checks.HTTPSURLer = (*checkEnv)(nil)

// HTTPSURL returns the https://host:port of the check's service: where
// the kind's HTTPS port is published.
func (e *checkEnv) HTTPSURL() (string, error) {
	s, ok := e.run.env.Lab.Services[e.service]
	if !ok {
		return "", fmt.Errorf("the lab has no service %q", e.service)
	}
	port := kinds[Kind(s.Kind)].httpsPort
	if port == "" {
		return "", fmt.Errorf("service %q (%s) has no HTTPS endpoint", e.service, s.Kind)
	}
	svc := e.run.env.sess.lookup(e.service)
	p, ok := svc.(interface{ AddrOf(port string) string })
	if svc == nil || !ok || p.AddrOf(port) == "" {
		return "", fmt.Errorf("service %q has no published HTTPS port (a lab started by an older lab publishes none: lab stop, then lab start)", e.service)
	}
	return "https://" + p.AddrOf(port), nil
}

var _ checks.LabFiler = (*checkEnv)(nil)

// LabFile returns the content of file name of the lab folder (a fixture
// such as the CA an http check's tls.ca names), read from the catalog,
// out of the submission's reach.
func (e *checkEnv) LabFile(name string) ([]byte, error) {
	lab := e.run.env.Lab
	if !fs.ValidPath(name) {
		return nil, fmt.Errorf("lab file %q: not a path inside the lab folder", name)
	}
	b, err := fs.ReadFile(lab.FS(), path.Clean(name))
	if err != nil {
		return nil, fmt.Errorf("lab file %q: %w", name, err)
	}
	return b, nil
}

// LearnerHTTPSURL returns the https://host:port of service name where the
// lab grades HTTPS there (an http check with tls on it), else "": the
// other labs of the kind serve nothing on that port.
func (e *LabEnv) LearnerHTTPSURL(name string) string {
	def := e.Lab.Services[name]
	if def == nil || !gradesHTTPS(e.Lab, name) {
		return ""
	}
	port := kinds[Kind(def.Kind)].httpsPort
	p, ok := e.sess.lookup(name).(interface{ AddrOf(port string) string })
	if port == "" || !ok || p.AddrOf(port) == "" {
		return ""
	}
	return "https://" + p.AddrOf(port)
}

// gradesHTTPS reports whether an http check of lab sends requests over
// HTTPS to service name.
func gradesHTTPS(lab *labs.Lab, name string) bool {
	for _, c := range lab.Checks {
		if h, ok := c.Check.(*checks.HTTP); ok && h.TLS != nil && c.Service == name {
			return true
		}
	}
	return false
}
