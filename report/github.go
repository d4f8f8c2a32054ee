package report

import (
	"fmt"
	"html"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/labrunner/labrunner/checks"
)

// maxAnnotation caps the message of one annotation; maxSummaryText caps a
// check's text in the job summary, which GitHub limits to 1 MiB per step.
const (
	maxAnnotation  = 4000
	maxSummaryText = 2000
)

// GitHubAnnotations writes GitHub Actions workflow commands for one report:
// "::error file=<file>,line=<line>,title=<label>: <check>::<message>" for
// each failed or errored check (the message followed by "hint: …"),
// "::notice" for each skipped check, and "::error" with no file for a
// run-level error. Nothing is written for a check that passed.
//
// file is the submission file the result is about (checks.Result.File)
// as paths maps it to a path relative to the repository, which is where
// GitHub looks for it; a file that paths does not hold is written as it
// is named. line is the result's Line, left out when it has none, and so
// is file when the result is about no single file.
//
// Data is escaped as GitHub's toolkit does (% → %25, CR → %0D,
// LF → %0A), properties also escape ":" (%3A) and "," (%2C), so learner
// text cannot end a command or start another. GitHub shows at most 10
// annotations of each level per step.
func GitHubAnnotations(w io.Writer, r checks.Report, paths map[string]string) error {
	var b strings.Builder
	command := func(level, file string, line int, title, msg string) {
		b.WriteString("::" + level + " ")
		if file != "" {
			if p, ok := paths[file]; ok {
				file = p
			}
			b.WriteString("file=" + escapeProperty(file) + ",")
			if line > 0 {
				b.WriteString("line=" + strconv.Itoa(line) + ",")
			}
		}
		b.WriteString("title=" + escapeProperty(title) + "::")
		b.WriteString(escapeData(truncate(cleanText(msg), maxAnnotation, "…")) + "\n")
	}
	name := label(r)
	if r.Message != "" {
		command("error", "", 0, name, r.Message)
	}
	for _, res := range r.Results {
		title := name + ": " + res.Name
		switch res.Status {
		case checks.Fail, checks.Error:
			msg := problemText(res)
			if msg == "" {
				msg = "the check did not pass"
			}
			command("error", res.File, res.Line, title, msg)
		case checks.Skip:
			msg := "skipped"
			if reason := skipReason(res.Message); reason != "" {
				msg += ": " + reason
			}
			command("notice", res.File, res.Line, title, msg)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// GitHubSummary writes a Markdown job summary: for several reports an
// overview table (status, submission, score), then for each report a
// heading with its score, a table of its checks (✓/✗/!/-, name, points)
// and, for each check that did not pass, a collapsed <details> with the
// message, hint and output in a code block. Learner text is escaped so it
// shows as typed: no Markdown, HTML, links or mentions.
func GitHubSummary(w io.Writer, reports []checks.Report) error {
	var b strings.Builder
	if len(reports) > 1 {
		passed := 0
		for _, r := range reports {
			if r.Status == checks.Pass {
				passed++
			}
		}
		title := "Results"
		if lab, err := oneLab(reports); err == nil {
			title = lab
		}
		fmt.Fprintf(&b, "## %s: %d of %d submissions passed\n\n", mdText(title), passed, len(reports))
		b.WriteString("| | submission | score | status |\n|---|---|---|---|\n")
		for _, r := range reports {
			fmt.Fprintf(&b, "| %s | %s | %d/%d | %s |\n", mdText(mark(r.Status)), mdText(label(r)), r.Score, r.MaxScore, mdText(string(r.Status)))
		}
		b.WriteString("\n")
	}
	for _, r := range reports {
		githubReport(&b, r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// AppendGitHubSummary appends GitHubSummary's Markdown to the file at path,
// creating it if needed. The caller passes $GITHUB_STEP_SUMMARY; an empty
// path (not running in GitHub Actions) writes nothing.
func AppendGitHubSummary(path string, reports []checks.Report) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("open job summary: %w", err)
	}
	if err := GitHubSummary(f, reports); err != nil {
		f.Close()
		return fmt.Errorf("write job summary: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write job summary: %w", err)
	}
	return nil
}

func githubReport(b *strings.Builder, r checks.Report) {
	heading := r.Lab
	if r.Submission != "" {
		heading += " — " + r.Submission
	}
	t := count(r)
	fmt.Fprintf(b, "### %s %s: %d/%d\n\n", mdText(mark(r.Status)), mdText(heading), r.Score, r.MaxScore)
	if r.Message != "" {
		b.WriteString("Grading could not run:\n\n")
		b.WriteString(codeBlock(truncate(r.Message, maxSummaryText, "\n… (truncated)")))
		b.WriteString("\n")
	}
	if len(r.Results) > 0 {
		fmt.Fprintf(b, "%d of %d %s passed\n\n", t.passed, t.checks, plural(t.checks, "check", "checks"))
	}
	if len(r.Results) > 0 {
		b.WriteString("| | check | points |\n|---|---|---|\n")
		for _, res := range r.Results {
			points := fmt.Sprintf("%d/%d", res.Score, res.MaxScore)
			switch res.Status {
			case checks.Error:
				points = "error"
			case checks.Skip:
				points = "skipped"
			}
			fmt.Fprintf(b, "| %s | %s | %s |\n", mdText(mark(res.Status)), mdText(res.Name), points)
		}
		b.WriteString("\n")
	}
	for _, res := range r.Results {
		if res.Status == checks.Pass {
			continue
		}
		text := problemText(res)
		if res.Output != "" {
			text += "\n\noutput:\n" + res.Output
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		fmt.Fprintf(b, "<details><summary>%s %s</summary>\n\n", mark(res.Status), html.EscapeString(oneLine(res.Name)))
		b.WriteString(codeBlock(truncate(text, maxSummaryText, "\n… (truncated)")))
		b.WriteString("\n</details>\n\n")
	}
}

// escapeData escapes the message of a workflow command.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a property value of a workflow command.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// mdText escapes text for a Markdown paragraph, heading or table cell: every ASCII
// punctuation character is backslash-escaped (CommonMark allows that for
// each of them), which disables emphasis, links, images, HTML, autolinks,
// emoji shortcodes and mentions; line breaks become spaces.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range oneLine(s) {
		if r < 0x80 && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// oneLine joins the lines of s with spaces.
func oneLine(s string) string {
	return strings.Join(lines(s), " ")
}

// codeBlock fences text so that nothing in it is Markdown: the fence is
// longer than any run of backticks in the text.
func codeBlock(text string) string {
	longest, run := 0, 0
	for _, r := range text {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	return fence + "text\n" + strings.TrimRight(cleanText(text), "\n") + "\n" + fence + "\n"
}
