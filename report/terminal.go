package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/labrunner/labrunner/checks"
	"github.com/mattn/go-runewidth"
)

// TerminalOptions choose the terminal form.
type TerminalOptions struct {
	// Color adds ANSI colour. The caller decides it from the TTY,
	// NO_COLOR, TERM=dumb and flags; piped, the report is the same
	// without colour (the tab-separated form for scripts is TSV).
	Color bool
	// Width, when over 0, is the terminal's width in columns: hints are
	// wrapped at word boundaries to fit it, under their first line (a
	// terminal's own wrapping would break words and lose the indent).
	// Piped (0) nothing is wrapped. Messages keep their layout, since
	// some point at a column ("^").
	Width int
}

// maxOutputLines and maxOutputWidth cap a check's output shown on the
// terminal: lines, and characters of a line in the human form.
const (
	maxOutputLines = 20
	maxOutputWidth = 160
)

// Terminal writes one report for a person, on a terminal or piped
// (`lab check | less`): one line per check — "✓ name (1/1)",
// "✗ name (0/2)", "! name (error)", "- name (skipped: needs X)" — and,
// under a check that did not pass, its message indented by four spaces
// (each line of a multi-line message keeps its layout), its output, and
// "hint: …". A run-level error is shown first as "! <submission or lab>
// (error)" with its message; results of applying files ("apply …") come
// before the checks, since a file that did not apply explains the checks
// skipped after it. The last line is the total: "score 3/5 — 2 of 4
// checks passed". Control characters and escape sequences in learner
// text are replaced by U+FFFD, so that a submission cannot drive the
// terminal.
func Terminal(w io.Writer, r checks.Report, opts TerminalOptions) error {
	var b strings.Builder
	terminalHuman(&b, r, style{opts.Color}, opts.Width)
	_, err := io.WriteString(w, b.String())
	return err
}

