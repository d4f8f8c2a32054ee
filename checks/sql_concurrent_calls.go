package checks

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// The rounds of sql.concurrent: one call per worker session, behind the
// gate, and how each call ends.

// callResult is how one call ended.
type callResult struct {
	err error
	// refused is a call ended by an error of allow (in err).
	refused bool
	// stopped is a call cut off by the check's deadline.
	stopped bool
}

// round makes one round of calls, one per worker, behind the gate if
// there is one. out is set when the round could not be played.
func (c *SQLConcurrent) round(ctx context.Context, ctl Session, workers []Session, calls [][]any, stmts []string) ([]callResult, *Outcome) {
	gated := strings.TrimSpace(c.Gate) != ""
	if gated {
		if _, err := ctl.Exec(ctx, "BEGIN"); err != nil {
			out := c.sessionError(ctx, err, "begin the gate")
			return nil, &out
		}
		if _, err := ctl.Exec(ctx, c.Gate); err != nil {
			out := c.sessionError(ctx, err, "the gate statement")
			return nil, &out
		}
	}
	results := make([]callResult, len(workers))
	done := make([]chan struct{}, len(workers))
	var wg sync.WaitGroup
	for i, w := range workers {
		done[i] = make(chan struct{})
		wg.Go(func() {
			defer close(done[i])
			results[i] = c.call(ctx, w, calls[i], stmts)
		})
	}
	var gateErr error
	if gated {
		gateErr = c.waitAtGate(ctx, ctl, workers, done)
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		if _, err := ctl.Exec(rctx, "ROLLBACK"); err != nil && gateErr == nil {
			gateErr = err
		}
		cancel()
	}
	wg.Wait()
	if ctx.Err() != nil {
		running := 0
		for _, r := range results {
			if r.stopped {
				running++
			}
		}
		out := c.sessionError(ctx, ctx.Err(), "")
		if overLimit(ctx, ctx.Err()) && running > 0 {
			out = Failed(stuckCalls(ctx, running, len(workers)))
		}
		return nil, &out
	}
	if gateErr != nil {
		out := c.sessionError(ctx, gateErr, "the gate")
		return nil, &out
	}
	return results, nil
}

// stuckCalls is the learner's sentence for calls still running at the
// check's deadline. It is a fail, not an error: the calls are the
// submission's, and what keeps them from ending (a lock never released,
// a wait the server does not see as a deadlock, a loop) is its bug.
func stuckCalls(ctx context.Context, running, sessions int) string {
	limit := "the check's time limit"
	if d, ok := ctx.Value(limitKey{}).(time.Duration); ok && d > 0 {
		limit = "the " + FormatLimit(d) + " limit"
	}
	return fmt.Sprintf("%d of %d sessions were still in a call at %s and were stopped: "+
		"a lock never released, a wait the server does not see as a deadlock, or a loop that never ends", running, sessions, limit)
}

// waitAtGate returns when every worker whose call has not finished is
// waiting for a lock: by then each has gone as far as it can without one.
func (c *SQLConcurrent) waitAtGate(ctx context.Context, ctl Session, workers []Session, done []chan struct{}) error {
	for {
		var pids []string
		for i, w := range workers {
			select {
			case <-done[i]:
			default:
				pids = append(pids, fmt.Sprint(w.PID()))
			}
		}
		if len(pids) == 0 {
			return nil
		}
		rows, err := ctl.Exec(ctx, "SELECT pg_catalog.count(DISTINCT pid) FROM pg_catalog.pg_locks WHERE NOT granted AND pid OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.int4[])",
			"{"+strings.Join(pids, ",")+"}")
		if err != nil {
			return err
		}
		if len(rows.Values) == 1 && FormatValue(rows.Values[0][0]) == fmt.Sprint(len(pids)) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(gatePoll):
		}
	}
}

// call makes one call: a transaction of the statements, retried after an
// error listed in retry.
func (c *SQLConcurrent) call(ctx context.Context, s Session, args []any, stmts []string) callResult {
	begin := "BEGIN"
	if c.Isolation != "" {
		begin += " ISOLATION LEVEL " + isolations[strings.ToLower(c.Isolation)]
	}
	retries := c.MaxRetries
	if retries == 0 {
		retries = defaultMaxRetries
	}
	for attempt := 0; ; attempt++ {
		err := c.transaction(ctx, s, begin, args, stmts)
		if err == nil {
			return callResult{}
		}
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		s.Exec(rctx, "ROLLBACK")
		cancel()
		if ctx.Err() != nil {
			return callResult{err: ctx.Err(), stopped: true}
		}
		state := SQLState(err)
		switch {
		case matchState(c.Retry, state) && attempt < retries:
			continue
		case matchState(c.Retry, state):
			return callResult{err: fmt.Errorf("still failing after %d retries: %w", retries, err)}
		case matchState(c.Allow, state):
			return callResult{err: err, refused: true}
		}
		return callResult{err: err}
	}
}

func (c *SQLConcurrent) transaction(ctx context.Context, s Session, begin string, args []any, stmts []string) error {
	if _, err := s.Exec(ctx, begin); err != nil {
		return err
	}
	for i, st := range stmts {
		if _, err := s.Exec(ctx, st, args...); err != nil {
			if c.StatementsFile != "" {
				return fmt.Errorf("statement %d of %s: %w", i+1, c.StatementsFile, err)
			}
			return err
		}
	}
	_, err := s.Exec(ctx, "COMMIT")
	return err
}

// matchState reports whether a SQLSTATE is in a list of states and classes.
func matchState(list []string, state string) bool {
	for _, s := range list {
		if matchSQLState(state, s) {
			return true
		}
	}
	return false
}
