package cli

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
)

// catalogTest is a temporary catalog holding copies of labs/testdata/demo,
// and the environment commands see.
type catalogTest struct {
	t   *testing.T
	dir string
	env map[string]string
}

// newCatalogTest returns a catalog with the demo lab under each of ids.
func newCatalogTest(t *testing.T, ids ...string) *catalogTest {
	t.Helper()
	c := &catalogTest{t: t, dir: filepath.Join(t.TempDir(), "catalog"), env: map[string]string{"LAB_STATE_DIR": t.TempDir()}}
	for _, id := range ids {
		c.addDemo(id)
	}
	return c
}

// addDemo copies the demo lab into the catalog as lab id.
func (c *catalogTest) addDemo(id string) {
	c.t.Helper()
	src := filepath.Join("..", "..", "..", "labs", "testdata", "demo")
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		dst := filepath.Join(c.dir, id, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if rel == labs.FileName {
			b = bytes.Replace(b, []byte("id: demo"), []byte("id: "+id), 1)
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		c.t.Fatal(err)
	}
}

// write writes a file of the catalog.
func (c *catalogTest) write(rel, content string) {
	c.t.Helper()
	p := filepath.Join(c.dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		c.t.Fatal(err)
	}
}

// run runs lab with args and returns stdout, stderr and the exit code.
// tty makes stdout a terminal; colour then follows NO_COLOR.
func (c *catalogTest) run(tty bool, args ...string) (string, string, int) {
	c.t.Helper()
	io, out, errOut := TestStreams()
	io.OutTTY = tty
	deps := &Deps{IO: io, Getenv: func(k string) string { return c.env[k] }}
	code := Main(context.Background(), args, deps)
	return out.String(), errOut.String(), code
}

// TestKindsMatchRunner: the service kinds lab.yaml accepts are the kinds
// the runner can start.
func TestKindsMatchRunner(t *testing.T) {
	var want []string
	for _, k := range runner.Kinds() {
		want = append(want, string(k))
	}
	if got := labs.Kinds(); !slices.Equal(got, want) {
		t.Errorf("labs.Kinds() = %v, runner.Kinds() = %v", got, want)
	}
}

// TestLanguagesMatchRunner keeps the two language tables, labs' (names,
// extensions) and runner's (images, builds), to the same languages.
func TestLanguagesMatchRunner(t *testing.T) {
	got := slices.Sorted(slices.Values(labs.LanguageNames()))
	if want := runner.RuntimeLanguages(); !slices.Equal(got, want) {
		t.Errorf("labs.LanguageNames() = %v, runner.RuntimeLanguages() = %v", got, want)
	}
}

func TestShortDuration(t *testing.T) {
	for in, want := range map[string]string{"15m0s": "15m", "1h30m0s": "1h30m", "2h0m0s": "2h", "45s": "45s", "1m30s": "1m30s"} {
		d, err := time.ParseDuration(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%s) = %q, want %q", in, got, want)
		}
	}
}

// outputLines splits command output into lines.
func outputLines(s string) []string { return strings.Split(strings.TrimRight(s, "\n"), "\n") }
