package report

import (
	"sort"

	"github.com/labrunner/labrunner/checks"
)

// Merge combines the batches of sharded grading runs into one batch. A
// submission is identified by its lab and submission name; when several
// shards hold the same submission, the one from the later shard wins (a
// shard that was re-run is passed after the original), and within one
// shard the later report wins. The result is sorted by submission name,
// then lab, whatever the order of the shards' contents. The reports
// themselves are not copied deeply: the result shares their Results.
func Merge(shards ...[]checks.Report) []checks.Report {
	type key struct{ lab, submission string }
	index := map[key]int{}
	var out []checks.Report
	for _, shard := range shards {
		for _, r := range shard {
			k := key{r.Lab, r.Submission}
			if i, ok := index[k]; ok {
				out[i] = r
				continue
			}
			index[k] = len(out)
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Submission != out[j].Submission {
			return out[i].Submission < out[j].Submission
		}
		return out[i].Lab < out[j].Lab
	})
	return out
}
