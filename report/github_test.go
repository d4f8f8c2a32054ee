package report

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/checks"
)

func TestGitHubEscaping(t *testing.T) {
	tests := []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"a\r\nb", "a%0D%0Ab", "a%0D%0Ab"},
		{"%0A", "%250A", "%250A"},
		{"a: b, c", "a: b, c", "a%3A b%2C c"},
		{"::x::", "::x::", "%3A%3Ax%3A%3A"},
	}
	for _, tt := range tests {
		if got := escapeData(tt.in); got != tt.data {
			t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := escapeProperty(tt.in); got != tt.prop {
			t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.prop)
		}
	}
}

func TestGitHubAnnotations(t *testing.T) {
	var buf bytes.Buffer
	paths := map[string]string{"solution.sql": "sub,dir/solution.sql"}
	for _, r := range formatsFixture() {
		if err := GitHubAnnotations(&buf, r, paths); err != nil {
			t.Fatal(err)
		}
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	// bob: fail, error, skip; dave: run error; carol: fail; erin: did not
	// apply, 4 skipped. alice: nothing.
	file := "file=sub%2Cdir/solution.sql,"
	want := []string{
		"::error " + file + "title=bob%3A uses index::",
		"::error title=bob%3A cache hit::",
		"::notice title=bob%3A second query::",
		"::error title=dave::",
		"::error " + file + "line=3,title==Carol",
		"::error " + file + "line=2,title=erin%3A apply solution.sql::",
		"::notice " + file + "title=erin%3A result%3A orders%2C customers::",
		"::notice " + file + "title=erin%3A uses index::",
		"::notice title=erin%3A cache hit::",
		"::notice title=erin%3A second query::",
	}
	if len(lines) != len(want) {
		t.Fatalf("%d commands, want %d:\n%s", len(lines), len(want), buf.String())
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, want[i]) {
			t.Errorf("command %d: %q, want prefix %q", i, l, want[i])
		}
		level := strings.Fields(strings.TrimPrefix(l, "::"))[0]
		// Exactly one "::" separates properties from data, before any
		// learner text.
		props, data, ok := strings.Cut(strings.TrimPrefix(l, "::"+level+" "), "::")
		if !ok || strings.Contains(props, ":") || strings.ContainsAny(data, "\r\n\x1b") {
			t.Errorf("command %d is not one well-escaped command: %q", i, l)
		}
	}
	if !strings.Contains(lines[4], "title==Carol \"C.J.\" O'Neil%2C 100%25%3A result%3A orders%2C customers::") {
		t.Errorf("title not escaped as a property: %q", lines[4])
	}
	if !strings.Contains(lines[4], "%0Ahint: 50%25 of rows are missing: use a LEFT JOIN%250A") {
		t.Errorf("hint missing or not escaped: %q", lines[4])
	}

	// Without paths, a file is named as the lab names it.
	var plain bytes.Buffer
	if err := GitHubAnnotations(&plain, formatsFixture()[4], nil); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(plain.String(), "::error file=solution.sql,line=2,title=erin") {
		t.Errorf("no paths: %q", plain.String())
	}
}

func TestGitHubSummaryEscapesMarkdown(t *testing.T) {
	r := checks.Report{Lab: "l", Submission: "![x](https://evil.example/p.png) @team <img src=x>", Results: []checks.Result{{
		Name: "a | b <b>bold</b>", Status: checks.Fail, MaxScore: 1,
		Message: "```\n</details><script>x</script>\n````",
	}}}
	r.Summarize()
	var buf bytes.Buffer
	if err := GitHubSummary(&buf, []checks.Report{r}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if regexp.MustCompile(`(^|[^\\])<img`).MatchString(out) {
		t.Errorf("unescaped <img in summary:\n%s", out)
	}
	for _, bad := range []string{"![x](", " @team", "<b>bold"} {
		if strings.Contains(out, bad) {
			t.Errorf("unescaped %q in summary:\n%s", bad, out)
		}
	}
	if !strings.Contains(out, "| ✗ | a \\| b \\<b\\>bold\\<\\/b\\> | 0/1 |\n") {
		t.Errorf("table cell not escaped:\n%s", out)
	}
	// The message sits in a fence longer than any backtick run in it.
	if !strings.Contains(out, "`````text\n```\n</details><script>x</script>\n````\n`````\n") {
		t.Errorf("message not fenced safely:\n%s", out)
	}
	if !strings.Contains(out, "<summary>✗ a | b &lt;b&gt;bold&lt;/b&gt;</summary>") {
		t.Errorf("summary element not HTML-escaped:\n%s", out)
	}
}

func TestAppendGitHubSummary(t *testing.T) {
	if err := AppendGitHubSummary("", fixture()); err != nil {
		t.Errorf("empty path: %v", err)
	}
	path := filepath.Join(t.TempDir(), "summary.md")
	if err := os.WriteFile(path, []byte("# earlier step\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rs := fixture()
	if err := AppendGitHubSummary(path, rs[:1]); err != nil {
		t.Fatal(err)
	}
	if err := AppendGitHubSummary(path, rs[1:2]); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	want.WriteString("# earlier step\n")
	GitHubSummary(&want, rs[:1])
	GitHubSummary(&want, rs[1:2])
	if string(got) != want.String() {
		t.Errorf("appended summary:\n%s\nwant\n%s", got, want.String())
	}
	if err := AppendGitHubSummary(filepath.Join(t.TempDir(), "missing", "x.md"), rs); err == nil {
		t.Errorf("no error for a path in a missing folder")
	}
}
