package runner_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// nginxLab is a small nginx lab built in Go: a static site, two backends,
// and the learner's site.conf.
func nginxLab() *labs.Lab {
	files := fstest.MapFS{
		"mini-web/site/index.html": {Data: []byte("<h1>seeded</h1>\n")},
	}
	str := func(s string) *string { return &s }
	lab := &labs.Lab{
		ID:  "mini-web",
		Dir: "mini-web",
		Services: map[string]*labs.Service{
			"web":  {Kind: "nginx", Files: []*labs.FileCopy{{Src: "site", Dst: "/srv/site"}}},
			"app1": {Kind: "backend", Env: map[string]string{"BACKEND_NAME": "app1"}},
			"app2": {Kind: "backend", Env: map[string]string{"BACKEND_NAME": "app2"}},
		},
		Submission: []*labs.SubmissionFile{{File: "site.conf", Apply: labs.ApplyNginxConfig, Service: "web"}},
		Checks: []*labs.CheckDef{
			{Name: "site", Type: "http", Service: "web", Points: 1, Reveal: true, Check: &checks.HTTP{
				HTTPRequest: checks.HTTPRequest{Path: "/"},
				Expect:      &checks.HTTPExpect{Status: 200, Body: &checks.HTTPBody{Contains: "seeded"}},
			}},
			{Name: "balanced", Type: "http", Service: "web", Points: 1, Reveal: true, Check: &checks.HTTP{Requests: []*checks.HTTPStep{{
				HTTPRequest: checks.HTTPRequest{Path: "/api/x"},
				Repeat:      4,
				Expect:      &checks.HTTPExpect{Status: 200, Body: &checks.HTTPBody{JSON: map[string]*checks.Match{"path": {Equals: str("/api/x")}}}},
				Distinct:    &checks.HTTPDistinct{JSON: "name"},
			}}}},
		},
	}
	lab.SetFS(files)
	return lab
}

const goodSiteConf = `upstream api {
    server app1:8080;
    server app2:8080;
}
server {
    listen 80;
    root /srv/site;
    location /api/ {
        proxy_pass http://api;
    }
}
`

func TestNginxLab(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	lab := nginxLab()
	env := dockertest.StartLab(t, ctx, d, lab)
	grade := func(t *testing.T, conf string) *checks.Report {
		t.Helper()
		rep, err := env.Check(ctx, runner.Submission{"site.conf": conf}, runner.CheckOptions{Name: t.Name()})
		if err != nil {
			t.Fatalf("check: %v", err)
		}
		return rep
	}
	get := func(t *testing.T, p string) string {
		t.Helper()
		resp, err := http.Get(runner.URL(env.Session.Service("web")) + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}

	t.Run("a correct config passes", func(t *testing.T) {
		start := time.Now()
		rep := grade(t, goodSiteConf)
		if rep.Status != checks.Pass {
			t.Fatalf("got %+v", rep.Results)
		}
		t.Logf("graded in %s", time.Since(start))
	})
	t.Run("a config that does not parse points at the learner's file and line", func(t *testing.T) {
		rep := grade(t, "server {\n    listen 80;\n    root /srv/site;\n    servr_name shop;\n}\n")
		r := rep.Results[0]
		if r.Name != "apply site.conf" || r.Status != checks.Fail || r.Message != `site.conf:4: unknown directive "servr_name"` {
			t.Errorf("got %+v", r)
		}
		// The default site still serves: the broken file was taken out.
		if body := get(t, "/"); !strings.Contains(body, "nginx") {
			t.Errorf("default site body = %q", body)
		}
	})
	t.Run("a whole nginx.conf gets a hint about the http block", func(t *testing.T) {
		rep := grade(t, "events {}\nhttp {\n  server { listen 80; }\n}\n")
		if r := rep.Results[0]; r.Status != checks.Fail || !strings.HasPrefix(r.Message, `site.conf:1: "events" directive is not allowed here (site.conf is included inside the http block`) {
			t.Errorf("got %+v", r)
		}
	})
	t.Run("one upstream fails the balance check", func(t *testing.T) {
		rep := grade(t, strings.Replace(goodSiteConf, "    server app2:8080;\n", "", 1))
		if r := rep.Results[1]; r.Status != checks.Fail || !strings.Contains(r.Message, `JSON field name took 1 different value(s) over 4 responses ("app1")`) {
			t.Errorf("got %+v", rep.Results)
		}
	})
	t.Run("reset restores the default site and the lab's files", func(t *testing.T) {
		grade(t, goodSiteConf)
		if _, err := env.Session.Service("web").Exec(ctx, []string{"sh", "-c", "echo edited > /srv/site/index.html"}, engine.ExecOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := env.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if body := get(t, "/"); !strings.Contains(body, "Welcome to nginx") {
			t.Errorf("after reset / = %q", body)
		}
		res, err := env.Session.Service("web").Exec(ctx, []string{"cat", "/srv/site/index.html"}, engine.ExecOptions{})
		if err != nil || res.Stdout != "<h1>seeded</h1>\n" {
			t.Errorf("index.html = %q, %v", res.Stdout, err)
		}
	})
	t.Run("live grades what runs, without applying", func(t *testing.T) {
		grade(t, goodSiteConf)
		rep, err := env.Check(ctx, runner.Submission{"site.conf": "broken {"}, runner.CheckOptions{Live: true})
		if err != nil || rep.Status != checks.Pass {
			t.Errorf("got %v %+v", err, rep)
		}
	})
}
