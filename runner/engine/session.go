package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/internal/phase"
)

// Session is the set of containers and the network of one lab run. The
// caller must call Close (or, for a session that outlives the process,
// find it again with FindSession and Close it then).
type Session struct {
	// ID identifies the session in labels and names.
	ID string
	// Lab is the id of the lab the session runs.
	Lab string
	// Keep marks the session as meant to outlive this process (a
	// learner's `lab start`); set it before Start.
	Keep bool
	// Dir is the learner's workspace folder of a kept session, "" for
	// none; set it before Start. It is labelled (LabelDir), not used.
	Dir string

	d *Driver

	mu sync.Mutex
	// network is where services reach each other by name. When the
	// session runs learners' code (box, runtime), it is internal: no
	// traffic leaves it, and services with a published port also join
	// pubNetwork, through which the port is published.
	network    string
	pubNetwork string
	services   map[string]*Service

	// aux is what the session has besides its services: spares, and
	// used containers being removed (spare.go).
	aux sessionAux
}

// NewSession returns an empty session for lab; nothing is created until
// Start.
func (d *Driver) NewSession(lab string) *Session {
	return &Session{ID: newSessionID(), Lab: lab, d: d, services: map[string]*Service{}}
}

func newSessionID() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// labels returns the labels of an object of this session.
func (s *Session) labels() map[string]string {
	host, _ := os.Hostname()
	l := map[string]string{
		LabelManaged: "true",
		LabelLab:     s.Lab,
		LabelSession: s.ID,
		LabelCreated: time.Now().UTC().Format(time.RFC3339),
		LabelPID:     strconv.Itoa(os.Getpid()),
		LabelHost:    host,
	}
	if s.Keep {
		l[LabelKeep] = "true"
	}
	if s.Dir != "" {
		l[LabelDir] = s.Dir
	}
	return l
}

// Service returns the started service named name, or nil.
func (s *Session) Service(name string) *Service {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.services[name]
}

