package labs

import (
	"slices"
	"strings"
	"time"

	"github.com/labrunner/labrunner/checks"
)

// Serve is a runtime service whose program is a server the learner
// writes: before the checks run, the runner starts the entry file as the
// learner's program (the language says how: `python3 app.py` for
// Python), waits until it answers HTTP on Port, and http checks of the
// service send their requests to it. It runs for the whole grading run
// under the runtime's limits, and is stopped afterwards.
//
//	services:
//	  app:
//	    kind: runtime
//	    serve: {port: 8000, entry: app.py, ready: /items, timeout: 10s}
type Serve struct {
	// Port is the TCP port the program listens on, on all addresses
	// (0.0.0.0); 1024–65535, since the program runs unprivileged.
	Port int `yaml:"port"`
	// Entry is the submission file the program starts from; it must be
	// applied as a program to this service.
	Entry string `yaml:"entry"`
	// Ready is the path the runner GETs until the program answers; any
	// HTTP answer, whatever its status, means it is up. Default "/".
	Ready string `yaml:"ready,omitempty"`
	// Timeout bounds the start: the program must answer within it;
	// default 10s, at most 1m.
	Timeout checks.Duration `yaml:"timeout,omitempty"`
	// Pos is where the entry is defined.
	Pos Pos `yaml:"-"`
}

// Defaults and bounds of Serve.
const (
	DefaultServeReady   = "/"
	DefaultServeTimeout = 10 * time.Second
	MaxServeTimeout     = time.Minute
	minServePort        = 1024
	maxServePort        = 65535
)

// ServesHTTP reports whether http checks can target the service: its kind
// always serves HTTP (nginx, backend), or it serves a learner's program
// (a runtime with serve).
func (s *Service) ServesHTTP() bool {
	spec, ok := lookupKind(s.Kind)
	return ok && (spec.http || spec.serve && s.Serve != nil)
}

// serveChecks are the check types a serving runtime takes: the others run
// commands as the program's user, which would stop the server.
var serveChecks = []string{"file", "http"}

// serves validates the serve field of every service, once the
// submission files are known.
func (v *validator) serves() {
	for _, name := range v.serviceNames() {
		if s := v.lab.Services[name]; s != nil {
			v.serve(s)
		}
	}
}

// serve validates the serve field of service s.
func (v *validator) serve(s *Service) {
	sv := s.Serve
	if sv == nil {
		return
	}
	if spec, ok := lookupKind(s.Kind); ok && !spec.serve {
		v.errs.add(v.at(s, "serve"), "serve: only a runtime service runs a learner's program as a server")
		return
	}
	if !v.d.failed(sv, "port") && (sv.Port < minServePort || sv.Port > maxServePort) {
		v.errs.add(v.at(sv, "port"), "serve.port: %d is not a port the program can listen on (%d–%d: it runs unprivileged)", sv.Port, minServePort, maxServePort)
	}
	switch {
	case sv.Entry == "":
		v.missing(sv, "entry", v.at(s, "serve"), `serve: missing field "entry" (the submission file the program starts from, e.g. app.py)`)
	case !v.programOf(sv.Entry, s.Name):
		v.errs.add(v.at(sv, "entry"), "serve.entry: %q is not a submission file applied as a program to %q (add it to submission with apply: program, service: %s)", sv.Entry, s.Name, s.Name)
	}
	if sv.Ready == "" {
		sv.Ready = DefaultServeReady
	} else if !strings.HasPrefix(sv.Ready, "/") {
		v.errs.add(v.at(sv, "ready"), "serve.ready: %q must be a path starting with /", sv.Ready)
	}
	switch {
	case v.d.failed(sv, "timeout"):
	case sv.Timeout.Duration == 0 && !v.d.has(sv, "timeout"):
		sv.Timeout.Duration = DefaultServeTimeout
	case sv.Timeout.Duration <= 0:
		v.errs.add(v.at(sv, "timeout"), "serve.timeout: must be positive, such as 10s")
	case sv.Timeout.Duration > MaxServeTimeout:
		v.errs.add(v.at(sv, "timeout"), "serve.timeout: at most %s", "1m")
	}
}

// programOf reports whether file is a submission file applied as a
// program to service.
func (v *validator) programOf(file, service string) bool {
	for _, f := range v.lab.Submission {
		if f != nil && f.File == file && f.Apply == ApplyProgram && f.Service == service {
			return true
		}
	}
	return false
}

// httpTarget checks that an http check targets a service that serves
// HTTP, and that a serving runtime gets only checks that leave its
// program running.
func (v *validator) httpTarget(c *CheckDef, s *Service) {
	if s == nil || !knownKind(s.Kind) {
		return
	}
	t, known := checks.Lookup(c.Type)
	switch {
	case !known || !t.HTTP || s.ServesHTTP():
	case s.Kind == KindRuntime:
		v.errs.add(v.at(c, "service"), "%s check needs a service that serves HTTP: %q is a runtime service without serve (the port its program listens on, e.g. serve: {port: 8000, entry: app.py})", a(c.Type), c.Service)
	default:
		v.errs.add(v.at(c, "service"), "%s check cannot run against %q, %s service (it needs a service that serves HTTP: %s)", a(c.Type), c.Service, a(s.Kind), strings.Join(httpKinds(), ", "))
	}
	if s.Serve != nil && !slices.Contains(serveChecks, c.Type) {
		if known {
			v.errs.add(v.at(c, "service"), "%s check cannot run against %q: it serves (serve:), and a %s check runs commands as its program's user, which would stop the server (it takes %s checks)", a(c.Type), c.Service, c.Type, strings.Join(serveChecks, " and "))
		}
	}
}

// httpKinds names the services that serve HTTP, for messages.
func httpKinds() []string {
	var out []string
	for _, k := range kinds {
		switch {
		case k.http:
			out = append(out, k.name)
		case k.serve:
			out = append(out, a(k.name)+" with serve")
		}
	}
	return out
}
