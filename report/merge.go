package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/labrunner/labrunner/checks"
)

// Merge combines the batches of sharded grading runs into one batch,
// sorted by submission name, then lab, whatever the order of the shards'
// contents. A submission is identified by its lab and submission name.
//
// A submission that more than one shard holds (or one shard twice) is a
// mistake in how the shards were made — two jobs that graded the same
// shard, or a shard passed twice — and no copy is more right than the
// other: Merge returns a *DuplicateError naming every such submission and
// the shards that hold it, and no batch, so that a gradebook never holds
// a grade picked by chance. The reports are not copied deeply: the result
// shares their Results.
func Merge(shards ...[]checks.Report) ([]checks.Report, error) {
	type key struct{ lab, submission string }
	where := map[key][]int{}
	var out []checks.Report
	var order []key
	for i, shard := range shards {
		for _, r := range shard {
			k := key{r.Lab, r.Submission}
			if len(where[k]) == 0 {
				out = append(out, r)
			} else if len(where[k]) == 1 {
				order = append(order, k)
			}
			where[k] = append(where[k], i)
		}
	}
	if len(order) > 0 {
		dup := &DuplicateError{}
		for _, k := range order {
			dup.Duplicates = append(dup.Duplicates, Duplicate{Lab: k.lab, Submission: k.submission, Shards: where[k]})
		}
		return nil, dup
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Submission != out[j].Submission {
			return out[i].Submission < out[j].Submission
		}
		return out[i].Lab < out[j].Lab
	})
	return out, nil
}

// Duplicate is a submission that more than one shard holds.
type Duplicate struct {
	Lab, Submission string
	// Shards are the indexes (from 0) of the shards that hold it, once per
	// copy, in order.
	Shards []int
}

// DuplicateError reports the submissions that Merge found in more than
// one shard, in the order their second copies were found.
type DuplicateError struct {
	Duplicates []Duplicate
}

// Error names each duplicate and its shards by their position (shard 1 is
// the first); callers that know the shards' files say it better (see
// Describe).
func (e *DuplicateError) Error() string {
	return e.Describe(func(i int) string { return fmt.Sprintf("shard %d", i+1) })
}

// Describe is Error with the shards named by name.
func (e *DuplicateError) Describe(name func(shard int) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s in more than one shard, so no grade was merged:", len(e.Duplicates), plural(len(e.Duplicates), "submission is", "submissions are"))
	for _, d := range e.Duplicates {
		var in []string
		for _, s := range d.Shards {
			in = append(in, name(s))
		}
		fmt.Fprintf(&b, "\n  %s (lab %s) is in %s", label(checks.Report{Lab: d.Lab, Submission: d.Submission}), d.Lab, strings.Join(in, " and "))
	}
	b.WriteString("\ngrade each submission in one shard only (lab grade --shard i/n), or pass each shard once")
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
