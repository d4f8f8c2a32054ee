package report

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/checks"
)

func TestTSVRecords(t *testing.T) {
	fields := map[string]int{"pass": 4, "fail": 4, "error": 4, "skip": 4, "message": 3, "output": 3, "hint": 3, "score": 4}
	for _, r := range fixture() {
		var buf bytes.Buffer
		if err := TSV(&buf, r); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if strings.ContainsRune(out, '\x1b') {
			t.Errorf("%s: escape characters in the tab-separated form", label(r))
		}
		recs := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		for _, line := range recs {
			f := strings.Split(line, "\t")
			want, ok := fields[f[0]]
			if !ok || len(f) != want {
				t.Errorf("%s: record %q has %d fields (kind %q)", label(r), line, len(f), f[0])
			}
		}
		if last := recs[len(recs)-1]; last != "score\t"+strconv.Itoa(r.Score)+"\t"+strconv.Itoa(r.MaxScore)+"\t"+string(r.Status) {
			t.Errorf("%s: last record %q", label(r), last)
		}
	}
}

func TestTerminalHuman(t *testing.T) {
	rs := fixture()
	var buf bytes.Buffer
	if err := Terminal(&buf, rs[0], TerminalOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"✓ result: orders, customers (1/1)\n",
		"✗ uses index (0/2)\n    expected an Index Scan on orders, got:\n      Seq Scan on orders\n        Filter: (customer_id = 42)\n",
		"    hint: Add an index on orders(customer_id).\n          Then run ANALYZE orders;\n",
		"! cache hit (error)\n    redis: dial tcp",
		"- second query (skipped: needs uses index to pass first)\n",
		"\nscore 1/5 — 1 of 4 checks passed\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if strings.ContainsRune(out, '\x1b') {
		t.Errorf("colour without Color")
	}
}

func TestTerminalNeutralisesEscapes(t *testing.T) {
	r := checks.Report{Lab: "l", Results: []checks.Result{{
		Name: "c\x1b]52;c;ZXZpbA==\a", Status: checks.Fail, MaxScore: 1,
		Message: "clear\x1b[2J\rover\u202egnp.exe\x9b31m", Output: "\x1b[31mred", Hint: "\x00",
	}}}
	r.Summarize()
	for name, render := range map[string]func(*bytes.Buffer) error{
		"terminal":        func(b *bytes.Buffer) error { return Terminal(b, r, TerminalOptions{}) },
		"terminal, color": func(b *bytes.Buffer) error { return Terminal(b, r, TerminalOptions{Color: true}) },
		"tsv":             func(b *bytes.Buffer) error { return TSV(b, r) },
	} {
		var buf bytes.Buffer
		if err := render(&buf); err != nil {
			t.Fatal(err)
		}
		out := strings.NewReplacer("\x1b[31m", "", "\x1b[32m", "", "\x1b[33m", "", "\x1b[2m", "", "\x1b[1m", "", "\x1b[0m", "").Replace(buf.String())
		for _, bad := range []string{"\x1b", "\a", "\r", "\u202e", "\x9b", "\x00"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s: %q reached the terminal: %q", name, bad, out)
			}
		}
	}
}

func TestTerminalOutputCap(t *testing.T) {
	r := checks.Report{Lab: "l", Results: []checks.Result{{
		Name: "c", Status: checks.Fail, MaxScore: 1, Output: strings.Repeat("line\n", 25) + strings.Repeat("x", 500),
	}}}
	r.Summarize()
	var buf bytes.Buffer
	if err := Terminal(&buf, r, TerminalOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "│ line"); n != maxOutputLines {
		t.Errorf("%d output lines shown, want %d", n, maxOutputLines)
	}
	if !strings.Contains(buf.String(), "│ … 6 more lines") {
		t.Errorf("no note of the lines left out:\n%s", buf.String())
	}
}

// TestTerminalApplyFirst: a file that did not apply is shown first, as
// "did not apply" rather than a score of 0/0, and the checks it kept from
// running are skipped with the reason.
func TestTerminalApplyFirst(t *testing.T) {
	r := checks.Report{Lab: "nginx-static", Results: []checks.Result{
		{Name: "apply site.conf", Type: "apply", Status: checks.Fail, Message: "site.conf:2: unexpected end of file"},
		{Name: "home-page", Type: "http", Status: checks.Skip, MaxScore: 1, Message: "skipped: site.conf did not apply", Hint: "a hint"},
	}}
	r.Summarize()
	var buf bytes.Buffer
	if err := Terminal(&buf, r, TerminalOptions{}); err != nil {
		t.Fatal(err)
	}
	want := "✗ apply site.conf (did not apply)\n    site.conf:2: unexpected end of file\n" +
		"- home-page (skipped: site.conf did not apply)\n\nscore 0/1 — 0 of 1 check passed\n"
	if buf.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// TestTerminalWrapsHints: on a terminal of known width a long hint is
// wrapped at spaces under its first line, as a terminal's own wrapping
// (mid-word, at column 0) would not; piped it stays one line.
func TestTerminalWrapsHints(t *testing.T) {
	r := checks.Report{Lab: "sql-join", Results: []checks.Result{{
		Name: "matches-reference", Status: checks.Fail, MaxScore: 3,
		Message: "columns differ",
		Hint:    "Name the columns name, orders and total_spent, and sort by total_spent descending, then name.",
	}}}
	r.Summarize()
	for _, tc := range []struct {
		width int
		want  string
	}{
		{0, "    hint: Name the columns name, orders and total_spent, and sort by total_spent descending, then name.\n"},
		{60, "    hint: Name the columns name, orders and total_spent, and\n" +
			"          sort by total_spent descending, then name.\n"},
		{40, "    hint: Name the columns name, orders\n" +
			"          and total_spent, and sort by\n" +
			"          total_spent descending, then\n" +
			"          name.\n"},
	} {
		var b strings.Builder
		if err := Terminal(&b, r, TerminalOptions{Width: tc.width}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), tc.want) {
			t.Errorf("width %d:\n%s\nwant it to hold:\n%s", tc.width, b.String(), tc.want)
		}
		for _, l := range strings.Split(b.String(), "\n") {
			if tc.width > 0 && len([]rune(l)) > tc.width {
				t.Errorf("width %d: line of %d columns: %q", tc.width, len([]rune(l)), l)
			}
		}
	}
}
