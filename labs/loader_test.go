package labs

import (
	"bytes"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/labrunner/labrunner/checks"
)

var update = flag.Bool("update", false, "rewrite the # want: lines of testdata and the golden files")

// wantPrefix starts the lines at the end of a testdata lab.yaml that hold
// the exact errors the loader must report, in order.
const wantPrefix = "# want: "

// demoFS returns the lab testdata/demo as folder "demo" of an in-memory
// FS, with lab.yaml replaced by labYAML unless it is nil. The demo's
// wrong/ folder is left out when labYAML has no wrong: list, so that every
// testdata file need not list it.
func demoFS(t testing.TB, labYAML []byte) fstest.MapFS {
	t.Helper()
	src := os.DirFS("testdata/demo")
	fsys := fstest.MapFS{}
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if labYAML != nil && strings.HasPrefix(p, WrongDir+"/") && !bytes.Contains(labYAML, []byte("\nwrong:")) {
			return nil
		}
		b, err := fs.ReadFile(src, p)
		fsys["demo/"+p] = &fstest.MapFile{Data: b, Mode: 0o644}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if labYAML != nil {
		fsys["demo/lab.yaml"] = &fstest.MapFile{Data: labYAML, Mode: 0o644}
	}
	return fsys
}

// checkTypes stands for checks.Names() in # want: lines, so that adding a
// check type does not change every expected message.
const checkTypes = "{check types}"

// wants returns the # want: lines of a testdata file.
func wants(data []byte) []string {
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if s, ok := strings.CutPrefix(line, wantPrefix); ok {
			out = append(out, s)
		}
	}
	return out
}

// rewriteWants replaces the # want: lines at the end of file with got.
func rewriteWants(t *testing.T, file string, data []byte, got []string) {
	t.Helper()
	var keep []string
	for _, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if !strings.HasPrefix(line, wantPrefix) {
			keep = append(keep, line)
		}
	}
	for _, g := range got {
		keep = append(keep, wantPrefix+g)
	}
	if err := os.WriteFile(file, []byte(strings.Join(keep, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// errorLines returns err's lines, checking that it is a lab-definition
// error with exit code 2.
func errorLines(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("error is %T, not labs.Errors: %v", err, err)
	}
	if es.ExitCode() != 2 {
		t.Errorf("ExitCode() = %d, want 2", es.ExitCode())
	}
	return strings.Split(strings.ReplaceAll(err.Error(), checks.Names(), checkTypes), "\n")
}

func checkWants(t *testing.T, file string, data []byte, err error) {
	t.Helper()
	got := errorLines(t, err)
	if *update {
		rewriteWants(t, file, data, got)
		return
	}
	want := wants(data)
	if strings.HasPrefix(filepath.Base(file), "invalid-") && len(want) == 0 {
		t.Fatalf("%s has no %q lines", file, wantPrefix)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors differ\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// TestLoadTestdata loads each testdata/{valid,invalid}-*.yaml in place of
// the demo lab's lab.yaml and compares the errors with its # want: lines.
func TestLoadTestdata(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			l, err := Load(demoFS(t, data), "demo")
			checkWants(t, file, data, err)
			if err == nil && l == nil {
				t.Error("Load returned neither a lab nor an error")
			}
			if err != nil && l != nil {
				t.Error("Load returned a lab with errors")
			}
		})
	}
}

// TestLoadTestdataFolders loads each testdata/invalid-*/ folder as a lab,
// for problems with the files around lab.yaml.
func TestLoadTestdataFolders(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/invalid-*")
	n := 0
	for _, dir := range dirs {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			continue
		}
		n++
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(dir, FileName)
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Load(os.DirFS("testdata"), name)
			checkWants(t, file, data, err)
		})
	}
	if n == 0 {
		t.Fatal("no testdata/invalid-*/ folders")
	}
}

