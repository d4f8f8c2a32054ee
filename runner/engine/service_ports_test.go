package engine

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestFindSessionMorePorts: a service's MorePorts are found again from
// the container list alone (LabelMorePorts and the published ports), as
// `lab check` finds the HTTPS port of a lab `lab start` started; one not
// published is the environment's error.
func TestFindSessionMorePorts(t *testing.T) {
	ctr := func(ports ...map[string]any) map[string]any {
		return map[string]any{"Id": strings.Repeat("e", 64), "State": "running",
			"Labels": map[string]string{LabelSession: "s1", LabelService: "web", LabelKind: "nginx",
				LabelPort: "80/tcp", LabelMorePorts: "443/tcp"},
			"Ports": append([]map[string]any{{"IP": "127.0.0.1", "PrivatePort": 80, "PublicPort": 32780, "Type": "tcp"}}, ports...)}
	}
	tests := []struct {
		name    string
		ctr     map[string]any
		want    string
		wantErr string
	}{
		{"published", ctr(map[string]any{"IP": "127.0.0.1", "PrivatePort": 443, "PublicPort": 32781, "Type": "tcp"}), "127.0.0.1:32781", ""},
		{"udp is another port", ctr(map[string]any{"IP": "127.0.0.1", "PrivatePort": 443, "PublicPort": 32781, "Type": "udp"}), "", "port 443/tcp is not published"},
		{"not published", ctr(map[string]any{"PrivatePort": 443, "Type": "tcp"}), "", "port 443/tcp is not published"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(&fakeAPI{containers: []map[string]any{tt.ctr}})
			defer srv.Close()
			t.Setenv("DOCKER_HOST", "tcp://"+strings.TrimPrefix(srv.URL, "http://"))
			d, err := NewDriver(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			s, err := d.FindSession(context.Background(), "s1")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("FindSession error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			web := s.Service("web")
			if got := web.AddrOf("443/tcp"); got != tt.want {
				t.Errorf("AddrOf(443/tcp) = %q, want %q", got, tt.want)
			}
			if got := web.AddrOf("80/tcp"); got != "127.0.0.1:32780" {
				t.Errorf("AddrOf(80/tcp) = %q, want the HostPort", got)
			}
			if got := web.AddrOf("8443/tcp"); got != "" {
				t.Errorf("AddrOf(8443/tcp) = %q, want none", got)
			}
		})
	}
}
