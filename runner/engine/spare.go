package engine

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/internal/phase"
)

// A spare is a second container of a service, started and prepared
// (seeded) ahead of time, so that a reset is a swap: the used container
// is renamed out of the way and the spare takes its name, which costs two
// renames instead of a container start and a seed. A spare belongs to its
// session (it carries every label of it, so `lab stop`, `lab gc` and the
// leftover checks remove it), but it is not one of the session's
// services: nothing but its preparation ever runs in it until it is
// adopted, and no submission can reach it (spares exist only for
// services that have no network at all, see SparesSupported).
//
// Labels cannot change after a container is created, so a container's
// role is in its name:
//
//	labrunner-<session>-<service>                    the service
//	labrunner-<session>-<service>-spare-prep-<rand>  a spare being prepared
//	labrunner-<session>-<service>-spare-<rand>       a spare ready to adopt
//	labrunner-<session>-<service>-old-<rand>         a used one, being removed
//
// A spare is marked ready (renamed) only once its preparation is done, so
// a spare whose preparer was killed halfway is never adopted; it is
// removed as a leftover by the next preparer.
const (
	spareReadyInfix = "-spare-"
	sparePrepInfix  = "-spare-prep-"
	oldInfix        = "-old-"
)

// spare is a spare container as a session knows it.
type spare struct {
	id      string
	ready   bool
	running bool
	// pid is the process that created it.
	pid int
}

// sessionAux records what FindSession found of the session's other
// containers: spares by service, and used containers left to remove.
type sessionAux struct {
	mu     sync.Mutex
	spares map[string][]spare
	old    []string
	// removing counts the removals of used containers still running.
	removing sync.WaitGroup
}

// containerName is the name of service's container in the session.
func (s *Session) containerName(service string) string { return "labrunner-" + s.ID + "-" + service }

// auxRole tells what a container of session id named name is: "" for a
// service, else "spare", "prep" or "old", with the service's name.
func auxRole(id, name string) (role, service string) {
	rest, ok := strings.CutPrefix(strings.TrimPrefix(name, "/"), "labrunner-"+id+"-")
	if !ok {
		return "", ""
	}
	for _, r := range []struct{ infix, role string }{{sparePrepInfix, "prep"}, {spareReadyInfix, "spare"}, {oldInfix, "old"}} {
		if i := strings.LastIndex(rest, r.infix); i > 0 {
			return r.role, rest[:i]
		}
	}
	return "", rest
}

// isAux reports whether a listed container of session id is not one of
// its services (a spare, or a used one being removed).
func isAux(id string, c container.Summary) bool {
	for _, n := range c.Names {
		if role, _ := auxRole(id, n); role != "" {
			return true
		}
	}
	return false
}

// noteAux records a listed container of the session that is not a
// service; it reports false for a service.
func (s *Session) noteAux(c container.Summary) bool {
	for _, n := range c.Names {
		role, service := auxRole(s.ID, n)
		if role == "" {
			continue
		}
		s.aux.mu.Lock()
		defer s.aux.mu.Unlock()
		if role == "old" {
			s.aux.old = append(s.aux.old, c.ID)
			return true
		}
		if s.aux.spares == nil {
			s.aux.spares = map[string][]spare{}
		}
		pid, _ := strconv.Atoi(c.Labels[LabelPID])
		s.aux.spares[service] = append(s.aux.spares[service], spare{id: c.ID, ready: role == "spare", running: c.State == container.StateRunning, pid: pid})
		return true
	}
	return false
}

// SparesSupported reports whether the session's services can have
// spares: only when the session has no network, so that a spare is
// reachable from nowhere, and takes the service's place by a rename alone
// (no network alias to move).
func (s *Session) SparesSupported() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.network == "" && s.pubNetwork == ""
}

