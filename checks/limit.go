package checks

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// limitKey is the context key of a check's time limit.
type limitKey struct{}

// WithLimit returns ctx carrying d, the time limit the runner gave the
// check, so that a check's message can name it: "your query ran past the
// 10 s limit and was cancelled". The runner sets it with the deadline.
func WithLimit(ctx context.Context, d time.Duration) context.Context {
	return context.WithValue(ctx, limitKey{}, d)
}

// FormatLimit writes a limit for a learner: "10 s", "1.5 s", "500 ms".
func FormatLimit(d time.Duration) string {
	switch {
	case d <= 0:
		return "0 s"
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + " ms"
	case d < time.Minute || d%time.Minute != 0:
		return strconv.FormatFloat(d.Round(100*time.Millisecond).Seconds(), 'f', -1, 64) + " s"
	}
	return strconv.FormatInt(int64(d/time.Minute), 10) + " min"
}

// overLimit reports whether err (or ctx) says that the check's time ran
// out, as opposed to the run being interrupted.
func overLimit(ctx context.Context, err error) bool {
	return errors.Is(ctx.Err(), context.DeadlineExceeded) || (ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded))
}

// pastLimit is the sentence for what ran past the check's time limit:
// pastLimit(ctx, "your query", "cancelled") is "your query ran past the
// 10 s limit and was cancelled". Without a limit in ctx it says "the
// check's time limit".
func pastLimit(ctx context.Context, what, done string) string {
	limit := "the check's time limit"
	if d, ok := ctx.Value(limitKey{}).(time.Duration); ok && d > 0 {
		limit = "the " + FormatLimit(d) + " limit"
	}
	return fmt.Sprintf("%s ran past %s and was %s", what, limit, done)
}

// interrupted is the outcome of a check whose run was interrupted (Ctrl-C):
// an error, never the learner's fail; the CLI reports the interruption
// instead of the result.
var interrupted = Outcome{Status: Error, Message: "not finished: the run was interrupted"}
