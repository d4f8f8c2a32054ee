package checks

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// accessFixture makes a tree under a world-traversable folder:
//
//	site/        0755  index.html 0644, tool.sh 0755
//	secret/      0700  key 0644 (readable, but not reachable)
//	logs/        2770 root:nogroup (nobody's primary group)
//	open/        0777  data 0666 (what chmod -R 777 leaves)
//	acl          0600 with an ACL entry letting nobody read, where setfacl exists
func accessFixture(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "labrunner-access-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	steps := []func() error{
		func() error { return os.Chmod(dir, 0o755) },
		func() error { return os.Mkdir(filepath.Join(dir, "site"), 0o755) },
		func() error { return os.WriteFile(filepath.Join(dir, "site/index.html"), []byte("hi"), 0o644) },
		func() error { return os.WriteFile(filepath.Join(dir, "site/tool.sh"), []byte("#!/bin/sh\n"), 0o755) },
		func() error { return os.Mkdir(filepath.Join(dir, "secret"), 0o700) },
		func() error { return os.WriteFile(filepath.Join(dir, "secret/key"), []byte("k"), 0o644) },
		func() error { return os.Mkdir(filepath.Join(dir, "logs"), 0o770) },
		func() error { return os.Chown(filepath.Join(dir, "logs"), 0, 65534) },
		func() error { return os.Chmod(filepath.Join(dir, "logs"), 0o770|os.ModeSetgid) },
		func() error { return os.Mkdir(filepath.Join(dir, "open"), 0o777) },
		func() error { return os.Chmod(filepath.Join(dir, "open"), 0o777) },
		func() error { return os.WriteFile(filepath.Join(dir, "open/data"), []byte("d"), 0o666) },
		func() error { return os.Chmod(filepath.Join(dir, "open/data"), 0o666) },
		func() error { return os.WriteFile(filepath.Join(dir, "acl"), []byte("a"), 0o600) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestAccessRunOnThisMachine(t *testing.T) {
	run := hostExec(t)
	dir := accessFixture(t)
	tests := []struct {
		name  string
		check Access
		want  Status
		msg   string
	}{
		{"read a public file", Access{User: "nobody", Path: dir + "/site/index.html", Allow: []string{"read"}, Deny: []string{"write", "execute"}}, Pass, ""},
		{"execute a script", Access{User: "nobody", Path: dir + "/site/tool.sh", Allow: []string{"execute", "read"}}, Pass, ""},
		{"list and enter a folder", Access{User: "nobody", Path: dir + "/site", Allow: []string{"read", "execute"}, Deny: []string{"write"}}, Pass, ""},
		{"secret behind a closed folder", Access{User: "nobody", Path: dir + "/secret/key", Deny: []string{"read", "write"}}, Pass, ""},
		{"closed folder", Access{User: "nobody", Path: dir + "/secret", Deny: []string{"read", "write", "execute"}}, Pass, ""},
		{"secret must be readable", Access{User: "nobody", Path: dir + "/secret/key", Allow: []string{"read"}}, Fail, "user nobody cannot read " + dir + "/secret/key, but must be able to"},
		{"shared folder through the group", Access{User: "nobody", Path: dir + "/logs", Allow: []string{"write", "read"}, NewFileGroup: "nogroup"}, Pass, ""},
		{"new files' group", Access{User: "nobody", Path: dir + "/logs", Allow: []string{"write"}, NewFileGroup: "root"}, Fail, "belongs to group nogroup, expected root"},
		{"everything open", Access{User: "nobody", Path: dir + "/open/data", Deny: []string{"read", "write"}}, Fail, "user nobody can read " + dir + "/open/data, but must not; user nobody can write to " + dir + "/open/data, but must not"},
		{"open folder", Access{User: "nobody", Path: dir + "/open", Deny: []string{"write"}}, Fail, "user nobody can create files in " + dir + "/open, but must not"},
		{"root can do anything", Access{User: "root", Path: dir + "/secret/key", Allow: []string{"read", "write"}}, Pass, ""},
		{"missing path", Access{User: "nobody", Path: dir + "/nope", Deny: []string{"read"}}, Fail, dir + "/nope does not exist"},
		{"missing user", Access{User: "labrunner-no-such-user", Path: dir + "/site", Allow: []string{"read"}}, Fail, "user labrunner-no-such-user does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.check.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			env := &execEnv{fakeEnv: fakeEnv{reveal: true}, exec: run}
			out := tt.check.Run(context.Background(), env)
			if out.Status != tt.want || !strings.Contains(out.Message, tt.msg) {
				t.Errorf("got %s %q, want %s with %q", out.Status, out.Message, tt.want, tt.msg)
			}
		})
	}
	entries, _ := os.ReadDir(dir + "/logs")
	if len(entries) != 0 {
		t.Errorf("the write probe left %d files in logs", len(entries))
	}
	if b, _ := os.ReadFile(dir + "/open/data"); string(b) != "d" {
		t.Errorf("the write probe changed a file: %q", b)
	}

	t.Run("ACL", func(t *testing.T) {
		if _, err := exec.LookPath("setfacl"); err != nil {
			t.Skip("needs setfacl")
		}
		if out, err := exec.Command("setfacl", "-m", "u:nobody:r", dir+"/acl").CombinedOutput(); err != nil {
			t.Skipf("no ACLs here: %s", out)
		}
		c := &Access{User: "nobody", Path: dir + "/acl", Allow: []string{"read"}, Deny: []string{"write"}}
		if out := c.Run(context.Background(), &execEnv{exec: run}); out.Status != Pass {
			t.Errorf("got %s %q", out.Status, out.Message)
		}
	})
}

func TestAccessCanned(t *testing.T) {
	t.Run("probe output missing is an error", func(t *testing.T) {
		c := &Access{User: "web", Path: "/srv", Allow: []string{"read"}}
		out := c.Run(context.Background(), &execEnv{exec: canned(ExecResult{ExitCode: 2, Stdout: "type dir\n", Stderr: "sh: syntax error"})})
		if out.Status != Error || !strings.Contains(out.Message, "could not try read as web: exit 2: sh: syntax error") {
			t.Errorf("got %s %q", out.Status, out.Message)
		}
	})
	t.Run("one command as the user when the path is visible", func(t *testing.T) {
		c := &Access{User: "www-data", Path: "/srv/site/index.html", Allow: []string{"read"}}
		env := &execEnv{exec: canned(ExecResult{Stdout: "type file\nread 0\n"})}
		if out := c.Run(context.Background(), env); out.Status != Pass {
			t.Errorf("got %s %q", out.Status, out.Message)
		}
		if len(env.calls) != 1 || env.calls[0].user != "www-data" {
			t.Errorf("calls = %+v", env.calls)
		}
	})
	t.Run("a hidden path is looked up as root", func(t *testing.T) {
		c := &Access{User: "guest", Path: "/srv/secret/key", Deny: []string{"read"}}
		env := &execEnv{exec: canned(ExecResult{Stdout: "type unknown\n"}, ExecResult{Stdout: "file\n"})}
		if out := c.Run(context.Background(), env); out.Status != Pass {
			t.Errorf("got %s %q", out.Status, out.Message)
		}
		if len(env.calls) != 2 || env.calls[1].user != "0" {
			t.Errorf("calls = %+v", env.calls)
		}
	})
}

func TestAccessValidate(t *testing.T) {
	tests := []struct {
		name  string
		check Access
		want  string
	}{
		{"ok", Access{User: "web", Path: "/srv", Allow: []string{"read"}}, ""},
		{"no user", Access{Path: "/srv", Allow: []string{"read"}}, "user: must not be empty"},
		{"relative", Access{User: "u", Path: "srv", Allow: []string{"read"}}, `path: "srv" must be an absolute path`},
		{"no operation", Access{User: "u", Path: "/srv"}, "allow: at least one operation"},
		{"unknown operation", Access{User: "u", Path: "/srv", Deny: []string{"delete"}}, `deny: unknown operation "delete"`},
		{"allowed and denied", Access{User: "u", Path: "/srv", Allow: []string{"read"}, Deny: []string{"read"}}, `deny: "read" is also in allow`},
		{"group without write", Access{User: "u", Path: "/srv", Allow: []string{"read"}, NewFileGroup: "g"}, "new_file_group: needs write in allow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantValidate(t, &tt.check, tt.want) })
	}
}
