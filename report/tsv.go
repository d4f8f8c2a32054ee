package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/labrunner/labrunner/checks"
)

// TSV writes one report as tab-separated records for scripts
// (`lab check --format tsv`). Each record is one line; its first field
// says what it is, and each kind has a fixed number of fields:
//
//	pass|fail|error|skip <TAB> check <TAB> score <TAB> max_score
//	message <TAB> check <TAB> one line of the check's message
//	output  <TAB> check <TAB> one line of the check's output
//	hint    <TAB> check <TAB> one line of the check's hint
//	score   <TAB> score <TAB> max_score <TAB> pass|fail|error
//
// message, output and hint records follow the check record they belong
// to (a passed check has none, a skipped one no hint); a run-level message
// has an empty check field and comes first; score is always the last
// record. Output is cut to its first 20 lines, followed by "… N more
// lines". Tabs inside names and text are replaced by spaces so that the
// number of fields is fixed, and control characters and escape sequences
// by U+FFFD. docs/tsv.md is this grammar for users.
func TSV(w io.Writer, r checks.Report) error {
	var b strings.Builder
	for _, l := range lines(r.Message) {
		fmt.Fprintf(&b, "message\t\t%s\n", field(l))
	}
	for _, res := range r.Results {
		name := field(res.Name)
		fmt.Fprintf(&b, "%s\t%s\t%d\t%d\n", field(string(res.Status)), name, res.Score, res.MaxScore)
		if res.Status == checks.Pass {
			continue
		}
		for _, l := range lines(res.Message) {
			fmt.Fprintf(&b, "message\t%s\t%s\n", name, field(l))
		}
		out := lines(res.Output)
		for i, l := range out {
			if i == maxOutputLines {
				fmt.Fprintf(&b, "output\t%s\t… %d more lines\n", name, len(out)-i)
				break
			}
			fmt.Fprintf(&b, "output\t%s\t%s\n", name, field(l))
		}
		if res.Status == checks.Skip {
			continue
		}
		for _, l := range lines(res.Hint) {
			fmt.Fprintf(&b, "hint\t%s\t%s\n", name, field(l))
		}
	}
	fmt.Fprintf(&b, "score\t%d\t%d\t%s\n", r.Score, r.MaxScore, field(string(r.Status)))
	_, err := io.WriteString(w, b.String())
	return err
}

// TSVBatch writes a batch of reports as tab-separated records
// (`lab grade --format tsv`), one submission per record, in the order
// given, then the total:
//
//	pass|fail|error <TAB> submission <TAB> score <TAB> max_score
//	message <TAB> submission <TAB> first line of a run-level error
//	total   <TAB> submissions passed <TAB> submissions
func TSVBatch(w io.Writer, reports []checks.Report) error {
	var b strings.Builder
	passed := 0
	for _, r := range reports {
		if r.Status == checks.Pass {
			passed++
		}
		name := label(r)
		fmt.Fprintf(&b, "%s\t%s\t%d\t%d\n", r.Status, field(name), r.Score, r.MaxScore)
		if r.Message != "" {
			fmt.Fprintf(&b, "message\t%s\t%s\n", field(name), field(firstLine(r.Message)))
		}
	}
	fmt.Fprintf(&b, "total\t%d\t%d\n", passed, len(reports))
	_, err := io.WriteString(w, b.String())
	return err
}
