package cli

import (
	"testing"

	"github.com/labrunner/labrunner/checks"
)

// TestBatchExit: a batch exits 3 when any submission could not be graded,
// even when others failed (a class always has a fail); 1 when some failed
// and all were graded; 0 when all passed.
func TestBatchExit(t *testing.T) {
	tests := []struct {
		name     string
		statuses []checks.Status
		want     int
	}{
		{"all passed", []checks.Status{checks.Pass, checks.Pass}, ExitOK},
		{"nothing graded", nil, ExitOK},
		{"some failed", []checks.Status{checks.Pass, checks.Fail}, ExitFailed},
		{"some errors", []checks.Status{checks.Pass, checks.Error}, ExitEnvironment},
		{"an error after a fail", []checks.Status{checks.Fail, checks.Error, checks.Pass}, ExitEnvironment},
		{"a fail after an error", []checks.Status{checks.Error, checks.Fail}, ExitEnvironment},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var reports []checks.Report
			for _, st := range tt.statuses {
				reports = append(reports, checks.Report{Status: st})
			}
			if got := ExitCode(batchExit(reports)); got != tt.want {
				t.Errorf("exit %d, want %d", got, tt.want)
			}
		})
	}
}
