package runner

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"

	"github.com/labrunner/labrunner/checks"

	"github.com/labrunner/labrunner/runner/engine"
)

// Access and file checks each ran the probe in an exec of their own: in
// linux-permissions, 17 round trips to the engine for 17 checks. A probe
// that a check will ask for is known before it runs (checks.ProbePlanner),
// so at the first probe of a stretch of such checks the runner asks the
// probe once per user (`probe batch`, as that user, exactly as each exec
// would run) for every planned probe of the stretch, and answers each
// check's probe from those results. A stretch ends before a check that is
// not a planner on the same service, or on any service where learners'
// code runs: such a check may change what the probes see. Anything else
// run in the box drops the results with the probe's copy (probeCopy.drop),
// so that a probe never answers from before a command. The results are
// what the probe printed for each request; a batch that fails in any way
// (an old probe without batch, a user the engine cannot find, output past
// the cap) leaves its probes to run one by one, as before.

// probeBatchCap bounds a batch's output: a stat with content prints up to
// 1 MiB per file.
const probeBatchCap = 16 << 20

// planProbes returns the probes of the stretch of checks from the
// check's own: the check's index in the lab and the probes.
func (e *checkEnv) planProbes() (from, to int, calls []checks.ProbeCall) {
	lab := e.run.env.Lab
	from = -1
	for i, d := range lab.Checks {
		if d == e.def {
			from = i
			break
		}
	}
	if from < 0 {
		return -1, -1, nil
	}
	to = from
	for ; to < len(lab.Checks); to++ {
		d := lab.Checks[to]
		if d.Service != e.service {
			if s, ok := lab.Services[d.Service]; !ok || kinds[Kind(s.Kind)].LearnerCode {
				break
			}
			continue
		}
		pp, ok := d.Check.(checks.ProbePlanner)
		if !ok {
			break
		}
		calls = append(calls, pp.PlannedProbe())
	}
	return from, to, calls
}

// probeKey is the key of a probe's results.
func probeKey(user string, args []string) string {
	return user + "\x00" + strings.Join(args, "\x00")
}

// takeResult returns and forgets a result of the probe as user with args.
func (p *probeCopy) takeResult(user string, args []string) (checks.ExecResult, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k := probeKey(user, args)
	q := p.results[k]
	if len(q) == 0 {
		return checks.ExecResult{}, false
	}
	p.results[k] = q[1:]
	return q[0], true
}

// batchProbes runs the probes of the stretch of checks that begins at
// the asking check, once per user, from the copy bin, unless that stretch
// was run since the copy was made.
func (st *boxState) batchProbes(ctx context.Context, svc service, bin string, plan func() (from, to int, calls []checks.ProbeCall)) {
	if plan == nil {
		return
	}
	from, to, calls := plan()
	pc := &st.probes
	pc.mu.Lock()
	skip := pc.noBatch || pc.bin != bin || from < pc.plannedTo || len(calls) < 2
	if !skip {
		pc.plannedTo = to
	}
	pc.mu.Unlock()
	if skip {
		return
	}
	var users []string
	byUser := map[string][][]string{}
	for _, c := range calls {
		if _, ok := byUser[c.User]; !ok {
			users = append(users, c.User)
		}
		byUser[c.User] = append(byUser[c.User], c.Args)
	}
	// One exec per user, all at once: each is a round trip to the
	// engine that mostly waits, and they touch nothing of each other's
	// but the write tests' files, whose names carry each probe's pid.
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Go(func() { st.batchAs(ctx, svc, bin, u, byUser[u]) })
	}
	wg.Wait()
}

// batchAs runs the requests reqs of one user in one `probe batch` and
// records their results.
func (st *boxState) batchAs(ctx context.Context, svc service, bin, u string, reqs [][]string) {
	pc := &st.probes
	in, err := json.Marshal(reqs)
	if err != nil {
		return
	}
	res, err := svc.Exec(ctx, []string{bin, "batch"}, engine.ExecOptions{User: u, Stdin: strings.NewReader(string(in)), OutputCap: probeBatchCap})
	if err != nil {
		return
	}
	if res.ExitCode == 2 && strings.Contains(res.Stderr, "unknown command") {
		// A probe from before batches (an image set by hand).
		pc.mu.Lock()
		pc.noBatch = true
		pc.mu.Unlock()
		return
	}
	if res.ExitCode != 0 || res.Truncated {
		return
	}
	out, ok := parseProbeBatch(res.Stdout, len(reqs))
	if !ok {
		return
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.bin == bin {
		if pc.results == nil {
			pc.results = map[string][]checks.ExecResult{}
		}
		for i, args := range reqs {
			k := probeKey(u, args)
			pc.results[k] = append(pc.results[k], out[i])
		}
	}
}

// parseProbeBatch splits what `probe batch` printed for n requests.
func parseProbeBatch(out string, n int) ([]checks.ExecResult, bool) {
	const head = "labrunner-probe-result "
	var res []checks.ExecResult
	for range n {
		nl := strings.IndexByte(out, '\n')
		if nl < 0 || !strings.HasPrefix(out, head) {
			return nil, false
		}
		f := strings.Fields(out[len(head):nl])
		if len(f) != 3 {
			return nil, false
		}
		var v [3]int
		for i, s := range f {
			x, err := strconv.Atoi(s)
			if err != nil || x < 0 {
				return nil, false
			}
			v[i] = x
		}
		out = out[nl+1:]
		if v[1]+v[2] > len(out) {
			return nil, false
		}
		res = append(res, checks.ExecResult{ExitCode: v[0], Stdout: out[:v[1]], Stderr: out[v[1] : v[1]+v[2]]})
		out = out[v[1]+v[2]:]
	}
	if out != "" {
		return nil, false
	}
	return res, true
}
