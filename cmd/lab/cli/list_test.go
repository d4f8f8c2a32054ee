package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"

	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/labs"
)

func TestNewCmdListFlags(t *testing.T) {
	io, _, _ := TestStreams()
	var got *ListOptions
	cmd := NewCmdList(&Deps{IO: io}, func(_ context.Context, o *ListOptions) error { got = o; return nil })
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	cmd.SetArgs([]string{"--json"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !got.JSON {
		t.Error("--json not set")
	}
	cmd.SetArgs([]string{"extra"})
	if err := cmd.Execute(); ExitCode(err) != ExitUsage {
		t.Errorf("an argument: %v, want a usage error", err)
	}
}

// writeProgress records that the learner passed lab id.
func writeProgress(t *testing.T, stateDir, id string) {
	t.Helper()
	b := `{"labs": {"` + id + `": {"passed": true, "best_score": 3, "max_score": 3, "checks": 1}}}`
	if err := os.WriteFile(filepath.Join(stateDir, "progress.json"), []byte(b), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestList(t *testing.T) {
	c := newCatalogTest(t, "beta", "alpha")
	writeProgress(t, c.env["LAB_STATE_DIR"], "beta")
	c.env["NO_COLOR"] = "1"

	t.Run("piped", func(t *testing.T) {
		out, errOut, code := c.run(false, "list", "--labs", c.dir)
		want := []string{
			"alpha\tDemo lab\tintermediate\tpostgres,nginx\t\t\t\tlabs",
			"beta\tDemo lab\tintermediate\tpostgres,nginx\tpassed\t3/3\t\tlabs",
		}
		if code != 0 || !slices.Equal(outputLines(out), want) {
			t.Errorf("exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
		}
	})
	t.Run("terminal", func(t *testing.T) {
		out, _, code := c.run(true, "list", "--labs", c.dir)
		want := []string{
			"ID     TITLE     DIFFICULTY    SERVICES         STATUS        HINTS",
			"alpha  Demo lab  intermediate  postgres, nginx",
			"beta   Demo lab  intermediate  postgres, nginx  ✓ passed 3/3",
		}
		if code != 0 || !slices.Equal(outputLines(out), want) {
			t.Errorf("exit %d, stdout:\n%s\nwant:\n%s", code, out, strings.Join(want, "\n"))
		}
	})
	t.Run("json", func(t *testing.T) {
		out, _, code := c.run(false, "list", "--json", "--labs", c.dir)
		var got []listEntry
		if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 {
			t.Fatalf("exit %d, %v:\n%s", code, err, out)
		}
		if len(got) != 2 || got[0].ID != "alpha" || got[1].Status != "passed" || got[0].Estimate != "20m" ||
			len(got[0].Services) != 2 || got[0].Services[0] != (listService{Name: "db", Kind: "postgres"}) {
			t.Errorf("entries = %+v", got)
		}
	})
	t.Run("bundled", func(t *testing.T) {
		out, _, code := c.run(false, "list")
		if code != 0 || !strings.Contains(out, "sql-join\tCustomers and what they spent\tbeginner\tpostgres\t\t\t\tsql\n") {
			t.Errorf("exit %d, stdout %q", code, out)
		}
	})
}

// TestListBrokenCatalog lists the labs that load and reports the others.
func TestListBrokenCatalog(t *testing.T) {
	c := newCatalogTest(t, "good")
	c.write("bad/lab.yaml", "id: bad\n")
	out, errOut, code := c.run(false, "list", "--labs", c.dir)
	if code != ExitUsage || !strings.HasPrefix(out, "good\t") {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errOut, filepath.Join(c.dir, "bad", "lab.yaml")+`:1:1: missing field "title"`) {
		t.Errorf("stderr %q", errOut)
	}
}

// TestListProgressHook: ListOptions.Progress replaces the progress file.
func TestListProgressHook(t *testing.T) {
	c := newCatalogTest(t, "alpha")
	io, out, _ := TestStreams()
	p := &workspace.Progress{Labs: map[string]*workspace.LabProgress{"alpha": {BestScore: 1, MaxScore: 3, Checks: 1, HintsUsed: 2}}}
	opts := &ListOptions{
		Deps:     &Deps{IO: io, Getenv: func(string) string { return "" }, Catalog: c.dir},
		Progress: func() (*workspace.Progress, error) { return p, nil },
	}
	if err := listRun(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "alpha\tDemo lab\tintermediate\tpostgres,nginx\tin progress\t1/3\t2\tlabs\n" {
		t.Errorf("stdout %q", got)
	}
}

// TestListFitsTheTerminal: on a terminal the table fits its width, as
// gh's tables do: rows never wrap, the titles are cut with "…" (and only
// as much as needed), and the header's columns line up with the rows', in
// colour too (a bold header is styled after it is padded).
func TestListFitsTheTerminal(t *testing.T) {
	c := newCatalogTest(t)
	passed := `{"passed": true, "best_score": 3, "max_score": 3}`
	progress := `{"labs": {"linux-permissions": ` + passed + `, "nginx-rate-limit": ` + passed + `, "sql-join": ` + passed + `}}`
	if err := os.WriteFile(filepath.Join(c.env["LAB_STATE_DIR"], "progress.json"), []byte(progress), 0o644); err != nil {
		t.Fatal(err)
	}
	titles := map[string]string{}
	for _, l := range mustBundled(t) {
		titles[l.ID] = l.Title
	}
	tracks, err := labs.BundledTracks(mustBundled(t))
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, tr := range tracks.Tracks {
		rows += len(tr.Labs)
	}
	tests := []struct {
		name    string
		width   int
		color   bool
		wantCut bool
	}{
		{"80 columns", 80, false, true},
		// 122 columns with a status: the longest title loses 2.
		{"120 columns", 120, false, true},
		{"120 columns, colour", 120, true, true},
		{"160 columns", 160, false, false},
		{"80 columns, colour", 80, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			io, out, _ := TestStreams()
			io.OutTTY, io.Width = true, tt.width
			env := map[string]string{"LAB_STATE_DIR": c.env["LAB_STATE_DIR"]}
			if !tt.color {
				env["NO_COLOR"] = "1"
			}
			code := Main(context.Background(), []string{"list"}, &Deps{IO: io, Getenv: func(k string) string { return env[k] }})
			if code != 0 {
				t.Fatalf("exit %d", code)
			}
			if got := strings.Contains(out.String(), "\x1b["); got != tt.color {
				t.Errorf("colour %v, want %v", got, tt.color)
			}
			// The rows: a track's heading and the blank line before it
			// are not rows; a lab is listed in each of its tracks.
			var lines, headings []string
			for _, line := range outputLines(ansiEscape.ReplaceAllString(out.String(), "")) {
				switch {
				case line == "":
				case strings.Contains(line, " (track "):
					headings = append(headings, line)
				default:
					lines = append(lines, line)
				}
			}
			if len(lines) != rows+1 || len(headings) != len(tracks.Tracks) {
				t.Fatalf("%d lines and %d headings, want a header, %d rows and %d headings:\n%s", len(lines), len(headings), rows, len(tracks.Tracks), out)
			}
			for _, h := range headings {
				if w := runewidth.StringWidth(h); w > tt.width {
					t.Errorf("heading is %d columns wide, wider than the terminal's %d:\n%s", w, tt.width, h)
				}
			}
			header := lines[0]
			cut := false
			for i, line := range lines {
				if w := runewidth.StringWidth(line); w > tt.width {
					t.Errorf("line %d is %d columns wide, wider than the terminal's %d:\n%s", i, w, tt.width, line)
				}
				for _, col := range []string{"TITLE", "DIFFICULTY", "SERVICES", "STATUS", "HINTS"} {
					// Each column starts where its header does.
					at := runewidth.StringWidth(header[:strings.Index(header, col)])
					if i > 0 && at > 0 && at < runewidth.StringWidth(line) && line[byteAt(line, at-1)] != ' ' {
						t.Errorf("row %d does not start column %s at %d, under its header:\n%s\n%s", i, col, at, header, line)
					}
				}
				if i == 0 {
					continue
				}
				id := strings.Fields(line)[0]
				full := strings.Contains(line, titles[id])
				cut = cut || !full
				if !full && !strings.Contains(line, "…") {
					t.Errorf("the title of %s is neither whole nor cut with …: %s", id, line)
				}
				if slices.Contains([]string{"linux-permissions", "nginx-rate-limit", "sql-join"}, id) && !strings.Contains(line, "✓ passed") {
					t.Errorf("row %s does not show ✓ passed: %q", id, line)
				}
			}
			if cut != tt.wantCut {
				t.Errorf("titles cut: %v, want %v:\n%s", cut, tt.wantCut, strings.Join(lines, "\n"))
			}
		})
	}
}

// byteAt is the byte offset of display column col in s.
func byteAt(s string, col int) int {
	w := 0
	for i, r := range s {
		if w >= col {
			return i
		}
		w += runewidth.RuneWidth(r)
	}
	return len(s)
}

var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*m")

func mustBundled(t *testing.T) []*labs.Lab {
	t.Helper()
	all, err := (&Deps{Getenv: func(string) string { return "" }}).loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func TestTableFit(t *testing.T) {
	tests := []struct {
		name  string
		width int
		want  []string
	}{
		{"the next column is cut once the first is at its minimum", 30, []string{"ID  TITLE         SERVICES", "a   a long titl…  runtime, re…", "bb  short         box"}},
		{"wide enough", 40, []string{"ID  TITLE                  ST", "a   a long title of a lab  ✓", "bb  short                  -"}},
		{"the title is cut", 24, []string{"ID  TITLE             ST", "a   a long title of…  ✓", "bb  short             -"}},
		{"never below the minimum", 10, []string{"ID  TITLE         ST", "a   a long titl…  ✓", "bb  short         -"}},
		{"unknown width", 0, []string{"ID  TITLE                  ST", "a   a long title of a lab  ✓", "bb  short                  -"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			tb := &table{header: []string{"ID", "TITLE", "ST"}, cut: []int{1},
				rows: [][]string{{"a", "a long title of a lab", "✓"}, {"bb", "short", "-"}}}
			if strings.HasPrefix(tt.name, "the next") {
				tb = &table{header: []string{"ID", "TITLE", "SERVICES"}, cut: []int{1, 2},
					rows: [][]string{{"a", "a long title of a lab", "runtime, redis, postgres"}, {"bb", "short", "box"}}}
			}
			if err := tb.render(&b, tt.width); err != nil {
				t.Fatal(err)
			}
			if got := outputLines(b.String()); !slices.Equal(got, tt.want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}
