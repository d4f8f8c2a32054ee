package cli

import (
	"testing"

	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/labs"
)

func testTracks() *labs.Tracks {
	return &labs.Tracks{
		Tracks: []*labs.Track{
			{ID: "sql", Title: "SQL", Labs: []string{"sql-join", "sql-union", "sql-window"}},
			{ID: "redis", Title: "Redis", Labs: []string{"redis-cache-aside", "redis-rate-limit"}},
		},
		Requires: map[string][]string{"redis-cache-aside": {"sql-join"}, "sql-window": {"sql-aggregate"}, "sql-aggregate": {"sql-join"}},
	}
}

func progressOf(passed ...string) *workspace.Progress {
	p := &workspace.Progress{Labs: map[string]*workspace.LabProgress{}}
	for _, id := range passed {
		p.Labs[id] = &workspace.LabProgress{Passed: true}
	}
	return p
}

func TestPickNext(t *testing.T) {
	tests := []struct {
		name   string
		track  string
		passed []string
		want   nextPick
		done   bool
	}{
		{"first of the track", "sql", nil, nextPick{lab: "sql-join", track: "sql"}, false},
		{"skips passed labs", "sql", []string{"sql-join"}, nextPick{lab: "sql-union", track: "sql"}, false},
		{"a prerequisite outside the track comes first", "sql", []string{"sql-join", "sql-union"},
			nextPick{lab: "sql-aggregate", track: "sql", why: "sql-window needs sql-aggregate first"}, false},
		{"prerequisites of prerequisites", "redis", nil,
			nextPick{lab: "sql-join", track: "redis", why: "redis-cache-aside needs sql-join first"}, false},
		{"met prerequisites", "redis", []string{"sql-join"}, nextPick{lab: "redis-cache-aside", track: "redis"}, false},
		{"every lab passed", "redis", []string{"sql-join", "redis-cache-aside", "redis-rate-limit"}, nextPick{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := testTracks()
			got, ok := pickNext(tr, progressOf(tt.passed...), tr.Track(tt.track))
			if ok == tt.done || got != tt.want {
				t.Errorf("pickNext = %+v, %v; want %+v, %v", got, ok, tt.want, !tt.done)
			}
		})
	}
}

func TestPickTrack(t *testing.T) {
	tr := testTracks()
	p := progressOf()
	if got, err := pickTrack(tr, p, ""); err != nil || got.ID != "sql" {
		t.Errorf("no progress: %v, %v; want the first track", got, err)
	}
	p.Current = workspace.Current{Lab: "redis-rate-limit"}
	if got, err := pickTrack(tr, p, ""); err != nil || got.ID != "redis" {
		t.Errorf("last started by name: %v, %v; want its track", got, err)
	}
	p.Current = workspace.Current{Lab: "sql-join", Track: "redis"}
	if got, err := pickTrack(tr, p, ""); err != nil || got.ID != "redis" {
		t.Errorf("last started by lab next: %v, %v; want the track it walked", got, err)
	}
	if got, err := pickTrack(tr, p, "sql"); err != nil || got.ID != "sql" {
		t.Errorf("--track sql: %v, %v", got, err)
	}
	_, err := pickTrack(tr, p, "git")
	if err == nil || err.Error() != `no track "git" in this catalog; its tracks: sql, redis` {
		t.Errorf("--track git: %v", err)
	}
	if ExitCode(err) != ExitUsage {
		t.Errorf("an unknown track exits %d, want %d", ExitCode(err), ExitUsage)
	}
}
