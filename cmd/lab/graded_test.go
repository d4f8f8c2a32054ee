package main_test

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// graded is one submission of the results index, index.json, as `lab
// grade --format json --out DIR` writes it; Tests are its checks.
type graded struct {
	Submission string  `json:"submission"`
	Status     string  `json:"status"`
	Message    string  `json:"message"`
	DurationMS float64 `json:"duration_ms"`
	Tests      []struct {
		Name, Status, Message, Output string
	} `json:"checks"`
}

// messages joins the run's message and every test's name, status,
// message and output, for assertions and failure reports.
func (g graded) messages() string {
	all := g.Message
	for _, tc := range g.Tests {
		all += "\n" + tc.Name + ": " + tc.Status + ": " + tc.Message
		if tc.Output != "" {
			all += "\n" + tc.Output
		}
	}
	return all
}

// readGraded reads dir/index.json into submissions by name, keeping
// their order in the file too.
func readGraded(t *testing.T, dir string) (map[string]graded, []graded) {
	t.Helper()
	var doc struct {
		Submissions []graded `json:"submissions"`
	}
	if err := json.Unmarshal(mustRead(t, filepath.Join(dir, "index.json")), &doc); err != nil {
		t.Fatal(err)
	}
	byName := map[string]graded{}
	for _, s := range doc.Submissions {
		byName[s.Submission] = s
	}
	return byName, doc.Submissions
}
