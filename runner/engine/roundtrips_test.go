package engine

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// fakeAPI is a Docker API that answers /_ping and lists the containers
// given, and records every request, so that a test can count the round
// trips a command makes. Anything else is a 404.
type fakeAPI struct {
	containers []map[string]any
	mu         sync.Mutex
	requests   []string
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests = append(f.requests, r.Method+" "+strings.TrimLeft(trimVersion(r.URL.Path), "/"))
	f.mu.Unlock()
	w.Header().Set("Api-Version", "1.41")
	w.Header().Set("Content-Type", "application/json")
	switch p := trimVersion(r.URL.Path); {
	case p == "/_ping":
		w.Write([]byte("OK"))
	case p == "/containers/json":
		json.NewEncoder(w).Encode(f.containers)
	default:
		http.Error(w, `{"message":"not faked"}`, http.StatusNotFound)
	}
}

// trimVersion drops the /v1.41 of a path.
func trimVersion(p string) string {
	if strings.HasPrefix(p, "/v1.") {
		if i := strings.IndexByte(p[1:], '/'); i >= 0 {
			return p[i+1:]
		}
	}
	return p
}

func (f *fakeAPI) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.requests)
}

// TestWarmRoundTrips: connecting to the engine is one ping (no /info, which
// testcontainers-go would ask four times with as many pings), and finding
// a running session is one container list: its labels, published port,
// state and networks are all in it, without an inspect of each container
// or a list of networks.
func TestWarmRoundTrips(t *testing.T) {
	id := "0123456789ab"
	api := &fakeAPI{containers: []map[string]any{{
		"Id":    strings.Repeat("c", 64),
		"Image": "labrunner/postgres:17",
		"State": "running",
		"Labels": map[string]string{
			LabelManaged: "true", LabelSession: id, LabelLab: "sql-join", LabelKeep: "true",
			LabelService: "db", LabelKind: "postgres", LabelPort: "5432/tcp", LabelDir: "/home/ann/sql-join",
		},
		"Ports": []map[string]any{
			{"PrivatePort": 5432, "Type": "tcp"},
			{"IP": "127.0.0.1", "PrivatePort": 5432, "PublicPort": 32771, "Type": "tcp"},
		},
		"NetworkSettings": map[string]any{"Networks": map[string]any{
			"labrunner-" + id: map[string]any{}, "labrunner-" + id + "-pub": map[string]any{},
		}},
	}}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	t.Setenv("DOCKER_HOST", "tcp://"+strings.TrimPrefix(srv.URL, "http://"))
	t.Setenv("DOCKER_TLS_VERIFY", "")
	ctx := context.Background()

	d, err := NewDriver(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got := api.seen(); slices.ContainsFunc(got, func(r string) bool { return strings.Contains(r, "info") }) || len(got) != 1 {
		t.Errorf("NewDriver made %q; want one ping (which settles the API version), no /info", got)
	}

	before := len(api.seen())
	s, err := d.FindSession(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got := api.seen()[before:]; len(got) != 1 || got[0] != "GET containers/json" {
		t.Errorf("FindSession made %q; want one container list", got)
	}
	db := s.Service("db")
	if db == nil || db.HostPort != "127.0.0.1:32771" || db.Kind != "postgres" || db.Image != "labrunner/postgres:17" {
		t.Fatalf("db = %+v, want it on 127.0.0.1:32771", db)
	}
	if s.Lab != "sql-join" || !s.Keep || s.Dir != "/home/ann/sql-join" || s.network != "labrunner-"+id {
		t.Errorf("session = lab %q keep %v dir %q network %q", s.Lab, s.Keep, s.Dir, s.network)
	}
}

// TestFindSessionStoppedAndUnpublished: a stopped container has no host
// port (attach then says the service is not running); a running one whose
// port is not published is the environment's error.
func TestFindSessionStoppedAndUnpublished(t *testing.T) {
	ctr := func(state string) map[string]any {
		return map[string]any{"Id": strings.Repeat("d", 64), "State": state,
			"Labels": map[string]string{LabelSession: "s1", LabelService: "db", LabelKind: "postgres", LabelPort: "5432/tcp"},
			"Ports":  []map[string]any{{"PrivatePort": 5432, "Type": "tcp"}}}
	}
	tests := []struct {
		state   string
		wantErr string
	}{
		{"exited", ""},
		{"running", "port 5432/tcp is not published"},
	}
	for _, tt := range tests {
		t.Run(tt.state, func(t *testing.T) {
			srv := httptest.NewServer(&fakeAPI{containers: []map[string]any{ctr(tt.state)}})
			defer srv.Close()
			t.Setenv("DOCKER_HOST", "tcp://"+strings.TrimPrefix(srv.URL, "http://"))
			d, err := NewDriver(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			s, err := d.FindSession(context.Background(), "s1")
			if tt.wantErr == "" {
				if err != nil || s.Service("db") == nil || s.Service("db").HostPort != "" {
					t.Fatalf("FindSession = %+v, %v; want db without a host port", s, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("FindSession error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestFastHost(t *testing.T) {
	withProps := t.TempDir()
	if err := os.WriteFile(filepath.Join(withProps, ".testcontainers.properties"), []byte("tc.host=tcp://h:1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	yes := func(string) bool { return true }
	no := func(string) bool { return false }
	tests := []struct {
		name   string
		host   string
		home   string
		exists func(string) bool
		want   string
	}{
		{"DOCKER_HOST or a context", "unix:///run/user/1000/docker.sock", withProps, no, "unix:///run/user/1000/docker.sock"},
		{"the default socket", "", t.TempDir(), yes, "unix:///var/run/docker.sock"},
		{"no socket: testcontainers-go searches", "", t.TempDir(), no, ""},
		{"a testcontainers properties file may name another", "", withProps, yes, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fastHost(tt.host, tt.home, tt.exists); got != tt.want {
				t.Errorf("fastHost = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRuntimeConfig(t *testing.T) {
	tests := []struct {
		host, socket, bridge string
	}{
		{"unix:///var/run/docker.sock", "/var/run/docker.sock", "bridge"},
		{"unix:///Users/ann/.colima/default/docker.sock", "/Users/ann/.colima/default/docker.sock", "bridge"},
		{"unix:///run/user/1000/podman/podman.sock", "/run/user/1000/podman/podman.sock", "podman"},
		{"tcp://build.example.edu:2376", "/var/run/docker.sock", "bridge"},
		{"http://docker.example.com", "/var/run/docker.sock", "bridge"}, // ssh://'s placeholder
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			c := runtimeConfig(tt.host)
			if c.DockerHost != tt.host || c.DockerSocketPath != tt.socket || c.DefaultBridgeNetwork != tt.bridge {
				t.Errorf("runtimeConfig = %+v, want host %s, socket %s, network %s", c, tt.host, tt.socket, tt.bridge)
			}
		})
	}
}
