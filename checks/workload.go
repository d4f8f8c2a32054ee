package checks

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Workload is the `workload` check: a command runs `repeat` times in the
// check's service — in a runtime, the learner's program, each run a new
// process — and counters of the lab's other services, read before the
// first run and after the last, must have grown by amounts in the given
// ranges. It proves what the program did rather than what it printed:
// "the repeated lookup came from the cache" is Redis counting hits while
// Postgres read the table once. Every run must exit with code 0.
//
//	checks:
//	- name: repeat-lookup-cached
//	  type: workload
//	  service: app
//	  command: [python3, /lab/harness.py, '["get_user", 4]']
//	  repeat: 3
//	  counters:
//	    - label: reads of the users table
//	      service: db
//	      table: users           # Postgres: scans of the table (seq_scan + idx_scan)
//	      max: 1
//	    - label: cache hits
//	      service: cache
//	      stat: keyspace_hits    # Redis: a field of INFO; cmdstat_get.calls for a sub-field
//	      min: 2
type Workload struct {
	// Command is the program and its arguments.
	Command []string `yaml:"command" json:"command"`
	// Env is added to the command's environment.
	Env map[string]string `yaml:"env,omitempty" json:"env,omitempty"`
	// Repeat is how many times the command runs; default 1.
	Repeat int `yaml:"repeat,omitempty" json:"repeat,omitempty"`
	// Counters are the counters read around the runs and their ranges.
	Counters []*Counter `yaml:"counters" json:"counters"`
	// Message is shown to the learner when the check fails.
	Message string `yaml:"message,omitempty" json:"message,omitempty"`
}

// Counter is a counter of a Redis or Postgres service and the range its
// increase over a workload must be in.
type Counter struct {
	// Label names the counter for the learner ("reads of the users table").
	Label string `yaml:"label,omitempty" json:"label,omitempty"`
	// Service is the redis or postgres service the counter is read from.
	Service string `yaml:"service" json:"service"`
	// Stat is a numeric field of Redis INFO (keyspace_hits), or
	// section_field.key for fields such as cmdstat_get:calls=3,…
	// (cmdstat_get.calls).
	Stat string `yaml:"stat,omitempty" json:"stat,omitempty"`
	// Table is a Postgres table whose scans are counted: how many times
	// Postgres read it, through an index or not.
	Table string `yaml:"table,omitempty" json:"table,omitempty"`
	// Min is the least increase allowed.
	Min *int64 `yaml:"min,omitempty" json:"min,omitempty"`
	// Max is the greatest increase allowed.
	Max *int64 `yaml:"max,omitempty" json:"max,omitempty"`
}

var _ Check = (*Workload)(nil)

// maxRepeat bounds Repeat: a workload is a few runs, not a benchmark.
const maxRepeat = 100

// Validate implements Check.
func (c *Workload) Validate() error {
	var errs []error
	if len(c.Command) == 0 || strings.TrimSpace(c.Command[0]) == "" {
		errs = append(errs, errors.New("command: needs the program and its arguments"))
	}
	errs = append(errs, validateEnv(c.Env)...)
	if c.Repeat < 0 || c.Repeat > maxRepeat {
		errs = append(errs, fmt.Errorf("repeat: must be between 1 and %d", maxRepeat))
	}
	if len(c.Counters) == 0 {
		errs = append(errs, errors.New("counters: needs at least one counter (service, stat or table, min and/or max)"))
	}
	for i, k := range c.Counters {
		f := fmt.Sprintf("counters.%d", i)
		switch {
		case k == nil:
			errs = append(errs, fmt.Errorf("%s: expected a counter", f))
			continue
		case k.Service == "":
			errs = append(errs, fmt.Errorf("%s.service: must name a redis or postgres service", f))
		}
		switch {
		case (k.Stat == "") == (k.Table == ""):
			errs = append(errs, fmt.Errorf("%s: set one of stat (Redis INFO) and table (Postgres scans)", f))
		case k.Stat != "" && strings.ContainsAny(k.Stat, " :\r\n"):
			errs = append(errs, fmt.Errorf("%s.stat: %q is not an INFO field name (such as keyspace_hits or cmdstat_get.calls)", f, k.Stat))
		}
		switch {
		case k.Min == nil && k.Max == nil:
			errs = append(errs, fmt.Errorf("%s: set min, max or both", f))
		case k.Min != nil && *k.Min < 0, k.Max != nil && *k.Max < 0:
			errs = append(errs, fmt.Errorf("%s: min and max must not be negative", f))
		case k.Min != nil && k.Max != nil && *k.Min > *k.Max:
			errs = append(errs, fmt.Errorf("%s: min must not be greater than max", f))
		}
	}
	return errors.Join(errs...)
}

