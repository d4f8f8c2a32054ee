package main

import "testing"

func TestFormat(t *testing.T) {
	tests := []struct {
		name string
		u    unit
		xs   []float64
		want string
	}{
		{"milliseconds", unitSeconds, []float64{0.298, 0.312, 0.340}, "312 ms (298–340)"},
		{"under 10 ms", unitSeconds, []float64{0.0026}, "2.6 ms (2.6–2.6)"},
		{"seconds from 10 s", unitSeconds, []float64{342.485}, "342 s (342–342)"},
		{"seconds under 10 in a row of over 10", unitSeconds, []float64{9.5, 12, 20}, "12 s (9.5–20)"},
		{"bytes", unitBytes, []float64{33 << 20}, "33 MiB (33–33)"},
		{"throughput", unitPerSecond, []float64{0.3}, "0.3 1/s (0.3–0.3)"},
		{"nothing", unitSeconds, nil, "—"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := format(tt.u, summarize(tt.xs)); got != tt.want {
				t.Errorf("format = %q, want %q", got, tt.want)
			}
		})
	}
}
