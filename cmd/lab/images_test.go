package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/images"
	"github.com/labrunner/labrunner/internal/dockertest"
)

// The tests of this file prove each way an image arrives — pulled from a
// registry, refused by --pull never, built from the embedded context when
// no registry answers, carried in a tarball — each under a registry path
// of its own, so that they touch neither the default ghcr.io/labrunner
// copies that other tests run on nor each other's.

// testRegistry returns the address of the local registry the tests push
// to ($LAB_TEST_REGISTRY, which scripts/test.sh sets from
// scripts/registry-up.sh). Without one the test skips loudly, and fails
// when CI=true.
func testRegistry(t *testing.T) string {
	t.Helper()
	addr := os.Getenv("LAB_TEST_REGISTRY")
	why := "LAB_TEST_REGISTRY is not set"
	if addr != "" {
		c := http.Client{Timeout: 5 * time.Second}
		resp, err := c.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return addr
			}
			err = fmt.Errorf("GET /v2/: %s", resp.Status)
		}
		why = fmt.Sprintf("no registry answers at LAB_TEST_REGISTRY=%s (%v)", addr, err)
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and %s; scripts/test.sh starts one with scripts/registry-up.sh", why)
	}
	t.Skipf("\n*** SKIPPING INTEGRATION TEST: %s.\n*** Run `export LAB_TEST_REGISTRY=$(scripts/registry-up.sh)`, or set CI=true to make this a failure.", why)
	return ""
}

// uniquePath is a registry path no other run or test uses: the test's
// name, this process and the time.
func uniquePath(t *testing.T) string {
	name := strings.ToLower(strings.TrimPrefix(t.Name(), "Test"))
	name = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, name)
	return fmt.Sprintf("labtest-%s-%d-%s", name, os.Getpid(), strconv.FormatInt(time.Now().UnixNano(), 36))
}

// isolatedEnv is the environment of a lab run that sees none of the
// developer's settings: a fresh HOME, no XDG folders, no LAB_* variables,
// then extra ("K=V").
func isolatedEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "HOME" || strings.HasPrefix(k, "XDG_") || strings.HasPrefix(k, "LAB_") || k == "NO_COLOR" {
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, "HOME="+t.TempDir(), "NO_COLOR=1"), extra...)
}

// runLab runs bin with args in dir and env, killed after timeout, and
// returns stdout, stderr and the exit code.
func runLab(t *testing.T, bin, dir string, env []string, timeout time.Duration, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.WaitDelay = 10 * time.Second
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("lab %s: killed after %s\n%s%s", strings.Join(args, " "), timeout, out.String(), errb.String())
	}
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run lab %v: %v", args, err)
	}
	t.Logf("lab %s: exit %d in %.1f s", strings.Join(args, " "), code, time.Since(start).Seconds())
	return out.String(), errb.String(), code
}

// removeRepoTags removes every local tag under registry path prefix (and
// nothing else: never the default registry's copies, which other tests
// run on). Removing a tag of an image that has others only untags it.
func removeRepoTags(t *testing.T, c *client.Client, prefix string) {
	t.Helper()
	if !strings.HasPrefix(prefix, "127.0.0.1:") || !strings.Contains(prefix, "/labtest-") {
		t.Fatalf("removeRepoTags %q: only the tests' own registry paths may be removed", prefix)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	list, err := c.ImageList(ctx, client.ImageListOptions{})
	if err != nil {
		t.Errorf("list images: %v", err)
		return
	}
	for _, img := range list.Items {
		for _, tag := range img.RepoTags {
			if !strings.HasPrefix(tag, prefix+"/") {
				continue
			}
			if _, err := c.ImageRemove(ctx, tag, client.ImageRemoveOptions{PruneChildren: true}); err != nil {
				t.Errorf("remove image %s: %v", tag, err)
			}
		}
	}
}

// deleteFromRegistry deletes the manifests of refs (host:port/path:tag)
// from the test registry, so that runs do not pile up repositories. It
// is best effort: a registry without deletes enabled keeps them.
func deleteFromRegistry(t *testing.T, refs []string) {
	t.Helper()
	c := http.Client{Timeout: 10 * time.Second}
	for _, ref := range refs {
		host, rest, _ := strings.Cut(ref, "/")
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			continue
		}
		url := "http://" + host + "/v2/" + rest[:i] + "/manifests/"
		req, _ := http.NewRequest(http.MethodHead, url+rest[i+1:], nil)
		req.Header.Set("Accept", "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json")
		resp, err := c.Do(req)
		if err != nil {
			t.Logf("registry cleanup of %s: %v", ref, err)
			continue
		}
		resp.Body.Close()
		digest := resp.Header.Get("Docker-Content-Digest")
		if digest == "" {
			continue
		}
		req, _ = http.NewRequest(http.MethodDelete, url+digest, nil)
		if resp, err = c.Do(req); err != nil {
			t.Logf("registry cleanup of %s: %v", ref, err)
			continue
		}
		resp.Body.Close()
	}
}

