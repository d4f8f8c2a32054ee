package runner

import "testing"

func TestTakeCrashMarker(t *testing.T) {
	tests := []struct {
		name, stderr, rest string
		found              bool
	}{
		{"none", "Traceback\n", "Traceback\n", false},
		{"alone", crashMarker + "\n", "", true},
		{"among lines", "a\n" + crashMarker + "\nb\n", "a\nb\n", true},
		{"within a line is not the marker", "say " + crashMarker + "\n", "say " + crashMarker + "\n", false},
		{"without its newline", crashMarker, crashMarker, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rest, found := takeCrashMarker(tt.stderr)
			if rest != tt.rest || found != tt.found {
				t.Errorf("got %q %v, want %q %v", rest, found, tt.rest, tt.found)
			}
		})
	}
}