// TestLoadDemo checks what the loader makes of a valid lab: defaults,
// names and positions.
func TestLoadDemo(t *testing.T) {
	l, err := Load(demoFS(t, nil), "demo")
	if err != nil {
		t.Fatal(err)
	}
	if l.ID != "demo" || l.Path != "demo/lab.yaml" || l.Dir != "demo" {
		t.Errorf("ID, Path, Dir = %q, %q, %q", l.ID, l.Path, l.Dir)
	}
	if s := l.Services["db"]; s.Name != "db" || s.Database != "shop" || s.Pos != (Pos{11, 3}) {
		t.Errorf("service db = %+v", s)
	}
	seeded, rows := l.Checks[0], l.Checks[1]
	if seeded.Points != DefaultPoints || seeded.Timeout.Duration != DefaultTimeout || !seeded.Reveal {
		t.Errorf("defaults of seeded: points %d, timeout %v, reveal %v", seeded.Points, seeded.Timeout, seeded.Reveal)
	}
	if rows.Points != 2 || rows.Timeout.String() != "5s" || rows.Reveal || rows.Needs[0] != "seeded" {
		t.Errorf("rows-match = %+v", rows)
	}
	if rows.Check == nil || seeded.Check == nil {
		t.Fatal("check types not decoded")
	}
	if l.Variants[0].Service != "db" {
		t.Errorf("variant service defaults to the only postgres service; got %q", l.Variants[0].Service)
	}
	if l.Solution != "solution" || l.Wrong[0].Fails[0] != "rows-match" {
		t.Errorf("solution %q, wrong %+v", l.Solution, l.Wrong[0])
	}
	task, err := l.Task()
	if err != nil || !strings.HasPrefix(task, "# Demo") {
		t.Errorf("Task() = %q, %v", task, err)
	}
}

// TestLoadDefaults checks the defaults that depend on the rest of the lab.
func TestLoadDefaults(t *testing.T) {
	data, err := os.ReadFile("testdata/valid-minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l, err := Load(demoFS(t, data), "demo")
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Services["db"].Database; got != DefaultDatabase {
		t.Errorf("database = %q, want %q", got, DefaultDatabase)
	}
	if got := l.Submission[0].Service; got != "db" {
		t.Errorf("submission service = %q, want the only service", got)
	}
	if got := l.Checks[0].Service; got != "db" {
		t.Errorf("check service = %q, want the only service", got)
	}
	if l.Solution != DefaultSolution {
		t.Errorf("solution = %q", l.Solution)
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{Path: "a/lab.yaml", Line: 3, Col: 5, Msg: "m"}, "a/lab.yaml:3:5: m"},
		{Error{Path: "a/lab.yaml", Line: 3, Msg: "m"}, "a/lab.yaml:3: m"},
		{Error{Path: "a/lab.yaml", Msg: "m"}, "a/lab.yaml: m"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("got %q", got)
			}
		})
	}
	es := Errors{{Path: "x", Line: 1, Col: 1, Msg: "a"}, {Path: "x", Line: 2, Col: 1, Msg: "b"}}
	if got := es.Error(); got != "x:1:1: a\nx:2:1: b" {
		t.Errorf("Errors.Error() = %q", got)
	}
	if !bytes.Contains([]byte(es.Error()), []byte("\n")) {
		t.Error("one error per line")
	}
}

// TestLoadBoxVariant: a box variant's service defaults to the lab's only
// service a variant can seed, its files decode, on_variants is kept and
// expected_shell (the answer) is left out of the check's source.
func TestLoadBoxVariant(t *testing.T) {
	data, err := os.ReadFile("testdata/valid-box-variant.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l, err := Load(demoFS(t, data), "demo")
	if err != nil {
		t.Fatal(err)
	}
	va := l.Variants[0]
	if va.Service != "box" || len(va.Files) != 1 || va.Files[0].Dst != "/srv/site" || va.Files[0].Src != "fixtures" {
		t.Errorf("variant = %+v (files %+v)", va, va.Files)
	}
	c := l.Checks[0]
	if !c.OnVariants {
		t.Error("on_variants not decoded")
	}
	if strings.Contains(c.Source, "wc -l") || !strings.Contains(c.Source, "# expected_shell: hidden") {
		t.Errorf("the check's source shows its reference:\n%s", c.Source)
	}
}