// pushSet pushes labrunner's image set to path with `lab images push`,
// removes the local tags the push made, and cleans up both when the test
// ends. It returns the pushed references.
func pushSet(t *testing.T, bin string, c *client.Client, path string) []string {
	t.Helper()
	var pushed []string
	t.Cleanup(func() {
		removeRepoTags(t, c, path)
		deleteFromRegistry(t, pushed)
	})
	// The default configuration: the pushed copies are the ghcr.io
	// names' images (made present first if missing).
	out, errOut, code := runLab(t, bin, t.TempDir(), isolatedEnv(t), 10*time.Minute, "images", "push", "--registry", path)
	pushed = strings.Fields(out)
	if code != 0 {
		t.Fatalf("images push: exit %d\n%s%s", code, out, errOut)
	}
	for _, img := range images.All() {
		if !strings.Contains(out, img.Ref(path)+"\n") {
			t.Errorf("images push does not report %s:\n%s", img.Ref(path), out)
		}
	}
	removeRepoTags(t, c, path)
	return pushed
}

// present reports whether ref is in the engine's image store.
func present(t *testing.T, c *client.Client, ref string) bool {
	t.Helper()
	_, ok, err := images.Size(context.Background(), c, ref)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestPullFromRegistry proves the pull path: with LAB_REGISTRY set to a
// registry holding the set and no local copy under that name, grading
// sql-join pulls its Postgres image (and does not build it), and passes.
func TestPullFromRegistry(t *testing.T) {
	d := dockertest.Driver(t)
	reg := testRegistry(t)
	bin := buildLab(t)
	path := reg + "/" + uniquePath(t)
	pushSet(t, bin, d.Client(), path)
	ref := images.Postgres.Ref(path)
	if present(t, d.Client(), ref) {
		t.Fatalf("%s is present before the pull", ref)
	}

	solution, err := filepath.Abs("../../labs/sql-join/solution")
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runLab(t, bin, t.TempDir(), isolatedEnv(t, "LAB_REGISTRY="+path), 5*time.Minute, "grade", "sql-join", solution)
	if code != 0 || !strings.Contains(out, "score 3/3") {
		t.Fatalf("grade: exit %d, want 0 and 3/3\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "✓ "+ref+" pulled") {
		t.Errorf("stderr does not say %s was pulled:\n%s", ref, errOut)
	}
	if strings.Contains(errOut, "build") {
		t.Errorf("stderr mentions building; the image was to be pulled:\n%s", errOut)
	}
	if !present(t, d.Client(), ref) {
		t.Errorf("%s is not present after the grade", ref)
	}
}

// TestPullNeverWithoutImage proves that --pull never fetches nothing: with
// LAB_REGISTRY at an empty path, grading exits 3 with the sentence that
// names --pull never and the missing image, and the image stays absent.
func TestPullNeverWithoutImage(t *testing.T) {
	d := dockertest.Driver(t)
	reg := os.Getenv("LAB_TEST_REGISTRY")
	if reg == "" {
		reg = "127.0.0.1:5000" // never contacted: --pull never fetches nothing
	}
	path := reg + "/" + uniquePath(t)
	t.Cleanup(func() { removeRepoTags(t, d.Client(), path) })
	ref := images.Postgres.Ref(path)

	solution, err := filepath.Abs("../../labs/sql-join/solution")
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runLab(t, buildLab(t), t.TempDir(), isolatedEnv(t, "LAB_REGISTRY="+path), 2*time.Minute, "grade", "sql-join", solution, "--pull", "never")
	if code != 3 {
		t.Errorf("grade --pull never: exit %d, want 3\n%s%s", code, out, errOut)
	}
	want := "image not present and --pull never forbids fetching it: " + ref + " (postgres)"
	if !strings.Contains(errOut, want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut)
	}
	if present(t, d.Client(), ref) {
		t.Errorf("--pull never made %s present", ref)
	}
}

// closedPort returns a port of 127.0.0.1 that nothing listens on: one the
// kernel just gave out and that was closed again.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// TestBuildWhenNoRegistryAnswers proves the build fallback: with
// LAB_REGISTRY on a port where no registry answers, `lab images pull` of a
// box lab says why the pull failed, builds the image from the embedded
// context (the engine's build cache makes it seconds), and exits 0.
func TestBuildWhenNoRegistryAnswers(t *testing.T) {
	d := dockertest.Driver(t)
	path := fmt.Sprintf("127.0.0.1:%d/%s", closedPort(t), uniquePath(t))
	t.Cleanup(func() { removeRepoTags(t, d.Client(), path) })
	ref := images.Box.Ref(path)

	out, errOut, code := runLab(t, buildLab(t), t.TempDir(), isolatedEnv(t, "LAB_REGISTRY="+path), 15*time.Minute, "images", "pull", "linux-permissions")
	if code != 0 {
		t.Fatalf("images pull: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		ref + ": 127.0.0.1:",
		"cannot be reached (offline, or blocked by a firewall or proxy); building it from the embedded Dockerfile",
		"✓ " + ref + " built",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	res, err := d.Client().ImageInspect(context.Background(), ref)
	if err != nil {
		t.Fatalf("%s after the build: %v", ref, err)
	}
	if got := res.Config.Labels["io.labrunner.context"]; got != images.Box.Hash() {
		t.Errorf("%s has context label %q, want the embedded context's hash %s", ref, got, images.Box.Hash())
	}
}

// TestImagesSaveLoad proves the classroom round trip: images pulled from a
// registry are written by `lab images save`, and after their tags are
// removed `lab images load` brings every one back, as `lab images list`
// then shows.
func TestImagesSaveLoad(t *testing.T) {
	d := dockertest.Driver(t)
	reg := testRegistry(t)
	bin := buildLab(t)
	c := d.Client()
	path := reg + "/" + uniquePath(t)
	pushSet(t, bin, c, path)
	env := isolatedEnv(t, "LAB_REGISTRY="+path)
	work := t.TempDir()

	_, errOut, code := runLab(t, bin, work, env, 5*time.Minute, "images", "pull")
	if code != 0 || strings.Count(errOut, " pulled (") != len(images.All()) || strings.Contains(errOut, "build") {
		t.Fatalf("images pull: exit %d, want 0 and %d images pulled, none built\n%s", code, len(images.All()), errOut)
	}
	file := filepath.Join(work, "images.tar")
	if _, errOut, code = runLab(t, bin, work, env, 5*time.Minute, "images", "save", file); code != 0 {
		t.Fatalf("images save: exit %d\n%s", code, errOut)
	}
	removeRepoTags(t, c, path)
	for _, img := range images.All() {
		if present(t, c, img.Ref(path)) {
			t.Fatalf("%s is still present after its tag was removed", img.Ref(path))
		}
	}

	out, errOut, code := runLab(t, bin, work, env, 5*time.Minute, "images", "load", file)
	if code != 0 {
		t.Fatalf("images load: exit %d\n%s%s", code, out, errOut)
	}
	for _, img := range images.All() {
		if !strings.Contains(out, img.Ref(path)+"\n") {
			t.Errorf("images load does not list %s:\n%s", img.Ref(path), out)
		}
	}
	out, errOut, code = runLab(t, bin, work, env, time.Minute, "images", "list", "--format", "json")
	if code != 0 {
		t.Fatalf("images list: exit %d\n%s", code, errOut)
	}
	var rows []struct {
		Kind, Ref string
		Present   bool
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("images list --format json: %v\n%s", err, out)
	}
	if len(rows) == 0 {
		t.Fatal("images list shows no images")
	}
	for _, r := range rows {
		if !strings.HasPrefix(r.Ref, path+"/") || !r.Present {
			t.Errorf("kind %s: %s present=%v, want present under %s", r.Kind, r.Ref, r.Present, path)
		}
	}
}

// TestImagesPrune: `lab images prune` removes the set's images whose tags
// are not the current ones (what an earlier lab left) and keeps the
// current ones and everything else.
func TestImagesPrune(t *testing.T) {
	d := dockertest.Driver(t)
	ctx := context.Background()
	c := d.Client()
	// Never contacted: prune works on local tags only.
	path := "127.0.0.1:5000/" + uniquePath(t)
	t.Cleanup(func() { removeRepoTags(t, c, path) })
	box := images.Box.Ref("")
	if !present(t, c, box) {
		t.Fatalf("%s is not present; make images provides it", box)
	}
	current := images.Box.Ref(path)
	old := strings.TrimSuffix(current, images.Box.Tag()) + images.Box.Version + "-000000000000"
	other := path + "/not-of-the-set:1"
	for _, target := range []string{current, old, other} {
		if _, err := c.ImageTag(ctx, client.ImageTagOptions{Source: box, Target: target}); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := runLab(t, buildLab(t), t.TempDir(), isolatedEnv(t, "LAB_REGISTRY="+path), time.Minute, "images", "prune")
	if code != 0 || strings.TrimSpace(out) != old || !strings.Contains(errOut, "removed 1 images") {
		t.Errorf("images prune: exit %d, stdout %q, stderr %q; want %s removed", code, out, errOut, old)
	}
	if present(t, c, old) || !present(t, c, current) || !present(t, c, other) || !present(t, c, box) {
		t.Errorf("after prune: old %v, current %v, other %v, default %v; want only the old one gone",
			present(t, c, old), present(t, c, current), present(t, c, other), present(t, c, box))
	}
}
