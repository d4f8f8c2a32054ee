package main

import (
	"fmt"
	"math"
	"slices"
)

// summary describes the samples of one side of one row.
type summary struct {
	Median  float64   `json:"median"`
	Min     float64   `json:"min"`
	Max     float64   `json:"max"`
	P25     float64   `json:"p25"`
	P75     float64   `json:"p75"`
	Samples []float64 `json:"samples"`
}

// summarize returns the summary of xs, or nil when xs is empty.
func summarize(xs []float64) *summary {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return &summary{
		Median:  quantile(s, 0.5),
		Min:     s[0],
		Max:     s[len(s)-1],
		P25:     quantile(s, 0.25),
		P75:     quantile(s, 0.75),
		Samples: xs,
	}
}

// quantile returns the q-quantile of sorted, interpolating linearly
// between the two nearest samples.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return sorted[lo] + (sorted[hi]-sorted[lo])*(pos-float64(lo))
}

// ratio returns labrunner's median over the reference's, or 0 when either
// is missing.
func ratio(lab, ref *summary) float64 {
	if lab == nil || ref == nil || ref.Median == 0 {
		return 0
	}
	return lab.Median / ref.Median
}

// withShares returns results with the note of every row of a share group
// (row.share) starting with its median's share of the group's summed
// medians: "31% of the summed time of the catalog's labs; …".
func withShares(results []result) []result {
	sums := map[string]float64{}
	for _, r := range results {
		if s := summarize(r.labrunner); r.row.share != "" && s != nil {
			sums[r.row.share] += s.Median
		}
	}
	out := slices.Clone(results)
	for i, r := range out {
		s := summarize(r.labrunner)
		if r.row.share == "" || s == nil || sums[r.row.share] == 0 {
			continue
		}
		note := fmt.Sprintf("%.0f%% of %s", 100*s.Median/sums[r.row.share], r.row.share)
		if r.row.note != "" {
			note += "; " + r.row.note
		}
		out[i].row.note = note
	}
	return out
}
