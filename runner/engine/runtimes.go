package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moby/moby/client"
)

// Runtime names the product behind the Docker API lab talks to. Each
// speaks the same API; they differ in where the engine runs, how ports
// reach this machine, and how one is started.
type Runtime string

// The runtimes lab recognises.
const (
	DockerEngine   Runtime = "Docker Engine"
	DockerDesktop  Runtime = "Docker Desktop"
	Colima         Runtime = "colima"
	Podman         Runtime = "Podman"
	RootlessDocker Runtime = "rootless Docker"
	OrbStack       Runtime = "OrbStack"
	RancherDesktop Runtime = "Rancher Desktop"
)

// EngineFacts are what tells runtimes apart: the address lab connected
// to and what the engine says of itself in /version and /info.
type EngineFacts struct {
	// Host is the daemon URL ("unix:///run/user/1000/podman/podman.sock").
	Host string
	// Platform is /version's Platform.Name ("Docker Engine - Community",
	// "Docker Desktop 4.49.0 (208003)").
	Platform string
	// Components are /version's component names ("Engine", "Podman Engine").
	Components []string
	// OperatingSystem is /info's ("Debian GNU/Linux 12", "Docker Desktop").
	OperatingSystem string
	// Name is /info's host name ("colima", "docker-desktop").
	Name string
	// SecurityOptions are /info's ("name=seccomp,profile=default",
	// "name=rootless").
	SecurityOptions []string
}

// DetectRuntime names the runtime from facts: what the engine says first,
// then the socket's path (a socket under ~/.colima is colima's).
func DetectRuntime(f EngineFacts) Runtime {
	path := strings.ToLower(f.Host)
	has := func(s, sub string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(sub)) }
	switch {
	case slices.ContainsFunc(f.Components, func(c string) bool { return has(c, "podman") }) || has(path, "podman"):
		return Podman
	case has(f.Platform, "Docker Desktop") || has(f.OperatingSystem, "Docker Desktop") || has(path, "/.docker/desktop/") || has(path, "/.docker/run/docker.sock"):
		return DockerDesktop
	case has(path, "/.colima/") || f.Name == "colima" || strings.HasPrefix(f.Name, "colima-") || f.Name == "lima-colima":
		return Colima
	case has(path, "/.orbstack/") || has(f.OperatingSystem, "OrbStack"):
		return OrbStack
	case has(path, "/.rd/") || has(f.OperatingSystem, "Rancher Desktop"):
		return RancherDesktop
	case slices.ContainsFunc(f.SecurityOptions, func(o string) bool { return has(o, "name=rootless") }) || rootlessSocket(path):
		return RootlessDocker
	}
	return DockerEngine
}

// rootlessSocket reports whether path is the socket of a rootless Docker:
// $XDG_RUNTIME_DIR/docker.sock, /run/user/<uid>/docker.sock.
func rootlessSocket(path string) bool {
	return strings.HasPrefix(path, "unix:///run/user/") && strings.HasSuffix(path, "/docker.sock")
}

// About says in a sentence what the runtime is and how ports reach lab,
// for `lab doctor`.
func (r Runtime) About() string {
	switch r {
	case DockerDesktop:
		return "Docker Desktop: the engine runs in its VM and forwards published ports to this machine"
	case Colima:
		return "colima: the engine runs in a Lima VM and forwards published ports to this machine"
	case Podman:
		return "Podman's Docker-compatible API (podman system service); containers are Podman's, run as your user when the socket is rootless"
	case RootlessDocker:
		return "rootless Docker: a dockerd of your own user; rootlesskit publishes ports on this machine"
	case OrbStack:
		return "OrbStack: the engine runs in its VM and forwards published ports to this machine"
	case RancherDesktop:
		return "Rancher Desktop (moby): the engine runs in its VM and forwards published ports to this machine"
	}
	return "Docker Engine (dockerd)"
}

