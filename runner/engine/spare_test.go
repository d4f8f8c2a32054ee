package engine

import "testing"

func TestAuxRole(t *testing.T) {
	tests := []struct {
		name        string
		container   string
		wantRole    string
		wantService string
	}{
		{"service", "/labrunner-abc-box", "", "box"},
		{"service with a dash", "/labrunner-abc-my-box", "", "my-box"},
		{"ready spare", "/labrunner-abc-box-spare-0123456789ab", "spare", "box"},
		{"spare being prepared", "/labrunner-abc-box-spare-prep-0123456789ab", "prep", "box"},
		{"used container", "/labrunner-abc-box-old-0123456789ab", "old", "box"},
		{"spare of a dashed name", "labrunner-abc-my-box-spare-01", "spare", "my-box"},
		{"another session", "/labrunner-xyz-box-spare-01", "", ""},
		{"not labrunner's", "/compassionate_wright", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			role, service := auxRole("abc", tt.container)
			if role != tt.wantRole || service != tt.wantService {
				t.Errorf("auxRole(%q) = %q, %q; want %q, %q", tt.container, role, service, tt.wantRole, tt.wantService)
			}
		})
	}
}
