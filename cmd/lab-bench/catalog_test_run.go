package main

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labrunner/labrunner/labs"
)

// catalogJobs is -j of the `lab test` row: its default, the machine's 2
// cores.
const catalogJobs = 2

// catalogShare is the share group of the per-lab rows of `lab test`.
const catalogShare = "the labs' summed time"

// catalogTest times `lab test` over the whole bundled catalog, what an
// instructor runs before a class and what `make test` runs: the wall
// time from process start to exit, and each lab's time as `lab test`
// prints it (from its services' start to their removal, with -j 2 two
// labs at a time) with its share of the labs' summed time. Every lab
// must be proven: a lab that is wrong or could not run is an error of
// the row. One run, no warm-up: minutes.
func catalogTest() benchmark {
	all, loadErr := labs.Bundled()
	var ids []string
	for _, l := range all {
		ids = append(ids, l.ID)
	}
	slices.Sort(ids)
	rows := []row{{op: fmt.Sprintf("lab test, whole catalog (%d labs)", len(ids)), unit: unitSeconds,
		note: fmt.Sprintf("wall time, -j %d; 1 run, no warm-up; every lab must be proven", catalogJobs)}}
	for _, id := range ids {
		rows = append(rows, row{op: "  " + id, unit: unitSeconds, share: catalogShare})
	}
	return benchmark{
		name:     "lab-test",
		rows:     rows,
		maxRuns:  1,
		noWarmup: true,
		labrunner: func(ctx context.Context, e *env) ([]float64, error) {
			if loadErr != nil {
				return nil, loadErr
			}
			// Exit 1 (a lab is wrong) and 3 (one could not run) are
			// read from the output, which names the lab and the case.
			r, err := runLab(ctx, e, labOptions{timeout: 15 * time.Minute, codes: []int{0, 1, 3}}, "test", "-j", strconv.Itoa(catalogJobs))
			if err != nil {
				return nil, err
			}
			times, err := provenTimes(r.stdout)
			if err == nil && r.code != 0 {
				err = fmt.Errorf("lab test: exit %d: %s", r.code, lastLines(r.stderr+r.stdout, 3))
			}
			if err != nil {
				return nil, err
			}
			out := []float64{r.wall.Seconds()}
			for _, id := range ids {
				d, ok := times[id]
				if !ok {
					return nil, fmt.Errorf("lab test did not report %s", id)
				}
				out = append(out, d.Seconds())
			}
			return out, nil
		},
	}
}

// provenLine is a lab's summary line in `lab test`'s output:
// "✓ sql-join (4.213s)".
var provenLine = regexp.MustCompile(`^([✓✗]) (\S+) \(([^)]+)\)$`)

// provenTimes reads each lab's time out of `lab test`'s output; a lab
// that was not proven (✗, with the cases that misbehaved below it, or
// "!" for one that could not run) is an error that names them.
func provenTimes(stdout string) (map[string]time.Duration, error) {
	times := map[string]time.Duration{}
	var bad []string
	wrongLab := "" // the ✗ lab whose case lines follow
	for _, line := range strings.Split(stdout, "\n") {
		if c, ok := strings.CutPrefix(line, "    "); ok {
			if c, ok := strings.CutPrefix(c, "✗ "); ok && wrongLab != "" {
				bad = append(bad, wrongLab+": "+c)
			}
			continue
		}
		wrongLab = ""
		if strings.HasPrefix(line, "! ") {
			bad = append(bad, strings.TrimPrefix(line, "! "))
			continue
		}
		m := provenLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if m[1] == "✗" {
			wrongLab = m[2]
			bad = append(bad, m[2]+" is wrong")
			continue
		}
		d, err := time.ParseDuration(m[3])
		if err != nil {
			return nil, fmt.Errorf("lab test: time of %s: %w", m[2], err)
		}
		times[m[2]] = d
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("lab test: %s", strings.Join(bad, "; "))
	}
	return times, nil
}
