package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/runner/engine"
)

const (
	modulePath = "github.com/labrunner/labrunner"
	// installVersion is the pseudo-version the file-system proxy serves
	// this checkout as.
	installVersion = "v0.0.0-20261202000000-abcdef123456"
)

// goProxyOfCheckout writes a file-system module proxy (the GOPROXY
// protocol's files: list, .info, .mod, .zip) that serves this checkout —
// its tracked files and the untracked ones git does not ignore, as a
// commit of them would hold — as modulePath@installVersion, and returns
// its folder.
func goProxyOfCheckout(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	ls := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	ls.Dir = root
	list, err := ls.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v (the go install test needs a git checkout)", err)
	}
	src := t.TempDir()
	for _, name := range strings.Split(strings.TrimRight(string(list), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue // deleted in the working tree, not yet in git
		}
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(src, name), string(data))
	}

	dir := filepath.Join(t.TempDir(), filepath.FromSlash(modulePath), "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, installVersion+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	if err := zip.CreateFromDir(f, module.Version{Path: modulePath, Version: installVersion}, src); err != nil {
		t.Fatalf("zip the module: %v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	info, _ := json.Marshal(map[string]string{"Version": installVersion, "Time": "2026-12-02T00:00:00Z"})
	writeFile(t, filepath.Join(dir, installVersion+".info"), string(info))
	writeFile(t, filepath.Join(dir, installVersion+".mod"), string(mustRead(t, filepath.Join(src, "go.mod"))))
	writeFile(t, filepath.Join(dir, "list"), installVersion+"\n")
	return strings.TrimSuffix(dir, filepath.FromSlash("/"+modulePath+"/@v"))
}

// goEnv is `go env name`.
func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// TestGoInstall proves the README's `go install …/cmd/lab@version` path:
// the binary installed from a module proxy, run from an empty folder with
// a fresh HOME, no XDG folders and no LAB_* variables (so the default
// registry's images and the images compiled in), takes a learner through
// sql-join — start, the starter fails, the reference passes, stop — and
// reports the module version, with nothing left running.
//
// The proxy serves this checkout; the dependencies come from the local
// module cache's download folder (then GOPROXY), so the test needs no
// network, and a module cache of its own keeps the shared one clean.
func TestGoInstall(t *testing.T) {
	d := dockertest.Driver(t)
	proxy := goProxyOfCheckout(t)
	gobin := t.TempDir()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	install := exec.CommandContext(ctx, "go", "install", modulePath+"/cmd/lab@"+installVersion)
	install.Dir = t.TempDir()
	install.Env = append(os.Environ(),
		"GOPROXY=file://"+filepath.ToSlash(proxy)+",file://"+filepath.ToSlash(filepath.Join(goEnv(t, "GOMODCACHE"), "cache", "download"))+","+goEnv(t, "GOPROXY"),
		"GONOSUMDB="+modulePath,
		// -modcacherw: the private module cache can be removed; -trimpath:
		// the build cache then serves the dependencies whatever folder
		// the module cache is in, so only this module compiles.
		"GOFLAGS=-mod=mod -modcacherw -trimpath",
		"GOMODCACHE="+t.TempDir(),
		"GOBIN="+gobin,
		"GOWORK=off",
	)
	start := time.Now()
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	t.Logf("go install %s/cmd/lab@%s: %.1f s", modulePath, installVersion, time.Since(start).Seconds())
	bin := filepath.Join(gobin, "lab")

	env := isolatedEnv(t)
	work := t.TempDir()
	out, _, code := runLab(t, bin, work, env, 30*time.Second, "--version")
	if code != 0 || !strings.Contains(out, installVersion) || strings.Contains(out, "dev") {
		t.Errorf("lab --version: exit %d, %q; want the module version %s", code, out, installVersion)
	}

	out, errOut, code := runLab(t, bin, work, env, 5*time.Minute, "start", "sql-join")
	ws := filepath.Join(work, "sql-join")
	t.Cleanup(func() { // when a step below fails before lab stop
		if st, err := workspace.Open(ws); err == nil && st.State.Session != "" {
			s := d.NewSession("sql-join")
			s.ID = st.State.Session
			s.Close(context.Background())
		}
	})
	if code != 0 {
		t.Fatalf("lab start sql-join: exit %d\n%s%s", code, out, errOut)
	}
	st, err := workspace.Open(ws)
	if err != nil || st.State.Session == "" {
		t.Fatalf("lab start made no workspace with a session in %s: %v", ws, err)
	}

	out, errOut, code = runLab(t, bin, ws, env, 2*time.Minute, "check")
	if code != 1 || !strings.Contains(out, "✗ matches-reference") {
		t.Errorf("lab check of the starter: exit %d, want 1 with matches-reference failing\n%s%s", code, out, errOut)
	}
	writeFile(t, filepath.Join(ws, "solution.sql"), string(mustRead(t, "../../labs/sql-join/solution/solution.sql")))
	out, errOut, code = runLab(t, bin, ws, env, 2*time.Minute, "check")
	if code != 0 || !strings.Contains(out, "score 3/3") {
		t.Errorf("lab check of the reference solution: exit %d, want 0 and 3/3\n%s%s", code, out, errOut)
	}
	if out, errOut, code = runLab(t, bin, ws, env, 2*time.Minute, "stop"); code != 0 {
		t.Errorf("lab stop: exit %d\n%s%s", code, out, errOut)
	}
	dockertest.NoLeftovers(t, d, engine.LabelSession+"="+st.State.Session, "lab stop")
	if entries, _ := os.ReadDir(work); len(entries) != 1 {
		t.Errorf("the working folder holds %s, want only the workspace sql-join", names(entries))
	}
}

// names lists directory entries for a message.
func names(entries []os.DirEntry) string {
	var b bytes.Buffer
	for i, e := range entries {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, e.Name())
	}
	return b.String()
}
