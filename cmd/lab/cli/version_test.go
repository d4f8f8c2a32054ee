package cli

import (
	"runtime/debug"
	"testing"
)

func TestVersionFromBuildInfo(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "dev"},
		{"go install at a tag", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, "v1.2.0"},
		{"go install at a commit", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261202000000-abcdef123456"}}, "v0.0.0-20261202000000-abcdef123456"},
		{"clone build", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("4e6b237a1b2c3d4e5f60718293a4b5c6d7e8f901", "false")}, "dev (commit 4e6b237a1b2c)"},
		{"clone build with changes", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("4e6b237a1b2c3d4e5f60718293a4b5c6d7e8f901", "true")}, "dev (commit 4e6b237a1b2c, modified)"},
		{"stamped clone build", &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0+dirty"}, Settings: vcs("4e6b237a1b2c3d4e5f60718293a4b5c6d7e8f901", "true")}, "v1.3.0+dirty (commit 4e6b237a1b2c, modified)"},
		{"pseudo-version made from the commit", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261202133511-4e6b237a1b2c+dirty"}, Settings: vcs("4e6b237a1b2c3d4e5f60718293a4b5c6d7e8f901", "true")}, "v0.0.0-20261202133511-4e6b237a1b2c+dirty"},
		{"no vcs", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionFromBuildInfo(tt.bi); got != tt.want {
				t.Errorf("versionFromBuildInfo = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVersionSetByLdflagsWins(t *testing.T) {
	if got := versionString("v9.9.9"); got != "v9.9.9" {
		t.Errorf("versionString(v9.9.9) = %q", got)
	}
}
