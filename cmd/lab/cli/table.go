package cli

import (
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// table prints rows in aligned columns that fit a terminal's width, the
// way gh's tableprinter does: two spaces between columns, no padding after
// the last, and when the rows are too wide, the columns in cut (a title
// first) are cut with "…" rather than a line wrapping. Widths are display widths
// (✓ is one column, a CJK character two), measured before styling, so a
// bold header or a green cell does not push its column out of line.
type table struct {
	header []string
	rows   [][]string
	// cut are the columns that may be cut to fit the width, in the order
	// they are cut, each down to minCutWidth.
	cut []int
	// style styles a cell after it is padded: the header row is -1.
	style func(row, col int, cell string) string
	// sections are lines printed before a row (by index), after a blank
	// line: a group's heading. They do not count in the column widths and
	// are cut to the width; sectionStyle styles them.
	sections     map[int]string
	sectionStyle func(string) string
	// minCut is the narrowest a cut column becomes; 0 means minCutWidth.
	minCut int
}

// tableGap is the space between columns.
const tableGap = 2

// minCutWidth is the narrowest a column is cut to; a terminal too narrow
// for that is left to wrap the lines.
const minCutWidth = 12

func (t *table) render(w io.Writer, width int) error {
	all := append([][]string{t.header}, t.rows...)
	widths := make([]int, len(t.header))
	for _, r := range all {
		for i, c := range r {
			widths[i] = max(widths[i], runewidth.StringWidth(c))
		}
	}
	total := tableGap * (len(widths) - 1)
	for _, cw := range widths {
		total += cw
	}
	minCut := t.minCut
	if minCut == 0 {
		minCut = minCutWidth
	}
	for _, col := range t.cut {
		if over := total - width; width > 0 && over > 0 && widths[col] > minCut {
			cw := max(minCut, widths[col]-over)
			total -= widths[col] - cw
			widths[col] = cw
		}
	}
	var b strings.Builder
	for ri, r := range all {
		if h, ok := t.sections[ri-1]; ok && ri > 0 {
			if width > 0 {
				h = runewidth.Truncate(h, width, "…")
			}
			if t.sectionStyle != nil {
				h = t.sectionStyle(h)
			}
			b.WriteString("\n" + h + "\n")
		}
		var line strings.Builder
		for i, c := range r {
			c = runewidth.Truncate(c, widths[i], "…")
			if i < len(r)-1 {
				c = runewidth.FillRight(c, widths[i])
			}
			if t.style != nil {
				c = t.style(ri-1, i, c)
			}
			if i > 0 {
				line.WriteString(strings.Repeat(" ", tableGap))
			}
			line.WriteString(c)
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
