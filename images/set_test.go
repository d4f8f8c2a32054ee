package images

import (
	"archive/tar"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
)

// TestTags: every image has a tag of its version and a 12-digit hash, the
// tags differ, and the reference is registry/name:tag.
func TestTags(t *testing.T) {
	seen := map[string]string{}
	tagRE := regexp.MustCompile(`^[0-9a-z.]+-[0-9a-f]{12}$`)
	for _, img := range All() {
		tag := img.Tag()
		if !tagRE.MatchString(tag) || !strings.HasPrefix(tag, img.Version+"-") {
			t.Errorf("%s: tag %q", img.Name, tag)
		}
		if other, dup := seen[img.Hash()]; dup {
			t.Errorf("%s and %s have one context hash", img.Name, other)
		}
		seen[img.Hash()] = img.Name
		if got, want := img.Ref(""), "ghcr.io/labrunner/"+img.Name+":"+tag; got != want {
			t.Errorf("Ref(\"\") = %q, want %q", got, want)
		}
		if got, want := img.Ref("127.0.0.1:5000/class/"), "127.0.0.1:5000/class/"+img.Name+":"+tag; got != want {
			t.Errorf("Ref(local) = %q, want %q", got, want)
		}
		if got, ok := Lookup(img.Name); !ok || got != img {
			t.Errorf("Lookup(%q) = %v, %v", img.Name, got, ok)
		}
	}
	if _, ok := Lookup("official"); ok {
		t.Error("Lookup found an image that is not in the set")
	}
}

// TestContext: the tar stream holds the image's folder, Dockerfile first
// among equals, builds FROM the BASE argument defaulting to BaseImage, and
// leaves test files out.
func TestContext(t *testing.T) {
	for _, img := range All() {
		r, err := img.Context()
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(r)
		var names []string
		var dockerfile string
		for {
			hdr, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, hdr.Name)
			if hdr.Name == "Dockerfile" {
				b, _ := io.ReadAll(tr)
				dockerfile = string(b)
			}
			if strings.HasSuffix(hdr.Name, "_test.go") || strings.Contains(hdr.Name, "/") {
				t.Errorf("%s: context holds %s", img.Name, hdr.Name)
			}
		}
		if !strings.Contains(dockerfile, "ARG BASE="+BaseImage+"\n") || !strings.Contains(dockerfile, "FROM ${BASE}") {
			t.Errorf("%s: Dockerfile does not build FROM ${BASE} (default %s); files %v", img.Name, BaseImage, names)
		}
	}
	if !strings.Contains(strings.Join(mustNames(t, Backend), " "), "main.go") {
		t.Error("backend's context lacks the main.go its Dockerfile compiles")
	}
}

func mustNames(t *testing.T, img Image) []string {
	files, err := img.files()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		out = append(out, f.name)
	}
	return out
}

func TestParsePolicy(t *testing.T) {
	for in, want := range map[string]Policy{"": PullMissing, "missing": PullMissing, "never": PullNever, "always": PullAlways} {
		if got, err := ParsePolicy(in); err != nil || got != want {
			t.Errorf("ParsePolicy(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParsePolicy("sometimes"); err == nil || !strings.Contains(err.Error(), "missing, never or always") {
		t.Errorf("ParsePolicy(sometimes): %v", err)
	}
}

// TestPullProblem: each way a pull fails gets its own sentence, and only
// the transient ones are retried.
func TestPullProblem(t *testing.T) {
	ref := "ghcr.io/labrunner/postgres:15-0123456789ab"
	cases := []struct {
		err   string
		want  string
		retry bool
	}{
		{"toomanyrequests: You have reached your pull rate limit", "rate-limiting", false},
		{"Error response from daemon: Head \"https://ghcr.io/v2/labrunner/postgres/manifests/x\": unauthorized", "refused the pull (unauthorized); run `docker login ghcr.io`", false},
		{"manifest unknown", "has no image " + ref, false},
		{"Get \"https://ghcr.io/v2/\": dial tcp: lookup ghcr.io on 10.0.0.2:53: no such host", "cannot be reached (offline", false},
		{"received unexpected HTTP status: 503 Service Unavailable", "pull from ghcr.io failed: received unexpected HTTP status: 503", true},
	}
	for _, c := range cases {
		err := errors.New(c.err)
		if got := pullProblem(ref, err); !strings.Contains(got, c.want) {
			t.Errorf("%q: %q, want it to say %q", c.err, got, c.want)
		}
		if got := retryable(err); got != c.retry {
			t.Errorf("%q: retryable %v, want %v", c.err, got, c.retry)
		}
	}
	if got := registryOf("redis:7"); got != "Docker Hub" {
		t.Errorf("registryOf(redis:7) = %q", got)
	}
	if got := registryOf("127.0.0.1:5000/x/redis:7"); got != "127.0.0.1:5000" {
		t.Errorf("registryOf(local) = %q", got)
	}
}

// TestProgressPiped: piped, a fetch is one line per image when it ends,
// plus one for a fallback; bars are never drawn.
func TestProgressPiped(t *testing.T) {
	var sb strings.Builder
	p := NewProgress(&sb, false)
	wants := []Want{{Ref: "r/postgres:15-a"}, {Ref: "r/redis:7-b"}}
	p.begin(wants)
	b := p.bar("r/postgres:15-a")
	b.set(50, 100)
	b.done("pulled (100 B)")
	r := p.bar("r/redis:7-b")
	r.note("r cannot be reached; building it from the embedded Dockerfile")
	r.fail("build failed")
	p.end()
	out := sb.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || lines[0] != "fetching 2 images: postgres:15-a, redis:7-b" ||
		!strings.HasPrefix(lines[1], "  ✓ r/postgres:15-a pulled (100 B) in ") ||
		!strings.Contains(lines[2], "building it from the embedded Dockerfile") ||
		!strings.HasPrefix(lines[3], "  ✗ r/redis:7-b build failed in ") || strings.Contains(out, "\x1b[") {
		t.Errorf("piped progress:\n%s", out)
	}
	var nilP *Progress
	nilP.begin(wants)
	nilP.bar("x").done("silent") // a nil Progress is silent, not a panic
}

// TestProgressTTY: on a terminal every bar is redrawn in place with its
// sizes.
func TestProgressTTY(t *testing.T) {
	var sb strings.Builder
	p := NewProgress(&sb, true)
	p.begin([]Want{{Ref: "r/postgres:15-a"}})
	b := p.bar("r/postgres:15-a")
	b.done("pulled")
	c := p.bar("r/redis:7-b")
	p.mu.Lock()
	c.cur, c.total = 45_000_000, 90_000_000
	p.redraw(true)
	p.mu.Unlock()
	out := sb.String()
	if !strings.Contains(out, "\x1b[1A") || !strings.Contains(out, "[============            ] 45.0 MB / 90.0 MB") ||
		!strings.Contains(out, "postgres:15-a ✓ pulled") {
		t.Errorf("tty progress: %q", out)
	}
}
