package engine

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestContractScript runs the check's script with this machine's shells
// against a PATH, an /etc/passwd (this machine's: root is in it) and
// paths made for the test.
func TestContractScript(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o755)
	os.WriteFile(filepath.Join(bin, "here"), []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(filepath.Join(bin, "notexec"), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(bin, "adir"), 0o755)
	os.Symlink("nowhere", filepath.Join(dir, "dangling"))
	req := Requirements{
		Commands: []string{"here", "notexec", "adir", "gone", filepath.Join(bin, "here"), "/no/such/cmd"},
		Users:    []string{"root", "no-such-user-labrunner"},
		Paths:    []string{dir, filepath.Join(dir, "dangling"), filepath.Join(dir, "missing dir")},
	}
	want := []string{
		"command notexec", "command adir", "command gone", "command /no/such/cmd",
		"user no-such-user-labrunner",
		"path " + filepath.Join(dir, "missing dir"),
	}
	for _, sh := range []string{"dash", "bash", "busybox"} {
		t.Run(sh, func(t *testing.T) {
			path, err := exec.LookPath(sh)
			if err != nil {
				// scripts/test-deps.sh installs all three for make test.
				if os.Getenv("CI") == "true" {
					t.Fatalf("CI=true and no %s here", sh)
				}
				t.Skipf("no %s here (scripts/test-deps.sh installs it)", sh)
			}
			args := []string{"-c", contractScript, "labrunner-check"}
			if sh == "busybox" {
				args = append([]string{"sh"}, args...)
			}
			cmd := exec.Command(path, append(args, req.args()...)...)
			// An empty entry and a missing folder on PATH are skipped.
			cmd.Env = []string{"PATH=" + filepath.Join(dir, "none") + "::" + bin}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			got, err := parseContract(string(out))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("missing = %q\nwant      %q", got, want)
			}
		})
	}
}

func TestParseContract(t *testing.T) {
	for _, tc := range []struct {
		name, out string
		want      []string
		err       bool
	}{
		{name: "all there", out: contractDone + "\n"},
		{name: "missing", out: "missing command nginx\nmissing user nginx\nmissing path /etc/nginx/conf.d\n" + contractDone + "\n",
			want: []string{"command nginx", "user nginx", "path /etc/nginx/conf.d"}},
		{name: "cut short", out: "missing command nginx\n", err: true},
		{name: "nothing", out: "", err: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseContract(tc.out)
			if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
				t.Errorf("parseContract = %q, %v; want %q, error %v", got, err, tc.want, tc.err)
			}
		})
	}
}

func TestLacks(t *testing.T) {
	if !(Lacks{}).OK() || (Lacks{NoShell: true}).OK() || (Lacks{Missing: []string{"user nobody"}}).OK() {
		t.Error("OK is wrong")
	}
	if got := (Lacks{Missing: []string{"command nginx", "path /x"}}).String(); got != "command nginx, path /x" {
		t.Errorf("String = %q", got)
	}
	if got := (Lacks{NoShell: true}).String(); got != "/bin/sh" {
		t.Errorf("String = %q", got)
	}
}

func TestContractCache(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "contracts")
	req := Requirements{Commands: []string{"nginx"}}
	key := contractKey("sha256:aaa", req)
	if key == contractKey("sha256:bbb", req) || key == contractKey("sha256:aaa", Requirements{Commands: []string{"nginx", "tar"}}) {
		t.Fatal("the key must change with the image and the requirements")
	}
	c := &contractCache{dir: dir}
	if c.passed(key) {
		t.Fatal("an empty cache has a pass")
	}
	c.store(key, "sha256:aaa img\n")
	if !c.passed(key) {
		t.Fatal("a stored pass is not found")
	}
	// Another process: only the file.
	if !(&contractCache{dir: dir}).passed(key) {
		t.Error("the pass is not in the file cache")
	}
	if (&contractCache{dir: dir}).passed(contractKey("sha256:bbb", req)) {
		t.Error("another image has a pass")
	}
	// A cache folder that cannot be written costs a check, nothing more.
	ro := &contractCache{dir: filepath.Join(dir, key, "sub")}
	ro.store(key, "x")
	if !ro.passed(key) {
		t.Error("the pass is not kept in memory when the file cannot be written")
	}
}
