package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// checkVerdicts reads a batch's results index (index.json of `lab grade
// --format json`) and checks that it holds one result per submission of
// the n, every "-ok-" one passed and every "-wrong-" one failed. Any
// other status (an error included: a right submission that errored got
// no grade) is a wrong verdict, and the error names the first ones.
func checkVerdicts(index []byte, n int) error {
	var res struct {
		Submissions []struct {
			Submission string `json:"submission"`
			Status     string `json:"status"`
			Message    string `json:"message"`
			Checks     []struct {
				Name       string  `json:"name"`
				Status     string  `json:"status"`
				Message    string  `json:"message"`
				DurationMS float64 `json:"duration_ms"`
			} `json:"checks"`
		} `json:"submissions"`
	}
	if err := json.Unmarshal(index, &res); err != nil {
		return fmt.Errorf("read index.json: %w", err)
	}
	if len(res.Submissions) != n {
		return fmt.Errorf("%d results for %d submissions", len(res.Submissions), n)
	}
	want := map[string]int{}
	got := map[string]int{}
	var wrong []string
	for _, s := range res.Submissions {
		w := "pass"
		switch {
		case strings.Contains(s.Submission, "-wrong-"):
			w = "fail"
		case !strings.Contains(s.Submission, "-ok-"):
			return fmt.Errorf("result for %q, which the bench did not write", s.Submission)
		}
		want[w]++
		got[s.Status]++
		if s.Status != w {
			why := []string{}
			if m := firstLine(s.Message); m != "" {
				why = append(why, m)
			}
			for _, c := range s.Checks {
				if c.Status != "pass" && c.Status != "skip" {
					why = append(why, fmt.Sprintf("%s %s after %.0f ms: %s", c.Name, c.Status, c.DurationMS, firstLine(c.Message)))
				}
			}
			msg := fmt.Sprintf("%s: %s, want %s", s.Submission, s.Status, w)
			if len(why) > 0 {
				msg += " (" + strings.Join(why, "; ") + ")"
			}
			wrong = append(wrong, msg)
		}
	}
	if len(wrong) == 0 {
		return nil
	}
	sort.Strings(wrong)
	return fmt.Errorf("WRONG VERDICTS: %d of %d submissions (want %d pass / %d fail, got %s): %s",
		len(wrong), n, want["pass"], want["fail"], counts(got), strings.Join(wrong[:min(3, len(wrong))], "; "))
}

// counts renders status counts as "68 pass / 30 fail / 2 error", in a
// fixed order.
func counts(c map[string]int) string {
	var parts []string
	for _, s := range []string{"pass", "fail", "error"} {
		if c[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c[s], s))
		}
	}
	for _, s := range sortedKeys(c) {
		if s != "pass" && s != "fail" && s != "error" {
			parts = append(parts, fmt.Sprintf("%d %s", c[s], s))
		}
	}
	return strings.Join(parts, " / ")
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