// HasSpare reports whether service has a spare, ready or being prepared
// by a process that still runs.
func (s *Session) HasSpare(service string) bool {
	s.aux.mu.Lock()
	defer s.aux.mu.Unlock()
	for _, sp := range s.aux.spares[service] {
		if sp.ready && sp.running || !sp.ready && processAlive(sp.pid) {
			return true
		}
	}
	return false
}

// StartSpare starts a spare container of spec, as Start would start the
// service, under a spare's name. The caller prepares it, then calls
// ReadySpare (or RemoveSpare). On error nothing is left.
func (s *Session) StartSpare(ctx context.Context, spec ServiceSpec) (*Service, error) {
	if !s.SparesSupported() {
		return nil, fmt.Errorf("start a spare of %s: the session has a network", spec.Name)
	}
	svc, err := s.d.startServiceNamed(ctx, s, spec, s.containerName(spec.Name)+sparePrepInfix+newSessionID())
	if err != nil {
		if svc != nil {
			s.RemoveSpare(ctx, svc)
		}
		return nil, err
	}
	s.aux.mu.Lock()
	if s.aux.spares == nil {
		s.aux.spares = map[string][]spare{}
	}
	s.aux.spares[spec.Name] = append(s.aux.spares[spec.Name], spare{id: svc.ContainerID, running: true, pid: os.Getpid()})
	s.aux.mu.Unlock()
	return svc, nil
}

// ReadySpare marks a prepared spare as ready to adopt.
func (s *Session) ReadySpare(ctx context.Context, svc *Service) error {
	name := s.containerName(svc.Name) + spareReadyInfix + newSessionID()
	if _, err := s.d.cli.ContainerRename(ctx, svc.ContainerID, client.ContainerRenameOptions{NewName: name}); err != nil {
		return envErr(fmt.Errorf("mark the spare of %s ready: %w", svc.Name, err))
	}
	s.aux.mu.Lock()
	for i, sp := range s.aux.spares[svc.Name] {
		if sp.id == svc.ContainerID {
			s.aux.spares[svc.Name][i].ready = true
		}
	}
	s.aux.mu.Unlock()
	return nil
}

// RemoveSpare removes a spare that will not be used.
func (s *Session) RemoveSpare(ctx context.Context, svc *Service) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if _, err := s.d.cli.ContainerRemove(ctx, svc.ContainerID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil && !isNotFound(err) {
		return envErr(fmt.Errorf("remove the spare of %s: %w", svc.Name, err))
	}
	s.forgetSpare(svc.Name, svc.ContainerID)
	return nil
}

// AdoptSpare makes a ready spare of service the service's container, in
// place of the current one, which is removed in the background (Settle
// waits for that). ok is false when there was no ready spare to adopt;
// the service is then as it was.
func (s *Session) AdoptSpare(ctx context.Context, service string) (ok bool, err error) {
	defer phase.Begin("adopt spare " + service)()
	cur := s.Service(service)
	if cur == nil {
		return false, &EnvError{Err: fmt.Errorf("service %s is not running", service)}
	}
	for {
		sp, found := s.takeSpare(service)
		if !found {
			if sp, found = s.awaitSpare(ctx, service); !found {
				return false, nil
			}
		}
		oldID := cur.ContainerID
		if _, err := s.d.cli.ContainerRename(ctx, oldID, client.ContainerRenameOptions{NewName: s.containerName(service) + oldInfix + newSessionID()}); err != nil && !isNotFound(err) {
			return false, envErr(fmt.Errorf("rename container: %w", err))
		}
		if _, err := s.d.cli.ContainerRename(ctx, sp.id, client.ContainerRenameOptions{NewName: s.containerName(service)}); err != nil {
			// Gone (removed by another command) or not renamable: the
			// used container takes its name back, and the next spare
			// is tried.
			if _, rerr := s.d.cli.ContainerRename(ctx, oldID, client.ContainerRenameOptions{NewName: s.containerName(service)}); rerr != nil && !isNotFound(rerr) {
				return false, envErr(fmt.Errorf("rename container: %w", rerr))
			}
			if isNotFound(err) {
				continue
			}
			return false, envErr(fmt.Errorf("adopt the spare of %s: %w", service, err))
		}
		s.mu.Lock()
		cur.ContainerID = sp.id
		s.mu.Unlock()
		s.removeInBackground(oldID)
		return true, nil
	}
}

