package pg

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Grader state. The grader's queries (checks' queries and EXPLAINs on the
// learner's databases) run on the run's connections, inside the
// transaction the submission's script ran in, since that is where its
// work is. Before each of them, the session is put back into a state the
// submission cannot have chosen: every setting a session may change is
// given the value a fresh session of the superuser has (whatever SET,
// set_config, SET LOCAL, ALTER ROLE … SET or ALTER DATABASE … SET made
// it), the role is the login role, row security is off (a policy of the
// submission makes the query an error rather than hide rows), and the
// search path is pg_catalog, then the lab's schema (public), then
// pg_temp, so that no schema or temporary table of the submission can
// stand in for the lab's tables, functions or operators.

// graderPath is the grader's search path.
const graderPath = "pg_catalog, public, pg_temp"

// pinned are the settings the grader sets itself, or must not set
// after a transaction's first query.
var pinned = []string{"search_path", "role", "session_authorization", "row_security",
	"transaction_isolation", "transaction_read_only", "transaction_deferrable"}

// graderReset returns the SQL that puts a learner's session into the
// grader's state, read once per lab from a fresh superuser session.
func (p *Lab) graderReset(ctx context.Context) (string, error) {
	p.gmu.Lock()
	defer p.gmu.Unlock()
	if p.graderSQL != "" {
		return p.graderSQL, nil
	}
	su, err := p.superuser(ctx, DB)
	if err != nil {
		return "", err
	}
	defer su.Close(context.WithoutCancel(ctx))
	// Values as current_setting shows them (with units), so that the
	// reset compares with current_setting: a call per setting costs far
	// less than a scan of the pg_settings view, which formats every
	// setting of the server (0.4 ms against 1.2 ms a query, measured on
	// Postgres 15, and the reset runs before every grader query).
	rows, err := su.Query(ctx, "SELECT name, pg_catalog.current_setting(name) FROM pg_catalog.pg_settings WHERE context = 'user' AND NOT name = ANY($1) ORDER BY name", pinned)
	if err != nil {
		return "", fmt.Errorf("read settings: %w", err)
	}
	var vals []string
	for rows.Next() {
		var name, setting string
		if err := rows.Scan(&name, &setting); err != nil {
			return "", fmt.Errorf("read settings: %w", err)
		}
		vals = append(vals, fmt.Sprintf("(%s, %s)", quoteLit(name), quoteLit(setting)))
	}
	if err := rows.Err(); err != nil || len(vals) == 0 {
		return "", fmt.Errorf("read settings: %w (%d found)", err, len(vals))
	}
	// One round trip. SET and RESET resolve no names; once the search
	// path is pinned, pg_catalog comes first, and the names are
	// qualified anyway.
	p.graderSQL = "RESET ROLE; SET search_path = " + graderPath + "; SET row_security = off; " +
		"SELECT pg_catalog.count(pg_catalog.set_config(b.name, b.setting, false)) FROM (VALUES " + strings.Join(vals, ", ") +
		") AS b(name, setting) WHERE pg_catalog.current_setting(b.name) OPERATOR(pg_catalog.<>) b.setting"
	return p.graderSQL, nil
}

// envCode reports whether a Postgres error code is the environment's
// failure rather than the query's: a connection problem (08), resources
// of the server (53: disk full, out of memory, too many connections), an
// operator's intervention (57: shutdown, crash, recovery), a system error
// (58) or an internal one (XX). The exceptions are the submission's own:
// a statement cancelled (57014: the deadline or its disk quota, told
// apart by the caller), temp_file_limit (53400), a file of its own that
// does not exist (58P01, 58P02: CREATE EXTENSION of an unknown one).
func envCode(code string) bool {
	switch code {
	case "57014", "53400", "58P01", "58P02":
		return false
	}
	switch {
	case len(code) < 2:
		return false
	case code[:2] == "08", code[:2] == "53", code[:2] == "57", code[:2] == "58", code[:2] == "XX":
		return true
	}
	return false
}

// Disk quota. Every slot's databases live on one server's data directory
// (a tmpfs of postgresDataMax); a submission that filled it would make
// its neighbours fail with "No space left on device" and could crash the
// server. While a run's learner statements run, a watcher polls the size
// of the slot's databases and, when they have grown by more than
// DiskQuota over their templates, cancels the slot's statements: the
// submission's apply (or query) fails with a message that says so, and
// its databases are recreated. Temporary files are bounded per session by
// temp_file_limit, a setting the learner's role has and cannot change.

// DiskQuota is how much a slot's databases may grow during a run.
const DiskQuota = 256 << 20

