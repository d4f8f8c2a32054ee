package runner_test

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// nginxPoisoners are configurations of nginx-reverse-proxy that leave
// something behind in the nginx container: nginx's master runs as root
// and creates or appends to any file a log directive names, and creates
// any folder a temporary or cache path names.
var nginxPoisoners = []struct{ name, conf string }{
	// The checks' requests append "10.9.9.9 app1 app2" to /etc/hosts,
	// which nginx reads before the engine's DNS: a worker that kept it
	// would proxy every later submission to nowhere.
	{"names of the backends in /etc/hosts", `log_format hosts '10.9.9.9 app1 app2';
server {
    listen 80;
    access_log /etc/hosts hosts;
    access_log /etc/resolv.conf hosts;
    access_log /etc/nsswitch.conf hosts;
    root /srv/site;
    location /api/ { proxy_pass http://app1:8080; }
}
`},
	{"the site's files and nginx's own", `log_format junk 'junk;';
server {
    listen 80;
    access_log /srv/site/index.html junk;
    access_log /etc/nginx/mime.types junk;
    access_log /etc/nginx/nginx.conf junk;
    root /srv/site;
    location /api/ { proxy_pass http://app1:8080; }
}
`},
	{"folders for temporary and cached files", `proxy_cache_path /srv/site/cache levels=1 keys_zone=poison:1m;
server {
    listen 80;
    client_body_temp_path /srv/site/body;
    proxy_temp_path /etc/nginx/conf.d/tmp;
    root /srv/site;
    location /api/ { proxy_cache poison; proxy_cache_valid any 1d; proxy_cache_key $uri; proxy_pass http://app1:8080; }
}
`},
	{"a config that does not load", "server {\n    listen 80;\n    access_log /etc/hosts;\n    return 200 'x'\n}\n"},
}

// TestNginxHostileNeighbour: in one shared batch (a set of services per
// worker, reset between submissions), configurations that poison the
// nginx container come first, then correct ones on the same workers and
// alongside: every correct one passes.
func TestNginxHostileNeighbour(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	lab := labOfItsOwn(t, "nginx-reverse-proxy")
	correct := correctFiles(t, lab, "site.conf")
	var batch []runner.Entry
	n := 0
	for _, p := range nginxPoisoners {
		batch = append(batch, runner.Entry{Name: "poison: " + p.name, Files: runner.Submission{"site.conf": p.conf}})
		for range 3 {
			batch = append(batch, runner.Entry{Name: fmt.Sprintf("correct %d", n), Files: runner.Submission{"site.conf": correct[n%len(correct)]}})
			n++
		}
	}
	gradeHostileBatch(t, ctx, d, lab, batch, 2)
}

// TestNginxRateLimitNeighbour: a limiter's counts do not outlive its
// submission: one that shares its zone's name with the reference (one
// bucket for every client, and a slow rate) and used it up, then correct
// ones on the same workers, which must each find a full burst.
func TestNginxRateLimitNeighbour(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	lab := labOfItsOwn(t, "nginx-rate-limit")
	correct := correctFiles(t, lab, "site.conf")
	poison := strings.Replace(correct[0], "limit_req_zone $binary_remote_addr zone=login:10m rate=1r/s;", "limit_req_zone $server_name zone=login:10m rate=1r/m;", 1)
	if poison == correct[0] {
		t.Fatal("the reference no longer has the zone this test replaces")
	}
	var batch []runner.Entry
	for i := range 2 {
		batch = append(batch, runner.Entry{Name: fmt.Sprintf("poison: one slow bucket %d", i), Files: runner.Submission{"site.conf": poison}})
		for j := range 2 {
			batch = append(batch, runner.Entry{Name: fmt.Sprintf("correct %d.%d", i, j), Files: runner.Submission{"site.conf": correct[(i+j)%len(correct)]}})
		}
	}
	gradeHostileBatch(t, ctx, d, lab, batch, 2)
}

// labOfItsOwn is a copy of the bundled lab with an id of this test's
// own, so that what it leaves is found by its label alone.
func labOfItsOwn(t *testing.T, id string) *labs.Lab {
	t.Helper()
	copied := *bundledLab(t, id)
	copied.ID = fmt.Sprintf("%s-%d", id, time.Now().UnixNano()%1e6)
	return &copied
}

// correctFiles reads file of the lab's reference solution and of each of
// its alternatives.
func correctFiles(t *testing.T, lab *labs.Lab, file string) []string {
	t.Helper()
	dirs := []string{"solution"}
	alts, _ := fs.ReadDir(lab.FS(), "alternatives")
	for _, a := range alts {
		dirs = append(dirs, "alternatives/"+a.Name())
	}
	var out []string
	for _, dir := range dirs {
		b, err := fs.ReadFile(lab.FS(), dir+"/"+file)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// gradeHostileBatch grades batch with jobs workers on shared services
// and fails the test unless every submission named "correct …" passes,
// no "poison: …" one passes or errors, and nothing is left running.
func gradeHostileBatch(t *testing.T, ctx context.Context, d *runner.Driver, lab *labs.Lab, batch []runner.Entry, jobs int) {
	t.Helper()
	reports, err := d.GradeBatch(ctx, lab, batch, runner.BatchOptions{Jobs: jobs, Isolation: runner.IsolationShared, Deadline: 2 * time.Minute})
	dockertest.NoLeftovers(t, d, engine.LabelLab+"="+lab.ID, "the batch")
	if err != nil {
		t.Fatal(err)
	}
	for _, rep := range reports {
		switch {
		case strings.HasPrefix(rep.Submission, "correct"):
			if rep.Status != checks.Pass {
				t.Errorf("%s: %s %s %s", rep.Submission, rep.Status, statuses(&rep), rep.Message+messages(&rep))
			}
		default:
			t.Logf("%s: %s %s", rep.Submission, rep.Status, messages(&rep))
			if rep.Status == checks.Pass || rep.Status == checks.Error {
				t.Errorf("%s: %s %s", rep.Submission, rep.Status, rep.Message+messages(&rep))
			}
		}
	}
}
