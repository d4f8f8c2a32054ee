package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestShow(t *testing.T) {
	c := newCatalogTest(t, "alpha")
	task, err := os.ReadFile(filepath.Join(c.dir, "alpha", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		tty   bool
		color bool
		check func(t *testing.T, out string)
	}{
		{"piped: the Markdown as it is", false, false, func(t *testing.T, out string) {
			if out != string(task) {
				t.Errorf("stdout %q, want %q", out, task)
			}
		}},
		{"terminal without colour", true, false, func(t *testing.T, out string) {
			if strings.Contains(out, "\x1b[") || !strings.Contains(out, "Demo") || !strings.Contains(out, "alpha · intermediate · ~20m · services: postgres, nginx") {
				t.Errorf("stdout %q", out)
			}
			// glamour's notty style keeps the Markdown marks and lays
			// the text out: indented, wrapped.
			if !strings.Contains(out, "\n  List the **items**.") {
				t.Errorf("Markdown not laid out: %q", out)
			}
		}},
		{"terminal with colour", true, true, func(t *testing.T, out string) {
			if !strings.Contains(out, "\x1b[") || !strings.Contains(out, "Demo") || strings.Contains(out, "**items**") {
				t.Errorf("stdout %q", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.env = map[string]string{"TERM": "xterm"}
			if !tt.color {
				c.env["NO_COLOR"] = "1"
			}
			out, errOut, code := c.run(tt.tty, "show", "--labs", c.dir, "alpha")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			tt.check(t, out)
		})
	}
}

func TestShowErrors(t *testing.T) {
	c := newCatalogTest(t, "alpha")
	c.write("bad/lab.yaml", "id: bad\n")
	tests := []struct {
		name, id, errPart string
	}{
		{"unknown lab", "nope", `no lab "nope"`},
		{"invalid id", "../alpha", `invalid lab id "../alpha"`},
		{"broken lab", "bad", `bad/lab.yaml:1:1: missing field "title"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := c.run(false, "show", "--labs", c.dir, tt.id)
			if code != ExitUsage || !strings.Contains(errOut, tt.errPart) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tt.errPart)
			}
		})
	}
	if _, _, code := c.run(false, "show"); code != ExitUsage {
		t.Errorf("show without a lab: exit %d", code)
	}
}

func TestShowBundled(t *testing.T) {
	c := newCatalogTest(t)
	out, _, code := c.run(false, "show", "sql-join")
	if code != 0 || !strings.HasPrefix(out, "# Customers and what they spent") {
		t.Errorf("exit %d, stdout %q", code, out)
	}
}