// takeSpare takes a ready, running spare of service off the session's
// list.
func (s *Session) takeSpare(service string) (spare, bool) {
	s.aux.mu.Lock()
	defer s.aux.mu.Unlock()
	list := s.aux.spares[service]
	for i, sp := range list {
		if sp.ready && sp.running {
			s.aux.spares[service] = append(list[:i:i], list[i+1:]...)
			return sp, true
		}
	}
	return spare{}, false
}

// spareAwait bounds how long AdoptSpare waits for a spare that another
// process is preparing, polling every spareAwaitPoll: less than it would
// take to start and seed a box itself.
var (
	spareAwait     = 20 * time.Second
	spareAwaitPoll = 20 * time.Millisecond
)

// awaitSpare waits for a spare of service that a running process is
// preparing (a `lab spare` started by the previous command) to be ready,
// and takes it off the session's list: waiting for it is never slower
// than starting another, and it spares the machine the second box.
func (s *Session) awaitSpare(ctx context.Context, service string) (spare, bool) {
	s.aux.mu.Lock()
	var prep *spare
	for i, sp := range s.aux.spares[service] {
		if !sp.ready && processAlive(sp.pid) {
			prep = &s.aux.spares[service][i]
			break
		}
	}
	var sp spare
	if prep != nil {
		sp = *prep
	}
	s.aux.mu.Unlock()
	if prep == nil {
		return spare{}, false
	}
	defer phase.Begin("await spare " + service)()
	ctx, cancel := context.WithTimeout(ctx, spareAwait)
	defer cancel()
	for {
		insp, err := s.d.cli.ContainerInspect(ctx, sp.id, client.ContainerInspectOptions{})
		if err != nil || insp.Container.State == nil || !insp.Container.State.Running {
			return spare{}, false
		}
		if role, _ := auxRole(s.ID, insp.Container.Name); role == "spare" {
			s.forgetSpare(service, sp.id)
			sp.ready, sp.running = true, true
			return sp, true
		}
		if !processAlive(sp.pid) {
			return spare{}, false
		}
		select {
		case <-ctx.Done():
			return spare{}, false
		case <-time.After(spareAwaitPoll):
		}
	}
}

// forgetSpare takes spare id of service off the session's list.
func (s *Session) forgetSpare(service, id string) {
	s.aux.mu.Lock()
	defer s.aux.mu.Unlock()
	list := s.aux.spares[service]
	for i, sp := range list {
		if sp.id == id {
			s.aux.spares[service] = append(list[:i:i], list[i+1:]...)
			return
		}
	}
}

// removeInBackground force-removes container id, counted by Settle.
func (s *Session) removeInBackground(id string) {
	s.aux.removing.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s.d.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	})
}

// Settle waits for the removals of used containers that AdoptSpare
// started. A process that exits without waiting leaves them to the next
// RemoveLeftovers (or `lab stop`): they carry the session's labels.
func (s *Session) Settle() { s.aux.removing.Wait() }

// RemoveLeftovers removes what FindSession found of earlier processes
// that no one looks after: used containers being removed, and spares
// being prepared by a process that is gone.
func (s *Session) RemoveLeftovers(ctx context.Context) {
	s.aux.mu.Lock()
	ids := s.aux.old
	s.aux.old = nil
	for name, list := range s.aux.spares {
		var keep []spare
		for _, sp := range list {
			if sp.ready && !sp.running || !sp.ready && !processAlive(sp.pid) {
				ids = append(ids, sp.id)
				continue
			}
			keep = append(keep, sp)
		}
		s.aux.spares[name] = keep
	}
	s.aux.mu.Unlock()
	for _, id := range ids {
		s.removeInBackground(id)
	}
	s.Settle()
}