// Memory quota. A session may SET work_mem, hash_mem_multiplier,
// maintenance_work_mem or temp_buffers to anything, and a huge sort, hash
// or array then takes the server's memory until the kernel kills a
// backend, which ends every session of every slot while the server
// recovers. No setting bounds that for a role that is not a superuser,
// so the same watcher also sums the private memory (RssAnon, read from
// /proc by the superuser) of the backends of the slot's role and cancels
// their statements past MemoryQuota: the submission fails with a message
// that says so, and its neighbours never notice. The poll lets a backend
// grow for watchEvery past the quota at most, which the server's memory
// (postgresMemory) leaves room for.

// MemoryQuota is how much private memory a slot's sessions may use
// together.
const MemoryQuota = 256 << 20

// tempFileLimit is each learner role's temp_file_limit.
const tempFileLimit = "256MB"

// watchEvery is how often the watcher polls.
const watchEvery = 100 * time.Millisecond

// quota watches one run's slot.
type quota struct {
	stop chan struct{}
	done chan struct{}
	mu   sync.Mutex
	over error
}

// watch starts watching the slot's databases and its sessions' memory
// until stopQuota.
func (s *SQL) watch(ctx context.Context) {
	if s.quota != nil {
		return
	}
	q := &quota{stop: make(chan struct{}), done: make(chan struct{})}
	s.quota = q
	dbs := make([]string, 0, len(s.lab.sets()))
	seeds := make([]string, 0, len(s.lab.sets()))
	for _, set := range s.lab.sets() {
		dbs = append(dbs, s.slot.dbFor(set))
		seeds = append(seeds, s.lab.setBase(set)+"__seed")
	}
	go func() {
		defer close(q.done)
		ctx := context.WithoutCancel(ctx)
		su, err := s.lab.superuser(ctx, DB)
		if err != nil {
			return // the run's own connections will say what went wrong
		}
		defer su.Close(ctx)
		var base int64 = -1
		tick := time.NewTicker(watchEvery)
		defer tick.Stop()
		for {
			select {
			case <-q.stop:
				return
			case <-tick.C:
			}
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			var size, seed, mem int64
			err := su.QueryRow(pctx, `SELECT coalesce(sum(pg_database_size(datname)) FILTER (WHERE datname = ANY($1)), 0)::bigint,
  coalesce(sum(pg_database_size(datname)) FILTER (WHERE datname = ANY($2)), 0)::bigint,
  (SELECT coalesce(sum((regexp_match(pg_read_file('/proc/' || pid || '/status', 0, 65536, true), 'RssAnon:\s+(\d+) kB'))[1]::bigint), 0) * 1024
     FROM pg_stat_activity WHERE usename = $4)
  FROM pg_database WHERE datname = ANY($1) OR (datname = ANY($2) AND $3)`, dbs, seeds, base < 0, s.slot.role).Scan(&size, &seed, &mem)
			cancel()
			if err != nil {
				continue
			}
			if base < 0 {
				base = seed
			}
			var over error
			switch {
			case size-base > DiskQuota:
				over = fmt.Errorf("the submission wrote more than %d MB to its databases, the most one submission may; it was stopped", DiskQuota>>20)
			case mem > MemoryQuota:
				over = fmt.Errorf("the submission's queries used more than %d MB of the server's memory, the most one submission may (a setting such as work_mem does not raise it); it was stopped", MemoryQuota>>20)
			default:
				continue
			}
			q.mu.Lock()
			if q.over == nil {
				q.over = over
			}
			q.mu.Unlock()
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			su.Exec(cctx, "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE usename = $1 AND datname = ANY($2)", s.slot.role, dbs)
			cancel()
		}
	}()
}

// stopQuota stops the watcher.
func (s *SQL) stopQuota() {
	if s.quota == nil {
		return
	}
	close(s.quota.stop)
	<-s.quota.done
}

// overQuota is the watcher's verdict: nil, or the error that says the
// slot went over its quota.
func (s *SQL) overQuota() error {
	if s.quota == nil {
		return nil
	}
	s.quota.mu.Lock()
	defer s.quota.mu.Unlock()
	return s.quota.over
}

// quotaSQL gives a learner's role its limits; an ALTER ROLE … RESET ALL
// comes first, so that no setting the submission gave its role survives.
func quotaSQL(role string) string {
	return fmt.Sprintf("ALTER ROLE %[1]s RESET ALL; ALTER ROLE %[1]s SET temp_file_limit = %[2]s", quoteIdent(role), quoteLit(tempFileLimit))
}
