package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/internal/phase"
)

// TestMainTrace: LAB_TRACE=1 adds the command's phases to stderr, the
// whole command last, and leaves stdout as it is; unset or 0, nothing.
// Tracing ends with Main.
func TestMainTrace(t *testing.T) {
	tests := []struct {
		name  string
		value string
		want  []string
	}{
		{"on", "1", []string{"total"}},
		{"off", "", nil},
		{"zero", "0", nil},
	}
	var plain string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			io, out, errOut := TestStreams()
			env := map[string]string{"LAB_TRACE": tt.value}
			if code := Main(context.Background(), []string{"show", "sql-join"}, &Deps{IO: io, Getenv: func(k string) string { return env[k] }}); code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var names []string
			for _, l := range phase.Parse(errOut.String()) {
				names = append(names, l.Name)
			}
			if strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Errorf("phases %q, want %q; stderr %q", names, tt.want, errOut)
			}
			n := errOut.Len()
			phase.Begin("after the command")()
			if errOut.Len() != n {
				t.Errorf("a phase after Main returned was traced: %q", errOut.String()[n:])
			}
			if strings.Contains(out.String(), phase.Prefix) {
				t.Errorf("the trace went to stdout: %q", out)
			}
			if plain == "" {
				plain = out.String()
			} else if out.String() != plain {
				t.Errorf("stdout differs with LAB_TRACE=%q", tt.value)
			}
		})
	}
}