func (c *Workload) runs() int { return max(c.Repeat, 1) }

// Run implements Check.
func (c *Workload) Run(ctx context.Context, env Env) Outcome {
	readers := make([]counterReader, len(c.Counters))
	for i, k := range c.Counters {
		svc, err := env.Service(k.Service)
		if err != nil {
			return Errored(fmt.Sprintf("counter %s: %v", k.name(), err))
		}
		if readers[i], err = k.reader(svc); err != nil {
			return Errored(fmt.Sprintf("counter %s: %v", k.name(), err))
		}
	}
	before := make([]int64, len(readers))
	for i, r := range readers {
		v, err := r.before(ctx)
		if err != nil {
			return counterError(ctx, c.Counters[i], err)
		}
		before[i] = v
	}
	opts := ExecOptions{Env: envList(c.Env)}
	for n := 1; n <= c.runs(); n++ {
		res, err := env.Exec(ctx, c.Command, opts)
		if err != nil {
			out := commandError(ctx, err)
			out.Message = fmt.Sprintf("run %d of %d: %s", n, c.runs(), out.Message)
			out.Output = commandOutput(res)
			return out
		}
		if res.ExitCode != 0 {
			return Outcome{Status: Fail, Output: commandOutput(res),
				Message: c.prefix() + fmt.Sprintf("run %d of %d exited with code %d", n, c.runs(), res.ExitCode)}
		}
	}
	var problems, seen []string
	for i, r := range readers {
		v, err := r.after(ctx)
		if err != nil {
			return counterError(ctx, c.Counters[i], err)
		}
		k := c.Counters[i]
		d := v - before[i]
		seen = append(seen, fmt.Sprintf("%s +%d", k.name(), d))
		if p := k.check(d, env.Reveal()); p != "" {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		return Outcome{Status: Fail, Message: c.prefix() + fmt.Sprintf("over %d run(s), ", c.runs()) + strings.Join(problems, "; "),
			Output: "counters: " + strings.Join(seen, ", ")}
	}
	return Passed()
}

func (c *Workload) prefix() string {
	if c.Message != "" {
		return c.Message + ": "
	}
	return ""
}

func (k *Counter) name() string {
	switch {
	case k.Label != "":
		return k.Label
	case k.Table != "":
		return fmt.Sprintf("scans of %s on %s", k.Table, k.Service)
	}
	return fmt.Sprintf("%s of %s", k.Stat, k.Service)
}

// check compares an increase with the range; "" when it is in it.
func (k *Counter) check(d int64, reveal bool) string {
	low := k.Min != nil && d < *k.Min
	high := k.Max != nil && d > *k.Max
	if !low && !high {
		return ""
	}
	if !reveal {
		return fmt.Sprintf("%s went up by %d, which is not in the expected range", k.name(), d)
	}
	var want string
	switch {
	case k.Min != nil && k.Max != nil && *k.Min == *k.Max:
		want = fmt.Sprintf("exactly %d", *k.Min)
	case k.Min != nil && k.Max != nil:
		want = fmt.Sprintf("%d to %d", *k.Min, *k.Max)
	case k.Min != nil:
		want = fmt.Sprintf("at least %d", *k.Min)
	default:
		want = fmt.Sprintf("at most %d", *k.Max)
	}
	return fmt.Sprintf("%s went up by %d, expected %s", k.name(), d, want)
}

func counterError(ctx context.Context, k *Counter, err error) Outcome {
	if ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded) {
		return Errored(fmt.Sprintf("counter %s could not be read before the check's timeout", k.name()))
	}
	return Errored(fmt.Sprintf("counter %s: %v", k.name(), err))
}

// counterReader reads one counter before and after the runs.
type counterReader interface {
	before(ctx context.Context) (int64, error)
	after(ctx context.Context) (int64, error)
}

func (k *Counter) reader(env Env) (counterReader, error) {
	if k.Stat != "" {
		r, err := env.Redis()
		if err != nil {
			return nil, err
		}
		return &redisCounter{r: r, stat: k.Stat}, nil
	}
	db, err := env.SQL()
	if err != nil {
		return nil, err
	}
	return &tableScans{db: db, table: k.Table}, nil
}

// redisCounter reads a field of INFO.
type redisCounter struct {
	r    Redis
	stat string
}

