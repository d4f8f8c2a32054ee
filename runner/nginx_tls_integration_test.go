package runner_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io/fs"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/runner"
)

// TestNginxHTTPS: nginx's port 443 is published beside port 80, found
// again by another process (AttachLab, as `lab check` after `lab start`)
// and after a restart, and the bundled nginx-tls lab's https checks reach
// it: the reference passes, the starter's closed port fails with a
// sentence, not an error.
func TestNginxHTTPS(t *testing.T) {
	d := dockertest.Driver(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	lab := bundledLab(t, "nginx-tls")
	env := dockertest.StartLab(t, ctx, d, lab)
	read := func(name string) string {
		b, err := fs.ReadFile(lab.FS(), name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	url := env.LearnerHTTPSURL("web")
	if !strings.HasPrefix(url, "https://") || url == "https://"+env.Session.Service("web").HostPort {
		t.Fatalf("LearnerHTTPSURL = %q, want https:// and a port of its own", url)
	}
	rep, err := env.Check(ctx, runner.Submission{"site.conf": read("solution/site.conf")}, runner.CheckOptions{Name: t.Name()})
	if err != nil || rep.Status != checks.Pass {
		t.Fatalf("the reference: %v %+v", err, rep)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(read("fixtures/tls/ca.pem")))
	get := func(t *testing.T, url string) {
		t.Helper()
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "shop.example"}}}
		resp, err := c.Get(url + "/")
		if err != nil {
			t.Fatalf("GET %s/: %v", url, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Strict-Transport-Security") == "" {
			t.Errorf("GET %s/ = %d %v", url, resp.StatusCode, resp.Header)
		}
	}
	get(t, url)

	t.Run("found again by another process", func(t *testing.T) {
		again, err := d.AttachLab(ctx, lab, env.Session.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := again.LearnerHTTPSURL("web"); got != url {
			t.Errorf("attached: LearnerHTTPSURL = %q, want %q", got, url)
		}
	})
	t.Run("after a restart", func(t *testing.T) {
		web := env.Session.Service("web")
		if err := web.Restart(ctx, ""); err != nil {
			t.Fatal(err)
		}
		after := env.LearnerHTTPSURL("web")
		if after == "" {
			t.Fatal("no HTTPS address after the restart")
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "shop.example"}}}
			resp, err := c.Get(after + "/")
			if err == nil {
				resp.Body.Close()
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("GET %s/ after the restart: %v", after, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	})
	t.Run("the starter fails, with a sentence", func(t *testing.T) {
		rep, err := env.Check(ctx, runner.Submission{"site.conf": read("starter/site.conf")}, runner.CheckOptions{Name: t.Name()})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rep.Results {
			if r.Name == "https-site" && (r.Status != checks.Fail || !strings.Contains(r.Message, "is the server listening with ssl on port 443")) {
				t.Errorf("https-site = %+v", r)
			}
		}
	})
}
