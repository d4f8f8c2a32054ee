package cli

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestNewCmdValidateArgs(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{nil, nil},
		{[]string{"labs/sql-join"}, []string{"labs/sql-join"}},
		{[]string{"a", "b/lab.yaml"}, []string{"a", "b/lab.yaml"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			io, _, _ := TestStreams()
			var got *ValidateOptions
			cmd := NewCmdValidate(&Deps{IO: io}, func(_ context.Context, o *ValidateOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Paths, tt.want) {
				t.Errorf("Paths = %q, want %q", got.Paths, tt.want)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	c := newCatalogTest(t, "alpha", "beta")
	other := newCatalogTest(t, "alpha")
	broken := newCatalogTest(t, "good", "bad")
	broken.write("bad/lab.yaml", "id: bad\ntitle: Bad\ndifficulty: beginner\nservices:\n  db: {kind: postgres}\nsubmission:\n  - {file: query.sql, apply: query}\nchecks:\n  - name: rows\n    type: sql.assert\n    query: SELECT true\n    expectd: \"1\"\n")
	bad := filepath.Join(broken.dir, "bad", "lab.yaml")
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		out    []string
		errOut []string
	}{
		{name: "lab folder", args: []string{"validate", filepath.Join(c.dir, "alpha")}, out: []string{"ok\talpha"}},
		{name: "lab.yaml", args: []string{"validate", filepath.Join(c.dir, "beta", "lab.yaml")}, out: []string{"ok\tbeta"}},
		{name: "catalog folder", args: []string{"validate", c.dir}, out: []string{"ok\talpha", "ok\tbeta"}},
		{name: "--labs", args: []string{"validate", "--labs", c.dir}, out: []string{"ok\talpha", "ok\tbeta"}},
		{name: "LAB_CATALOG", env: map[string]string{"LAB_CATALOG": other.dir}, args: []string{"validate"}, out: []string{"ok\talpha"}},
		{name: "--labs wins over LAB_CATALOG", env: map[string]string{"LAB_CATALOG": other.dir}, args: []string{"validate", "--labs", c.dir}, out: []string{"ok\talpha", "ok\tbeta"}},
		{name: "bundled", args: []string{"validate"}},
		{name: "every error, and the good labs", args: []string{"validate", broken.dir}, code: 2, out: []string{"ok\tgood"},
			errOut: []string{
				bad + ":1:1: folder wrong/empty/ is not listed under wrong: (lab test proves only the listed ones)",
				bad + `:12:5: unknown field "expectd" in a sql.assert check, did you mean "expect"? (sql.assert fields: query, expect, message, setup; common fields: name, type, service, points, hint, timeout, reveal, needs)`,
				"2 errors in lab definitions",
			}},
		{name: "same id in two paths", args: []string{"validate", c.dir, other.dir}, code: 2, out: []string{"ok\talpha", "ok\tbeta", "ok\talpha"},
			errOut: []string{
				filepath.Join(other.dir, "alpha", "lab.yaml") + `:3:5: duplicate lab id "alpha" (also in ` + filepath.Join(c.dir, "alpha", "lab.yaml") + ")",
				"1 error in lab definitions",
			}},
		{name: "missing path", args: []string{"validate", "nope"}, code: 2, errOut: []string{"nope: no such file or folder", "1 error in lab definitions"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.env = map[string]string{}
			for k, v := range tt.env {
				c.env[k] = v
			}
			out, errOut, code := c.run(false, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			if tt.name == "bundled" {
				if !slices.Contains(outputLines(out), "ok\tsql-join") {
					t.Errorf("bundled validate printed %q", out)
				}
				return
			}
			if got := outputLines(out); out != "" || tt.out != nil {
				if !slices.Equal(got, tt.out) {
					t.Errorf("stdout = %q, want %q", got, tt.out)
				}
			}
			if tt.errOut != nil || errOut != "" {
				if got := outputLines(errOut); !slices.Equal(got, tt.errOut) {
					t.Errorf("stderr:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.errOut, "\n"))
				}
			}
		})
	}
}

// TestValidateTTY marks valid labs with a check mark on a terminal.
func TestValidateTTY(t *testing.T) {
	c := newCatalogTest(t, "alpha")
	c.env["NO_COLOR"] = "1"
	out, _, code := c.run(true, "validate", c.dir)
	if code != 0 || out != "✓ alpha\n" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
}