// Services returns the session's services sorted by name.
func (s *Session) Services() []*Service {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Service, 0, len(s.services))
	for _, svc := range s.services {
		out = append(out, svc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Start starts the services in parallel on the session's network and waits
// until each answers its readiness probe. On error, the services of this
// call that did start are left in the session for Close to remove.
func (s *Session) Start(ctx context.Context, specs ...ServiceSpec) error {
	defer phase.Begin("start")()
	isolate, ported := false, false
	for _, spec := range specs {
		isolate = isolate || spec.LearnerCode
		ported = ported || spec.LearnerCode && spec.Port != ""
	}
	// A lone service needs no network of its own to reach others by
	// name: the default network spares a network create and remove
	// (about a quarter of a second). A lone one that runs learners' code
	// and publishes no port (a box) gets no network at all, only
	// loopback (see startService), which spares the two networks of
	// isolation, about half a second of a cold check.
	if len(specs) > 1 || ported || len(s.Services()) > 0 {
		if err := s.ensureNetwork(ctx, isolate); err != nil {
			return err
		}
	}
	errs := make([]error, len(specs))
	var wg sync.WaitGroup
	for i, spec := range specs {
		wg.Go(func() {
			svc, err := s.d.startService(ctx, s, spec)
			if svc != nil {
				s.mu.Lock()
				s.services[spec.Name] = svc
				s.mu.Unlock()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// ensureNetwork creates the session's network; internal when isolate is
// set, with a second network for published ports. The networks that are
// not internal do not masquerade: a published port still answers on the
// host, but a container's traffic to anywhere outside the lab finds no
// way back (an nginx config cannot proxy to the internet, for one).
func (s *Session) ensureNetwork(ctx context.Context, isolate bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.network != "" {
		return nil
	}
	name := "labrunner-" + s.ID
	opts := noMasquerade
	if isolate {
		// Internal only stops forwarding: the bridge keeps an address of
		// the host, through which a container reaches every service the
		// host listens to on all its addresses. Without it, nothing
		// outside the network answers.
		opts = map[string]string{"com.docker.network.bridge.inhibit_ipv4": "true"}
	}
	end := phase.Begin("start network")
	_, err := s.d.cli.NetworkCreate(ctx, name, client.NetworkCreateOptions{
		Driver:   "bridge",
		Internal: isolate,
		Options:  opts,
		Labels:   s.labels(),
	})
	end()
	if err != nil {
		return envErr(fmt.Errorf("create network: %w", err))
	}
	s.network = name
	if isolate {
		pub := name + "-pub"
		end := phase.Begin("start network")
		_, err := s.d.cli.NetworkCreate(ctx, pub, client.NetworkCreateOptions{Driver: "bridge", Options: noMasquerade, Labels: s.labels()})
		end()
		if err != nil {
			return envErr(fmt.Errorf("create network: %w", err))
		}
		s.pubNetwork = pub
	}
	return nil
}

// noMasquerade are the options of a session network that is not internal.
var noMasquerade = map[string]string{"com.docker.network.bridge.enable_ip_masquerade": "false"}

// Close force-removes every container and the network of the session,
// including objects a cancelled Start created without reporting them: it
// finds them by the session label. It runs even when ctx is already
// cancelled (as after Ctrl-C), with a bounded deadline of its own.
func (s *Session) Close(ctx context.Context) error {
	defer phase.Begin("close")()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	err := s.d.removeByLabel(ctx, LabelSession+"="+s.ID)
	s.mu.Lock()
	s.services = map[string]*Service{}
	s.network, s.pubNetwork = "", ""
	s.mu.Unlock()
	return err
}

// FindSession returns the running session with the given id, as another
// process started it. It reports an error when no container of it exists.
func (d *Driver) FindSession(ctx context.Context, id string) (*Session, error) {
	list, err := d.cli.ContainerList(ctx, client.ContainerListOptions{
		All:     true,
		Filters: make(client.Filters).Add("label", LabelSession+"="+id),
	})
	if err != nil {
		return nil, envErr(fmt.Errorf("list containers: %w", err))
	}
	if len(list.Items) == 0 {
		return nil, &EnvError{Err: fmt.Errorf("session %s has no containers (removed by `lab stop` or `lab gc`?)", id)}
	}
	// One list says it all: the labels, state, published ports and
	// networks of every container. (An inspect of each, and a list of the
	// session's networks, were four more round trips of a warm check.)
	s := &Session{ID: id, d: d, services: map[string]*Service{}}
	for _, c := range list.Items {
		if s.noteAux(c) {
			continue
		}
		svc, err := d.serviceFromSummary(c)
		if err != nil {
			return nil, err
		}
		if c.NetworkSettings != nil {
			for name := range c.NetworkSettings.Networks {
				switch name {
				case "labrunner-" + id:
					s.network = name
				case "labrunner-" + id + "-pub":
					s.pubNetwork = name
				}
			}
		}
		s.Lab = c.Labels[LabelLab]
		// A container this process recreates (a box reset) must stay
		// as kept as the session it joins.
		s.Keep = s.Keep || c.Labels[LabelKeep] == "true"
		if s.Dir == "" {
			s.Dir = c.Labels[LabelDir]
		}
		s.services[svc.Name] = svc
	}
	return s, nil
}

// Replace replaces the container of service spec.Name with a new one of
// spec, with the same name, network alias and labels. The old one is
// renamed out of the way and removed while the new one starts. The
// session's Service keeps its identity; only its container changes.
func (s *Session) Replace(ctx context.Context, spec ServiceSpec) error {
	old := s.Service(spec.Name)
	if old == nil {
		return &EnvError{Err: fmt.Errorf("service %s is not running", spec.Name)}
	}
	oldID := old.ContainerID
	if _, err := s.d.cli.ContainerRename(ctx, oldID, client.ContainerRenameOptions{NewName: "labrunner-" + s.ID + "-" + spec.Name + "-old-" + newSessionID()}); err != nil && !isNotFound(err) {
		return envErr(fmt.Errorf("rename container: %w", err))
	}
	removed := make(chan error, 1)
	go func() {
		// Without a cancelled ctx cutting it short: the old container
		// must go whatever happens to the new one.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_, err := s.d.cli.ContainerRemove(rctx, oldID, client.ContainerRemoveOptions{Force: true})
		if err != nil && !isNotFound(err) {
			err = envErr(fmt.Errorf("remove old container: %w", err))
		} else {
			err = nil
		}
		removed <- err
	}()
	svc, err := s.d.startService(ctx, s, spec)
	if svc != nil {
		s.mu.Lock()
		old.ContainerID, old.Image, old.HostPort = svc.ContainerID, svc.Image, svc.HostPort
		s.services[spec.Name] = old
		s.mu.Unlock()
	}
	rmErr := <-removed
	if err != nil {
		return err
	}
	return rmErr
}
