package checks

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestFormatLimit(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Second:        "10 s",
		1500 * time.Millisecond: "1.5 s",
		500 * time.Millisecond:  "500 ms",
		2 * time.Minute:         "2 min",
		90 * time.Second:        "90 s",
	} {
		if got := FormatLimit(d); got != want {
			t.Errorf("FormatLimit(%s) = %q, want %q", d, got, want)
		}
	}
}

// TestQueryPastItsLimit: a query stopped by the check's deadline is named
// with the limit the runner gave the check; an interruption is not the
// learner's slow query.
func TestQueryPastItsLimit(t *testing.T) {
	expired, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	interruptedCtx, stop := context.WithCancel(context.Background())
	stop()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want Outcome
	}{
		{"the check's deadline", WithLimit(expired, 10*time.Second), context.DeadlineExceeded,
			Errored("your query ran past the 10 s limit and was cancelled")},
		{"a deadline error seen by the driver", WithLimit(context.Background(), 2*time.Second), fmt.Errorf("read: %w", context.DeadlineExceeded),
			Errored("your query ran past the 2 s limit and was cancelled")},
		{"no limit known", expired, context.DeadlineExceeded,
			Errored("your query ran past the check's time limit and was cancelled")},
		{"Ctrl-C", WithLimit(interruptedCtx, 10*time.Second), context.Canceled, interrupted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := queryError(tt.ctx, tt.err); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
