package phase

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestEnabled(t *testing.T) {
	tests := []struct {
		value string
		want  bool
	}{
		{"", false},
		{"0", false},
		{"false", false},
		{"FALSE", false},
		{" 0 ", false},
		{"1", true},
		{"true", true},
		{"yes", true},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			if got := Enabled(tt.value); got != tt.want {
				t.Errorf("Enabled(%q) = %v, want %v", tt.value, got, tt.want)
			}
		})
	}
}

func TestBeginOffPrintsNothing(t *testing.T) {
	var buf bytes.Buffer
	Enable(&buf)
	Enable(nil)
	Begin("start")()
	if buf.Len() != 0 {
		t.Errorf("tracing off printed %q", buf.String())
	}
}

func TestBeginPrintsParsableLines(t *testing.T) {
	var buf bytes.Buffer
	Enable(&buf)
	t.Cleanup(func() { Enable(nil) })
	end := Begin("check seed-intact")
	Begin("start network")()
	end()
	got := Parse("note: something else\n" + buf.String())
	if len(got) != 2 {
		t.Fatalf("Parse found %d lines in %q, want 2", len(got), buf.String())
	}
	if got[0].Name != "start network" || got[1].Name != "check seed-intact" {
		t.Errorf("names = %q, %q; want the inner phase first, as it ends first", got[0].Name, got[1].Name)
	}
	if got[1].Duration < got[0].Duration {
		t.Errorf("outer phase %v shorter than the inner one %v", got[1].Duration, got[0].Duration)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name   string
		stderr string
		want   []Line
	}{
		{"one line", "lab trace:      73.1 ms  start network\n", []Line{{"start network", 73100 * time.Microsecond}}},
		{"name with spaces", "lab trace:       1.5 ms  apply site.conf\n", []Line{{"apply site.conf", 1500 * time.Microsecond}}},
		{"other lines skipped", "starting sql-join …\nchecked in 3ms\n", nil},
		{"no unit", "lab trace: 12 start\n", nil},
		{"not a number", "lab trace: x ms  start\n", nil},
		{"no name", "lab trace: 12 ms  \n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.stderr)
			if len(got) != len(tt.want) {
				t.Fatalf("Parse(%q) = %v, want %v", tt.stderr, got, tt.want)
			}
			for i := range got {
				if got[i].Name != tt.want[i].Name || (got[i].Duration-tt.want[i].Duration).Abs() > time.Microsecond {
					t.Errorf("line %d = %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestConcurrentLinesStayWhole(t *testing.T) {
	var buf bytes.Buffer
	Enable(&buf)
	t.Cleanup(func() { Enable(nil) })
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { Begin("start web")() })
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 50 || len(Parse(buf.String())) != 50 {
		t.Errorf("got %d lines, %d parsed, want 50 whole ones:\n%s", len(lines), len(Parse(buf.String())), buf.String())
	}
}
