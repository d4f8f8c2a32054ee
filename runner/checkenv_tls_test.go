package runner

import (
	"testing"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

// TestGradesHTTPS: the HTTPS address is shown for a service an http check
// with tls grades, and for no other (nginx publishes 443 in every lab).
func TestGradesHTTPS(t *testing.T) {
	tlsCheck := &labs.CheckDef{Service: "web", Check: &checks.HTTP{TLS: &checks.HTTPTLS{CA: "ca.pem", ServerName: "shop.example"}}}
	plainCheck := &labs.CheckDef{Service: "web", Check: &checks.HTTP{}}
	tests := []struct {
		name    string
		checks  []*labs.CheckDef
		service string
		want    bool
	}{
		{"an https check", []*labs.CheckDef{plainCheck, tlsCheck}, "web", true},
		{"plain checks only", []*labs.CheckDef{plainCheck}, "web", false},
		{"an https check of another service", []*labs.CheckDef{tlsCheck}, "edge", false},
		{"another type", []*labs.CheckDef{{Service: "web", Check: &checks.File{}}}, "web", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := gradesHTTPS(&labs.Lab{Checks: tt.checks}, tt.service); got != tt.want {
				t.Errorf("gradesHTTPS = %v, want %v", got, tt.want)
			}
		})
	}
}