// PortsAbout says where published ports are and are dialled, for `lab
// doctor`.
func (e Endpoint) PortsAbout() string {
	if !e.Remote {
		return "published on 127.0.0.1 and dialled there"
	}
	where := "on " + e.BindIP
	if e.BindIP == "0.0.0.0" {
		where = "on every address of the engine's machine"
	}
	return fmt.Sprintf("published %s and dialled on %s: a remote engine (the services use fixed passwords; keep it on a trusted network)", where, e.DialHost)
}

// knownSockets are the sockets of the runtimes lab recognises, in the
// order they are suggested: the system engine, then each runtime's own.
func knownSockets(home, runtimeDir string) []struct {
	Runtime Runtime
	Path    string
} {
	if runtimeDir == "" {
		runtimeDir = fmt.Sprintf("/run/user/%d", os.Getuid())
	}
	return []struct {
		Runtime Runtime
		Path    string
	}{
		{DockerEngine, "/var/run/docker.sock"},
		{RootlessDocker, filepath.Join(runtimeDir, "docker.sock")},
		{DockerDesktop, filepath.Join(home, ".docker", "run", "docker.sock")},
		{DockerDesktop, filepath.Join(home, ".docker", "desktop", "docker.sock")},
		{Colima, filepath.Join(home, ".colima", "default", "docker.sock")},
		{Podman, filepath.Join(runtimeDir, "podman", "podman.sock")},
		{Podman, "/run/podman/podman.sock"},
		{OrbStack, filepath.Join(home, ".orbstack", "run", "docker.sock")},
		{RancherDesktop, filepath.Join(home, ".rd", "docker.sock")},
	}
}

// noEngineHelp is what the no-engine error says after its first line:
// the sockets of known runtimes present on this machine other than tried
// (the address that did not answer), which lab could use with
// DOCKER_HOST, and how each runtime is started.
func noEngineHelp(tried, home, runtimeDir string, exists func(string) bool) string {
	var b strings.Builder
	var found []string
	for _, s := range knownSockets(home, runtimeDir) {
		if exists(s.Path) && tried != "unix://"+s.Path {
			found = append(found, fmt.Sprintf("  %s: DOCKER_HOST=unix://%s", s.Runtime, s.Path))
		}
	}
	if len(found) > 0 {
		b.WriteString("sockets of other engines on this machine (point DOCKER_HOST at one, or `docker context use` it):\n")
		b.WriteString(strings.Join(found, "\n"))
		b.WriteString("\n")
	}
	b.WriteString(`start the engine you use, then run lab doctor:
  Docker Engine:    sudo systemctl start docker (on Debian as root, scripts/docker-up.sh installs and starts it)
  rootless Docker:  systemctl --user start docker; DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock
  Docker Desktop:   open Docker Desktop and wait until it says it is running
  colima:           colima start
  Podman:           systemctl --user start podman.socket; DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock
  a remote engine:  DOCKER_HOST=tcp://HOST:2376 (with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH) or ssh://USER@HOST`)
	return b.String()
}

// EngineInfo is what `lab doctor` reports of the engine.
type EngineInfo struct {
	// Version and API are the engine's version and API version.
	Version, API string
	// Runtime is the product behind the API.
	Runtime Runtime
	// Endpoint is where the engine is and its ports are dialled.
	Endpoint Endpoint
}

// Engine asks the engine what it is (/version, /info) and names its
// runtime.
func (d *Driver) Engine(ctx context.Context) (EngineInfo, error) {
	v, err := d.cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return EngineInfo{}, envErr(fmt.Errorf("docker version: %w", err))
	}
	facts := EngineFacts{Host: d.Host, Platform: v.Platform.Name}
	for _, c := range v.Components {
		facts.Components = append(facts.Components, c.Name)
	}
	// /info only refines the name; an engine that will not give it is
	// still the engine.
	if info, err := d.cli.Info(ctx, client.InfoOptions{}); err == nil {
		facts.OperatingSystem = info.Info.OperatingSystem
		facts.Name = info.Info.Name
		facts.SecurityOptions = info.Info.SecurityOptions
	}
	return EngineInfo{Version: v.Version, API: v.APIVersion, Runtime: DetectRuntime(facts), Endpoint: d.Endpoint}, nil
}
