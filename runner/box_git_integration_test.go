package runner_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/runner/engine"
)

// TestBoxGit: the box image's git works for every user with no setup,
// as the git labs and labs/README.md promise: commits get the system
// identity, a new repository starts on main, and a repository root made
// is used by another user (no "dubious ownership" refusal).
func TestBoxGit(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env := dockertest.StartLab(t, ctx, d, scriptBoxLab())
	box := env.Session.Service("box")
	run := func(t *testing.T, user, script string) string {
		t.Helper()
		res, err := box.Exec(ctx, []string{"/bin/sh", "-c", script}, engine.ExecOptions{User: user})
		if err != nil {
			t.Fatal(err)
		}
		if res.ExitCode != 0 {
			t.Fatalf("as %s: %s: exit %d: %s", user, script, res.ExitCode, res.Stderr)
		}
		return strings.TrimSpace(res.Stdout)
	}
	run(t, "root", "cd /srv/one && git init -q && echo a >a && git add a && git commit -q -m first && chmod -R a+rwX /srv/one")
	tests := []struct {
		name, user, script, want string
	}{
		{"root's commit has the system identity", "root", "git -C /srv/one log -1 --format='%an <%ae>'", "Lab Learner <learner@lab.invalid>"},
		{"a new repository starts on main", "root", "git -C /srv/one symbolic-ref --short HEAD", "main"},
		{"another user reads root's repository", "nobody", "git -C /srv/one log -1 --format=%s", "first"},
		{"and commits to it as the system identity", "nobody",
			"cd /srv/one && echo b >>a && git commit -q -am second && git log -1 --format='%an %s'", "Lab Learner second"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := run(t, tt.user, tt.script); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
