package report

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
)

func TestGolden(t *testing.T) {
	each := func(render func(io.Writer, checks.Report) error) func(io.Writer, []checks.Report) error {
		return func(w io.Writer, reports []checks.Report) error {
			for _, r := range reports {
				if _, err := io.WriteString(w, "=== "+label(r)+"\n"); err != nil {
					return err
				}
				if err := render(w, r); err != nil {
					return err
				}
			}
			return nil
		}
	}
	generated := time.Date(2025, 3, 14, 9, 26, 0, 0, time.UTC)
	tests := []struct {
		name   string
		render func(io.Writer, []checks.Report) error
	}{
		{"terminal-tty", each(func(w io.Writer, r checks.Report) error {
			return Terminal(w, r, TerminalOptions{})
		})},
		{"terminal-color", each(func(w io.Writer, r checks.Report) error {
			return Terminal(w, r, TerminalOptions{Color: true})
		})},
		{"tsv", each(TSV)},
		{"terminal-batch-tty", func(w io.Writer, rs []checks.Report) error {
			return TerminalBatch(w, rs, TerminalOptions{Color: true})
		}},
		{"tsv-batch", TSVBatch},
		{"json", each(JSON)},
		{"json-batch", JSONBatch},
		{"junit", JUnit},
		{"github-annotations", each(func(w io.Writer, r checks.Report) error {
			return GitHubAnnotations(w, r, map[string]string{"solution.sql": "submissions/" + r.Submission + "/solution.sql"})
		})},
		{"github-summary", GitHubSummary},
		{"github-summary-one", func(w io.Writer, rs []checks.Report) error {
			return GitHubSummary(w, rs[:1])
		}},
		{"csv", CSV},
		{"html", func(w io.Writer, rs []checks.Report) error {
			return HTML(w, rs, HTMLOptions{Generated: generated})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			reports := fixture()
			if !strings.HasPrefix(tt.name, "terminal") {
				// The machine formats render erin too.
				reports = formatsFixture()
			}
			if err := tt.render(&buf, reports); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, buf.Bytes())
		})
	}
}
