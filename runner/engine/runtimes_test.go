package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetectRuntime(t *testing.T) {
	tests := []struct {
		name  string
		facts EngineFacts
		want  Runtime
	}{
		{"Docker Engine on Debian", EngineFacts{Host: "unix:///var/run/docker.sock", Components: []string{"Engine", "containerd", "runc", "docker-init"}, OperatingSystem: "Debian GNU/Linux 12 (bookworm)", Name: "vm", SecurityOptions: []string{"name=seccomp,profile=default"}}, DockerEngine},
		{"Docker Engine - Community", EngineFacts{Host: "unix:///var/run/docker.sock", Platform: "Docker Engine - Community", OperatingSystem: "Ubuntu 24.04 LTS"}, DockerEngine},
		{"Docker Desktop by its platform", EngineFacts{Host: "unix:///var/run/docker.sock", Platform: "Docker Desktop 4.49.0 (208003)", OperatingSystem: "Docker Desktop", Name: "docker-desktop"}, DockerDesktop},
		{"Docker Desktop by its socket", EngineFacts{Host: "unix:///Users/ann/.docker/run/docker.sock"}, DockerDesktop},
		{"Docker Desktop on Linux by its socket", EngineFacts{Host: "unix:///home/ann/.docker/desktop/docker.sock"}, DockerDesktop},
		{"Docker Desktop on Windows", EngineFacts{Host: "npipe:////./pipe/docker_engine", OperatingSystem: "Docker Desktop"}, DockerDesktop},
		{"colima by its socket", EngineFacts{Host: "unix:///Users/ann/.colima/default/docker.sock", OperatingSystem: "Ubuntu 24.04 LTS"}, Colima},
		{"colima profile by its host name", EngineFacts{Host: "unix:///var/run/docker.sock", Name: "colima-work"}, Colima},
		{"Podman by its components", EngineFacts{Host: "unix:///var/run/docker.sock", Components: []string{"Podman Engine", "Conmon", "OCI Runtime (crun)"}}, Podman},
		{"rootless Podman by its socket", EngineFacts{Host: "unix:///run/user/1000/podman/podman.sock"}, Podman},
		{"rootful Podman by its socket", EngineFacts{Host: "unix:///run/podman/podman.sock"}, Podman},
		{"rootless Docker by its security options", EngineFacts{Host: "unix:///var/run/docker.sock", SecurityOptions: []string{"name=seccomp,profile=default", "name=rootless", "name=cgroupns"}}, RootlessDocker},
		{"rootless Docker by its socket", EngineFacts{Host: "unix:///run/user/1000/docker.sock"}, RootlessDocker},
		{"OrbStack", EngineFacts{Host: "unix:///Users/ann/.orbstack/run/docker.sock", OperatingSystem: "OrbStack"}, OrbStack},
		{"Rancher Desktop", EngineFacts{Host: "unix:///Users/ann/.rd/docker.sock"}, RancherDesktop},
		{"a remote Docker Engine", EngineFacts{Host: "tcp://build.example.edu:2376", Platform: "Docker Engine - Community"}, DockerEngine},
		{"a remote Podman", EngineFacts{Host: "tcp://10.0.0.5:8080", Components: []string{"Podman Engine"}}, Podman},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DetectRuntime(tt.facts); got != tt.want {
				t.Errorf("DetectRuntime = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEndpointOf(t *testing.T) {
	tests := []struct {
		host string
		want Endpoint
	}{
		{"", Endpoint{DialHost: "127.0.0.1", BindIP: "127.0.0.1"}},
		{"unix:///var/run/docker.sock", Endpoint{DialHost: "127.0.0.1", BindIP: "127.0.0.1"}},
		{"unix:///Users/ann/.colima/default/docker.sock", Endpoint{DialHost: "127.0.0.1", BindIP: "127.0.0.1"}},
		{"npipe:////./pipe/docker_engine", Endpoint{DialHost: "127.0.0.1", BindIP: "127.0.0.1"}},
		{"tcp://localhost:2375", Endpoint{DialHost: "127.0.0.1", BindIP: "127.0.0.1"}},
		{"tcp://127.0.0.1:2375", Endpoint{DialHost: "127.0.0.1", BindIP: "127.0.0.1"}},
		{"tcp://[::1]:2375", Endpoint{DialHost: "127.0.0.1", BindIP: "127.0.0.1"}},
		{"tcp://127.0.0.2:2375", Endpoint{Remote: true, DialHost: "127.0.0.2", BindIP: "127.0.0.2"}},
		{"tcp://192.168.1.20:2376", Endpoint{Remote: true, DialHost: "192.168.1.20", BindIP: "192.168.1.20"}},
		{"tcp://[fd00::5]:2376", Endpoint{Remote: true, DialHost: "fd00::5", BindIP: "fd00::5"}},
		{"tcp://build.example.edu:2376", Endpoint{Remote: true, DialHost: "build.example.edu", BindIP: "0.0.0.0"}},
		{"https://build.example.edu:2376", Endpoint{Remote: true, DialHost: "build.example.edu", BindIP: "0.0.0.0"}},
		{"ssh://ann@build.example.edu", Endpoint{Remote: true, DialHost: "build.example.edu", BindIP: "0.0.0.0"}},
		{"ssh://ann@build.example.edu:2222", Endpoint{Remote: true, DialHost: "build.example.edu", BindIP: "0.0.0.0"}},
		{"ssh://localhost", Endpoint{DialHost: "127.0.0.1", BindIP: "127.0.0.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			tt.want.Host = tt.host
			if got := endpointOf(tt.host); got != tt.want {
				t.Errorf("endpointOf(%q) = %+v, want %+v", tt.host, got, tt.want)
			}
		})
	}
	if got := hostPortOn("fd00::5", "5432"); got != "[fd00::5]:5432" {
		t.Errorf("hostPortOn of an IPv6 host = %q", got)
	}
}

func TestNoEngineHelp(t *testing.T) {
	present := map[string]bool{
		"/home/ann/.colima/default/docker.sock": true,
		"/run/user/1000/podman/podman.sock":     true,
	}
	present["/var/run/docker.sock"] = true
	got := noEngineHelp("unix:///var/run/docker.sock", "/home/ann", "/run/user/1000", func(p string) bool { return present[p] })
	if strings.Contains(got, "Docker Engine: DOCKER_HOST=unix:///var/run/docker.sock") {
		t.Errorf("the socket that did not answer is offered:\n%s", got)
	}
	for _, want := range []string{
		"  colima: DOCKER_HOST=unix:///home/ann/.colima/default/docker.sock\n",
		"  Podman: DOCKER_HOST=unix:///run/user/1000/podman/podman.sock\n",
		"  Docker Engine:    sudo systemctl start docker",
		"  rootless Docker:  systemctl --user start docker",
		"  Docker Desktop:   open Docker Desktop",
		"  colima:           colima start",
		"  Podman:           systemctl --user start podman.socket",
		"  a remote engine:  DOCKER_HOST=tcp://HOST:2376",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("help lacks %q:\n%s", want, got)
		}
	}
	if got := noEngineHelp("", "/home/ann", "/run/user/1000", func(string) bool { return false }); strings.Contains(got, "sockets of other engines") {
		t.Errorf("no socket present, yet:\n%s", got)
	}
}

func TestPortsAbout(t *testing.T) {
	for host, want := range map[string]string{
		"unix:///var/run/docker.sock":  "published on 127.0.0.1 and dialled there",
		"tcp://127.0.0.2:2375":         "published on 127.0.0.2 and dialled on 127.0.0.2: a remote engine",
		"tcp://build.example.edu:2376": "published on every address of the engine's machine and dialled on build.example.edu: a remote engine",
	} {
		if got := endpointOf(host).PortsAbout(); !strings.HasPrefix(got, want) {
			t.Errorf("PortsAbout of %s = %q, want %q…", host, got, want)
		}
	}
}

func TestDockerContextHost(t *testing.T) {
	home := t.TempDir()
	writeContext := func(dir, name, host string) {
		t.Helper()
		sum := sha256.Sum256([]byte(name))
		meta := filepath.Join(dir, "contexts", "meta", hex.EncodeToString(sum[:]))
		os.MkdirAll(meta, 0o755)
		b, _ := json.Marshal(map[string]any{"Name": name, "Endpoints": map[string]any{"docker": map[string]any{"Host": host, "SkipTLSVerify": false}}})
		if err := os.WriteFile(filepath.Join(meta, "meta.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	docker := filepath.Join(home, ".docker")
	writeContext(docker, "colima", "unix://"+home+"/.colima/default/docker.sock")
	writeContext(docker, "build", "tcp://build.example.edu:2376")
	os.WriteFile(filepath.Join(docker, "config.json"), []byte(`{"auths": {}, "currentContext": "colima"}`), 0o644)
	other := t.TempDir()
	writeContext(other, "desktop-linux", "unix:///home/ann/.docker/desktop/docker.sock")
	os.WriteFile(filepath.Join(other, "config.json"), []byte(`{"currentContext": "desktop-linux"}`), 0o644)
	os.WriteFile(filepath.Join(home, "default.json"), []byte(`{"currentContext": "default"}`), 0o644)

	tests := []struct {
		name     string
		env      map[string]string
		wantName string
		wantHost string
		wantErr  string
	}{
		{"no config", map[string]string{"HOME": t.TempDir()}, "", "", ""},
		{"current context", map[string]string{"HOME": home}, "colima", "unix://" + home + "/.colima/default/docker.sock", ""},
		{"DOCKER_CONTEXT wins", map[string]string{"HOME": home, "DOCKER_CONTEXT": "build"}, "build", "tcp://build.example.edu:2376", ""},
		{"DOCKER_CONTEXT=default is the usual search", map[string]string{"HOME": home, "DOCKER_CONTEXT": "default"}, "", "", ""},
		{"DOCKER_CONFIG", map[string]string{"HOME": home, "DOCKER_CONFIG": other}, "desktop-linux", "unix:///home/ann/.docker/desktop/docker.sock", ""},
		{"unknown context", map[string]string{"HOME": home, "DOCKER_CONTEXT": "gone"}, "gone", "", `docker context "gone": open `},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, host, err := dockerContextHost(func(k string) string { return tt.env[k] })
			if name != tt.wantName || host != tt.wantHost {
				t.Errorf("dockerContextHost = %q, %q, want %q, %q", name, host, tt.wantName, tt.wantHost)
			}
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestSSHArgs(t *testing.T) {
	tests := []struct {
		host, want, wantErr string
	}{
		{"ssh://build.example.edu", "-o ConnectTimeout=30 -T -- build.example.edu docker system dial-stdio", ""},
		{"ssh://ann@build.example.edu:2222", "-o ConnectTimeout=30 -T -l ann -p 2222 -- build.example.edu docker system dial-stdio", ""},
		{"ssh://", "", "want ssh://[user@]host[:port]"},
		{"ssh://ann@host/var/run/docker.sock", "", "has no path"},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			args, err := sshArgs(tt.host)
			if got := strings.Join(args, " "); got != tt.want {
				t.Errorf("sshArgs = %q, want %q", got, tt.want)
			}
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}
