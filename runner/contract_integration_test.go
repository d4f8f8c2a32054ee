package runner_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
	"github.com/labrunner/labrunner/runner/engine"
)

// bundledLab returns the bundled lab id.
func bundledLab(t *testing.T, id string) *labs.Lab {
	t.Helper()
	all, err := labs.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all {
		if l.ID == id {
			return l
		}
	}
	t.Fatalf("no bundled lab %s", id)
	return nil
}

// ownImage returns the ref of labrunner's image of kind, built if missing.
func ownImage(t *testing.T, ctx context.Context, d *runner.Driver, kind runner.Kind) string {
	t.Helper()
	ref := d.Config().Image(kind)
	if ok, err := d.ImagePresent(ctx, ref); err != nil {
		t.Fatal(err)
	} else if !ok {
		if _, err := d.BuildImages(ctx, kind); err != nil {
			t.Fatalf("build %s: %v", ref, err)
		}
	}
	return ref
}

// contractFiles lists the passes cached under cache.
func contractFiles(t *testing.T, cache string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(cache, "labrunner", "contracts"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestHandSetImageLacksContract sets labrunner's box image as the nginx
// image: starting nginx-static fails before any service starts, with an
// exit-3 error that names what the box lacks and where it was set, and
// leaves no container behind; the failure is not cached.
func TestHandSetImageLacksContract(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	box := ownImage(t, ctx, dockertest.Driver(t), labs.KindBox)
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("LAB_IMAGE_NGINX", box)
	d := dockertest.Driver(t)
	lab := bundledLab(t, "nginx-static")

	start := time.Now()
	env, err := d.StartLab(ctx, lab)
	if err == nil {
		env.Close(ctx)
		t.Fatal("StartLab with the box image as nginx's succeeded")
	}
	t.Logf("failed in %s: %v", time.Since(start).Round(time.Millisecond), err)
	var ee *runner.EnvError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Errorf("error %T is not an environment error (exit 3)", err)
	}
	var ce *runner.ContractError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not a ContractError", err)
	}
	for _, want := range []string{
		"image LAB_IMAGE_NGINX=" + box + " for nginx lacks what labrunner needs: ",
		"command nginx", "path /etc/nginx/conf.d",
		"unset LAB_IMAGE_NGINX to use labrunner's",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	// The box has the tools of nginx's scripts; only nginx is missing.
	if got := ce.Lacks.String(); got != "command nginx, path /etc/nginx/conf.d" {
		t.Errorf("lacks %q", got)
	}
	if files := contractFiles(t, cache); len(files) != 0 {
		t.Errorf("a failed check was cached: %v", files)
	}
	dockertest.NoLeftovers(t, d, engine.LabelPID+"="+strconv.Itoa(os.Getpid()), "the failed start")
}

// TestHandSetOwnImagePasses sets labrunner's own nginx image by hand: it is
// checked, passes, and the pass is cached; the lab starts.
func TestHandSetOwnImagePasses(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	nginx := ownImage(t, ctx, dockertest.Driver(t), labs.KindNginx)
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("LAB_IMAGE_NGINX", nginx)
	d := dockertest.Driver(t)
	if !d.Config().HandSet(labs.KindNginx) {
		t.Fatal("LAB_IMAGE_NGINX is not taken as set by hand")
	}
	dockertest.StartLab(t, ctx, d, bundledLab(t, "nginx-static"))
	if files := contractFiles(t, cache); len(files) != 1 {
		t.Errorf("cached passes %v, want the nginx image's", files)
	}
}

// TestOwnImagesMeetContracts checks each of labrunner's images against its
// kind's requirements: the lists must hold for the images every test runs
// on. The box image, Debian with the usual tools and a nobody user, lacks
// only the runtime's python3.
func TestOwnImagesMeetContracts(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	d := dockertest.Driver(t)
	for _, kind := range runner.Kinds() {
		t.Run(kind, func(t *testing.T) {
			lacks, err := d.CheckImage(ctx, kind, ownImage(t, ctx, d, kind))
			if err != nil {
				t.Fatal(err)
			}
			if !lacks.OK() {
				t.Errorf("labrunner's %s image lacks %s", kind, lacks)
			}
		})
	}
	t.Run("box as runtime", func(t *testing.T) {
		lacks, err := d.CheckImage(ctx, labs.KindRuntime, ownImage(t, ctx, d, labs.KindBox))
		if err != nil {
			t.Fatal(err)
		}
		if got := lacks.String(); got != "command python3" {
			t.Errorf("lacks %q, want command python3", got)
		}
	})
	dockertest.NoLeftovers(t, d, engine.LabelLab+"=image check", "the checks")
}

// TestImageWithoutShell checks an image of one file, without /bin/sh.
func TestImageWithoutShell(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d := dockertest.Driver(t)
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	tw.WriteHeader(&tar.Header{Name: "hello.txt", Mode: 0o644, Size: 3})
	tw.Write([]byte("hi\n"))
	tw.Close()
	const ref = "labrunner-test/no-shell:1"
	rc, err := d.Client().ImageImport(ctx, client.ImageImportSource{Source: &b, SourceName: "-"}, ref, client.ImageImportOptions{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	io.Copy(io.Discard, rc)
	rc.Close()
	t.Cleanup(func() {
		d.Client().ImageRemove(context.Background(), ref, client.ImageRemoveOptions{Force: true})
	})
	lacks, err := d.CheckImage(ctx, labs.KindRedis, ref)
	if err != nil {
		t.Fatal(err)
	}
	if !lacks.NoShell {
		t.Errorf("lacks %q, want no /bin/sh", lacks)
	}
	dockertest.NoLeftovers(t, d, engine.LabelLab+"=image check", "the check")
}
