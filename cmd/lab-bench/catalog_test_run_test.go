package main

import (
	"strings"
	"testing"
	"time"
)

func TestProvenTimes(t *testing.T) {
	tests := []struct {
		name    string
		stdout  string
		want    map[string]time.Duration
		wantErr string
	}{
		{"all proven", "✓ sql-join (4.213s)\n    ✓ solution pass (8/8)\n    ✗ not a lab line\n✓ nginx-static (1m2.5s)\n2 labs: 2 proven, 0 wrong, 0 could not run\n",
			map[string]time.Duration{"sql-join": 4213 * time.Millisecond, "nginx-static": 62500 * time.Millisecond}, ""},
		{"a wrong lab", "✓ sql-join (4.2s)\n✗ nginx-static (3s)\n    ✓ solution pass (6/6)\n    ✗ wrong/default-404: passed custom-404\n✓ sql-index (1s)\n    ✗ not of the wrong lab\n", nil,
			"lab test: nginx-static is wrong; nginx-static: wrong/default-404: passed custom-404"},
		{"a lab that could not run", "! redis-cache-aside: start cache: no image\n", nil, "redis-cache-aside: start cache: no image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := provenTimes(tt.stdout)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Errorf("= %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
		})
	}
}

func TestWithShares(t *testing.T) {
	results := []result{
		{row: row{op: "lab test"}, labrunner: []float64{50}},
		{row: row{op: "a", share: catalogShare}, labrunner: []float64{30}},
		{row: row{op: "b", share: catalogShare, note: "slow"}, labrunner: []float64{10}},
		{row: row{op: "c", share: catalogShare}}, // not measured
	}
	got := withShares(results)
	wantNotes := []string{"", "75% of the labs' summed time", "25% of the labs' summed time; slow", ""}
	for i, w := range wantNotes {
		if got[i].row.note != w {
			t.Errorf("row %s note %q, want %q", got[i].row.op, got[i].row.note, w)
		}
	}
	if results[1].row.note != "" {
		t.Error("withShares changed its input")
	}
}
