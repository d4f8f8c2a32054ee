package runner_test

import (
	"context"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// TestLinuxPermissionsAnyCorrectSolution grades correct solutions of the
// bundled linux-permissions lab that differ from the reference: the access
// checks judge what users can do, not how the modes were written.
func TestLinuxPermissionsAnyCorrectSolution(t *testing.T) {
	d := dockertest.Driver(t)
	all, err := labs.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	var lab *labs.Lab
	for _, l := range all {
		if l.ID == "linux-permissions" {
			lab = l
		}
	}
	if lab == nil {
		t.Fatal("no bundled lab linux-permissions")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env := dockertest.StartLab(t, ctx, d, lab)

	solutions := []struct {
		name   string
		needs  string // a command the box must have
		script string
	}{
		{
			name:  "ACLs instead of world-readable modes",
			needs: "setfacl",
			script: `set -e
groupadd deploy
gpasswd -M alice,bob deploy
chown -R root:deploy /srv/site
chmod -R u=rwX,g=rwX,o= /srv/site
setfacl -R -m u:web:rX /srv/site
chown root:deploy /srv/logs
chmod 3770 /srv/logs
chown -R alice:alice /srv/secret
chmod 0700 /srv/secret
chmod 0400 /srv/secret/api-key
`,
		},
		{
			name: "alice owns the site, bash and symbolic modes",
			script: `#!/bin/bash
set -euo pipefail
groupadd --users alice,bob deploy
chown -R alice:deploy /srv/site
chmod -R u+rwX,g+rwX,o+rX /srv/site
install -d -o alice -g deploy -m 2775 /srv/logs
chmod o-rx /srv/logs
chown alice /srv/secret/api-key
chmod go-rwx /srv/secret/api-key
chmod 0755 /srv/secret
`,
		},
	}
	for _, s := range solutions {
		t.Run(s.name, func(t *testing.T) {
			if s.needs != "" {
				res, err := env.Session.Service("box").Exec(ctx, []string{"sh", "-c", "command -v " + s.needs}, engine.ExecOptions{})
				if err != nil || res.ExitCode != 0 {
					t.Skipf("the box image has no %s", s.needs)
				}
			}
			rep, err := env.Check(ctx, runner.Submission{"solution.sh": s.script}, runner.CheckOptions{Name: s.name})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rep.Results {
				if r.Status != checks.Pass {
					t.Errorf("%s: %s %s", r.Name, r.Status, r.Message)
				}
			}
		})
	}
}
