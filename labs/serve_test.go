package labs

import "testing"

func TestServesHTTP(t *testing.T) {
	tests := []struct {
		name string
		svc  Service
		want bool
	}{
		{"nginx", Service{Kind: KindNginx}, true},
		{"backend", Service{Kind: KindBackend}, true},
		{"a runtime whose program is a server", Service{Kind: KindRuntime, Serve: &Serve{Port: 8000, Entry: "app.py"}}, true},
		{"a runtime whose programs a harness calls", Service{Kind: KindRuntime}, false},
		{"postgres", Service{Kind: KindPostgres}, false},
		{"an unknown kind", Service{Kind: "mysql"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.svc.ServesHTTP(); got != tt.want {
				t.Errorf("ServesHTTP() = %t, want %t", got, tt.want)
			}
		})
	}
}
