package checks

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func boolp(b bool) *bool { return &b }

// fileFixture makes a folder with a file (0640), a setgid directory and a
// symlink, owned by root.
func fileFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "key"), []byte("-----BEGIN KEY-----\nsecret\n"), 0o640))
	must(os.Chmod(filepath.Join(dir, "key"), 0o640))
	must(os.Mkdir(filepath.Join(dir, "logs"), 0o755))
	must(os.Chmod(filepath.Join(dir, "logs"), 0o770|os.ModeSetgid))
	must(os.Symlink("/srv/releases/v2", filepath.Join(dir, "current")))
	return dir
}

func TestFileRunOnThisMachine(t *testing.T) {
	run := hostExec(t)
	dir := fileFixture(t)
	// Without `stat -c` (an old busybox), the check falls back to ls.
	nostat := t.TempDir()
	if err := os.WriteFile(filepath.Join(nostat, "stat"), []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	lsOnly := func(ctx context.Context, cmd []string, opts ExecOptions) (ExecResult, error) {
		return run(ctx, append([]string{"env", "PATH=" + nostat + ":" + os.Getenv("PATH")}, cmd...), opts)
	}
	tests := []struct {
		name  string
		check File
		want  Status
		msg   string
	}{
		{"file with mode, owner, group, content", File{Path: dir + "/key", FileType: "file", Mode: "0640", Owner: "root", Group: "0", Content: &Match{Contains: "BEGIN KEY"}}, Pass, ""},
		{"wrong mode", File{Path: dir + "/key", Mode: "0600"}, Fail, "the mode is 0640, expected 0600"},
		{"bits for others clear", File{Path: dir + "/key", ModeLacks: "0007"}, Pass, ""},
		{"bits for the group must be clear", File{Path: dir + "/key", ModeLacks: "0077"}, Fail, "it must not allow 0040 (read for the group)"},
		{"setgid directory", File{Path: dir + "/logs", FileType: "dir", Mode: "2770", ModeHas: "2070"}, Pass, ""},
		{"setgid missing", File{Path: dir + "/key", ModeHas: "2000"}, Fail, "it lacks 2000 (setgid)"},
		{"type", File{Path: dir + "/logs", FileType: "file"}, Fail, "the type is a directory, expected a regular file"},
		{"symlink target", File{Path: dir + "/current", FileType: "symlink", Target: "/srv/releases/v2"}, Pass, ""},
		{"wrong owner", File{Path: dir + "/key", Owner: "nobody"}, Fail, "the owner is root, expected nobody"},
		{"content mismatch", File{Path: dir + "/key", Content: &Match{Matches: "^ssh-rsa"}}, Fail, "the content is \"-----BEGIN KEY-----\\nsecret\\n\", expected a value matching /^ssh-rsa/"},
		{"content of a directory", File{Path: dir + "/logs", Content: &Match{Contains: "x"}}, Fail, "is a directory, not a regular file"},
		{"missing", File{Path: dir + "/nope"}, Fail, dir + "/nope does not exist"},
		{"must not exist", File{Path: dir + "/nope", Exists: boolp(false)}, Pass, ""},
		{"exists but must not", File{Path: dir + "/key", Exists: boolp(false)}, Fail, "exists, but must not"},
	}
	for _, tt := range tests {
		for _, mode := range []struct {
			name string
			exec func(context.Context, []string, ExecOptions) (ExecResult, error)
		}{{"stat", run}, {"ls", lsOnly}} {
			t.Run(tt.name+"/"+mode.name, func(t *testing.T) {
				if err := tt.check.Validate(); err != nil {
					t.Fatalf("Validate: %v", err)
				}
				env := &execEnv{fakeEnv: fakeEnv{reveal: true}, exec: mode.exec}
				out := tt.check.Run(context.Background(), env)
				if out.Status != tt.want || !strings.Contains(out.Message, tt.msg) {
					t.Errorf("got %s %q, want %s with %q", out.Status, out.Message, tt.want, tt.msg)
				}
				if env.calls[0].user != "0" {
					t.Errorf("ran as %q, want root", env.calls[0].user)
				}
			})
		}
	}
}

func TestFileParseBusybox(t *testing.T) {
	// busybox stat -c '%F|%a|%u|%U|%g|%G' in an alpine image.
	out := "stat|directory|2775|0|root|101|nginx\n\n"
	fi, err := parseFileInfo(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi.typ != "dir" || fi.mode != 0o2775 || fi.user != "root" || fi.group != "nginx" || fi.gid != "101" {
		t.Errorf("got %+v", fi)
	}
	for _, tt := range []struct {
		in   string
		typ  string
		mode uint32
	}{
		{"drwxrwsr-x", "dir", 0o2775},
		{"-rwSr-----", "file", 0o4640},
		{"drwxrwxrwt", "dir", 0o1777},
		{"lrwxrwxrwx", "symlink", 0o777},
	} {
		typ, mode, ok := parseSymbolicMode(tt.in)
		if !ok || typ != tt.typ || mode != tt.mode {
			t.Errorf("parseSymbolicMode(%q) = %s %04o %v, want %s %04o", tt.in, typ, mode, ok, tt.typ, tt.mode)
		}
	}
}

func TestFileHidden(t *testing.T) {
	c := &File{Path: "/srv/secret/key", Mode: "0600"}
	env := &execEnv{exec: canned(ExecResult{Stdout: "stat|regular file|644|0|root|0|root\n\n"})}
	out := c.Run(context.Background(), env)
	if out.Status != Fail || out.Message != "/srv/secret/key: the mode is 0644, which is not the expected one" {
		t.Errorf("got %s %q", out.Status, out.Message)
	}
}

func TestFileErrors(t *testing.T) {
	c := &File{Path: "/x"}
	out := c.Run(context.Background(), &execEnv{exec: canned(ExecResult{ExitCode: 127, Stderr: "sh: not found"})})
	if out.Status != Error || !strings.Contains(out.Message, "exit 127: sh: not found") {
		t.Errorf("got %s %q", out.Status, out.Message)
	}
	out = c.Run(context.Background(), &execEnv{})
	if out.Status != Error {
		t.Errorf("got %s %q", out.Status, out.Message)
	}
}

func TestFileValidate(t *testing.T) {
	tests := []struct {
		name  string
		check File
		want  string
	}{
		{"ok", File{Path: "/a", Mode: "0644"}, ""},
		{"relative", File{Path: "a"}, `path: "a" must be an absolute path`},
		{"bad mode", File{Path: "/a", Mode: "rw-r--r--"}, `mode: "rw-r--r--" is not octal permission bits`},
		{"mode too large", File{Path: "/a", ModeHas: "17777"}, "mode_has:"},
		{"type", File{Path: "/a", FileType: "folder"}, `file_type: "folder" is not one of file, dir, symlink`},
		{"must not exist with mode", File{Path: "/a", Exists: boolp(false), Mode: "0644"}, "exists: a path that must not exist"},
		{"content of a dir", File{Path: "/a", FileType: "dir", Content: &Match{Contains: "x"}}, "content: only a file has content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantValidate(t, &tt.check, tt.want) })
	}
}