func (c *redisCounter) before(ctx context.Context) (int64, error) { return c.read(ctx) }
func (c *redisCounter) after(ctx context.Context) (int64, error)  { return c.read(ctx) }

func (c *redisCounter) read(ctx context.Context) (int64, error) {
	reply, err := c.r.Do(ctx, "INFO", "all")
	if err != nil {
		return 0, err
	}
	fields := parseRedisInfo(FormatValue(reply))
	v, ok := fields[c.stat]
	if !ok {
		return 0, fmt.Errorf("INFO has no numeric field %q", c.stat)
	}
	return v, nil
}

// parseRedisInfo returns the integer fields of an INFO reply: "name:3" as
// name, and "name:k=3,…" as name.k.
func parseRedisInfo(info string) map[string]int64 {
	out := map[string]int64{}
	for _, line := range strings.Split(info, "\n") {
		line = strings.TrimSpace(line)
		name, val, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		if n, err := strconv.ParseInt(val, 10, 64); err == nil {
			out[name] = n
			continue
		}
		for _, kv := range strings.Split(val, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				out[name+"."+k] = n
			}
		}
	}
	return out
}

// tableScans counts the scans of a table in the learner's database.
// Postgres publishes a backend's table statistics when the backend ends
// (or goes idle for a while), so after the runs it waits until every
// connection opened since the first reading has closed.
type tableScans struct {
	db    SQL
	table string
	// since is the server's clock at the first reading.
	since string
}

// Polling of the learner's connections after the runs.
const (
	backendPoll    = 10 * time.Millisecond
	backendPatient = 3 * time.Second
)

func (t *tableScans) query() string {
	return fmt.Sprintf(`SELECT coalesce((SELECT seq_scan + coalesce(idx_scan, 0) FROM pg_stat_user_tables WHERE relid = to_regclass(%s)), -1), clock_timestamp()`, quoteLiteral(t.table))
}

func (t *tableScans) read(ctx context.Context) (int64, string, error) {
	// Within a transaction the statistics are read once and kept.
	if _, err := t.db.Query(ctx, Learner, "SELECT pg_stat_clear_snapshot()"); err != nil {
		return 0, "", err
	}
	rows, err := t.db.Query(ctx, Learner, t.query())
	if err != nil {
		return 0, "", err
	}
	if len(rows.Values) != 1 || len(rows.Values[0]) != 2 {
		return 0, "", errors.New("unexpected answer from pg_stat_user_tables")
	}
	n, err := strconv.ParseInt(FormatValue(rows.Values[0][0]), 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("scans of %s: %w", t.table, err)
	}
	if n < 0 {
		return 0, "", fmt.Errorf("table %s does not exist", t.table)
	}
	return n, FormatValue(rows.Values[0][1]), nil
}

// settledQuery counts the connections to the learner's database that
// come from somewhere other than the grader's own address: those of
// programs that ran before (an earlier check's), whose backends may still
// be ending and so not yet have published their scans.
const settledQuery = `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND client_addr IS DISTINCT FROM inet_client_addr()`

// settle waits, at most backendPatient, until the backends of programs
// that ran before this check have ended: a backend publishes its scans as
// it ends, and a loaded machine can end the one of the previous check's
// program after this check's first reading, which would count its scans
// against this check. A connection that stays (a program that left a
// process behind) is not waited for longer; its scans may then count.
func (t *tableScans) settle(ctx context.Context) error {
	deadline := time.Now().Add(backendPatient)
	for {
		rows, err := t.db.Query(ctx, Learner, settledQuery)
		if err != nil {
			return err
		}
		if len(rows.Values) == 1 && FormatValue(rows.Values[0][0]) == "0" || time.Now().After(deadline) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backendPoll):
		}
	}
}

func (t *tableScans) before(ctx context.Context) (int64, error) {
	if err := t.settle(ctx); err != nil {
		return 0, err
	}
	n, now, err := t.read(ctx)
	t.since = now
	return n, err
}

func (t *tableScans) after(ctx context.Context) (int64, error) {
	wait := fmt.Sprintf(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_start >= %s::timestamptz`, quoteLiteral(t.since))
	deadline := time.Now().Add(backendPatient)
	for {
		rows, err := t.db.Query(ctx, Learner, wait)
		if err != nil {
			return 0, err
		}
		if len(rows.Values) == 1 && FormatValue(rows.Values[0][0]) == "0" {
			break
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("connections the program opened to the database were still open %s after it ended", backendPatient)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(backendPoll):
		}
	}
	n, _, err := t.read(ctx)
	return n, err
}