// TerminalBatch writes one line per report, in the order given, and a
// total line: "✓ alice 5/5", "✗ bob 2/5 (1 failed, 1 error)",
// "! dave (error: start postgres: …)", then "3 of 4 submissions passed".
func TerminalBatch(w io.Writer, reports []checks.Report, opts TerminalOptions) error {
	var b strings.Builder
	passed := 0
	st := style{opts.Color}
	for _, r := range reports {
		if r.Status == checks.Pass {
			passed++
		}
		fmt.Fprintf(&b, "%s %s %d/%d", st.mark(r.Status), clean(label(r)), r.Score, r.MaxScore)
		var notes []string
		if r.Message != "" {
			notes = append(notes, "error: "+clean(firstLine(r.Message)))
		}
		t := count(r)
		for _, n := range []struct {
			n    int
			what string
		}{{t.failed, "failed"}, {t.errored, "error"}, {t.skipped, "skipped"}} {
			if n.n > 0 {
				notes = append(notes, fmt.Sprintf("%d %s", n.n, n.what))
			}
		}
		if len(notes) > 0 {
			b.WriteString(st.dim(" (" + strings.Join(notes, ", ") + ")"))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%s\n", st.bold(fmt.Sprintf("%d of %d submissions passed", passed, len(reports))))
	_, err := io.WriteString(w, b.String())
	return err
}

func terminalHuman(b *strings.Builder, r checks.Report, st style, width int) {
	const indent = "    "
	if r.Message != "" {
		fmt.Fprintf(b, "%s %s %s\n", st.mark(checks.Error), st.bold(clean(label(r))), st.yellow("(error)"))
		for _, l := range lines(r.Message) {
			b.WriteString(indent + clean(l) + "\n")
		}
	}
	for _, res := range r.Results {
		name := clean(res.Name)
		switch res.Status {
		case checks.Pass:
			fmt.Fprintf(b, "%s %s %s\n", st.mark(res.Status), name, st.dim(fmt.Sprintf("(%d/%d)", res.Score, res.MaxScore)))
			continue
		case checks.Fail:
			score := fmt.Sprintf("(%d/%d)", res.Score, res.MaxScore)
			if res.Type == "apply" {
				// A file is worth no points of its own; its checks are.
				score = "(did not apply)"
			}
			fmt.Fprintf(b, "%s %s %s\n", st.mark(res.Status), st.bold(name), st.red(score))
		case checks.Error:
			fmt.Fprintf(b, "%s %s %s\n", st.mark(res.Status), st.bold(name), st.yellow("(error)"))
		case checks.Skip:
			why := "skipped"
			if reason := skipReason(res.Message); reason != "" {
				why += ": " + clean(reason)
			}
			fmt.Fprintf(b, "%s %s %s\n", st.mark(res.Status), name, st.dim("("+why+")"))
			continue
		default:
			fmt.Fprintf(b, "%s %s (%s)\n", st.mark(res.Status), name, clean(string(res.Status)))
		}
		for _, l := range lines(res.Message) {
			b.WriteString(indent + clean(l) + "\n")
		}
		out := lines(res.Output)
		for i, l := range out {
			if i == maxOutputLines {
				b.WriteString(indent + st.dim(fmt.Sprintf("│ … %d more lines", len(out)-i)) + "\n")
				break
			}
			b.WriteString(indent + st.dim("│ "+truncate(clean(l), maxOutputWidth, "…")) + "\n")
		}
		const hintIndent = indent + "      " // under "hint: "
		first := true
		for _, l := range lines(res.Hint) {
			for _, part := range wrapWords(clean(l), width-len(hintIndent)) {
				if first {
					b.WriteString(indent + st.yellow("hint:") + " " + part + "\n")
					first = false
				} else {
					b.WriteString(hintIndent + part + "\n")
				}
			}
		}
	}
	t := count(r)
	b.WriteString("\n")
	b.WriteString(st.bold(fmt.Sprintf("score %d/%d", r.Score, r.MaxScore)))
	fmt.Fprintf(b, " — %d of %d %s passed\n", t.passed, t.checks, plural(t.checks, "check", "checks"))
}

// clean makes one line of untrusted text safe to print on a terminal:
// control characters (C0 but tab, DEL, C1), bidirectional overrides and
// invalid UTF-8 become U+FFFD. A line has no line breaks left.
func clean(s string) string {
	if !needsClean(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r != '\t' && unsafeRune(r) {
			r = '\uFFFD'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cleanText is clean for multi-line text: line breaks ("\r\n" becomes
// "\n") and tabs stay.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if !needsClean(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r != '\n' && r != '\t' && unsafeRune(r) {
			r = '\uFFFD'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// field is clean for one tab-separated field: tabs become spaces.
func field(s string) string {
	return strings.ReplaceAll(clean(s), "\t", " ")
}

func needsClean(s string) bool {
	for _, r := range s {
		if unsafeRune(r) || r == '\uFFFD' {
			return true
		}
	}
	return false
}

func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// style colours text with ANSI escapes when on.
type style struct{ on bool }

func (s style) wrap(code, text string) string {
	if !s.on || text == "" {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (s style) red(t string) string    { return s.wrap("31", t) }
func (s style) green(t string) string  { return s.wrap("32", t) }
func (s style) yellow(t string) string { return s.wrap("33", t) }
func (s style) dim(t string) string    { return s.wrap("2", t) }
func (s style) bold(t string) string   { return s.wrap("1", t) }

func (s style) mark(st checks.Status) string {
	switch st {
	case checks.Pass:
		return s.green(mark(st))
	case checks.Fail:
		return s.red(mark(st))
	case checks.Error:
		return s.yellow(mark(st))
	}
	return s.dim(mark(st))
}

// wrapWords cuts line into lines of at most width columns, at spaces; a
// word longer than width stays whole on a line of its own. A width under
// 20 (piped, or a terminal too narrow to help) leaves line as it is.
func wrapWords(line string, width int) []string {
	if width < 20 || runewidth.StringWidth(line) <= width {
		return []string{line}
	}
	var out []string
	cur, curW := "", 0
	for _, w := range strings.Fields(line) {
		ww := runewidth.StringWidth(w)
		switch {
		case cur == "":
			cur, curW = w, ww
		case curW+1+ww <= width:
			cur, curW = cur+" "+w, curW+1+ww
		default:
			out = append(out, cur)
			cur, curW = w, ww
		}
	}
	return append(out, cur)
}
