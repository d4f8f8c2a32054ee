package checks

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Context kept around the first difference of two long values: runes
// before it and after it.
const (
	diffBefore = 24
	diffAfter  = 32
)

// longValue is the length (in runes) from which a mismatch of two values
// is shown as a window around their first difference rather than whole.
const longValue = 60

// needsDiff reports whether got and want are better compared by diffAt
// than quoted whole: either is long or spans lines, where two quotes cut
// at the same length would hide where they differ.
func needsDiff(got, want string) bool {
	return utf8.RuneCountInString(got) > longValue || utf8.RuneCountInString(want) > longValue ||
		strings.Contains(got, "\n") || strings.Contains(want, "\n")
}

// diffAt says where got first differs from want, as the end of a
// sentence ("… differs from the expected value at line 2, column 7:"),
// followed by the two values quoted around that place, one above the
// other, and a caret under the first character that differs:
//
//	differs from the expected value at character 131:
//	  got:      …"email": "ada@x.org"}
//	  expected: …"email": "ada@example.org"}
//	                            ^
func diffAt(got, want string) string {
	g, w := []rune(got), []rune(want)
	i := 0
	for i < len(g) && i < len(w) && g[i] == w[i] {
		i++
	}
	// The line and column of the difference, for values of many lines.
	line, col := 1, 1
	lineStart := 0
	for j := 0; j < i; j++ {
		if g[j] == '\n' {
			line, col, lineStart = line+1, 1, j+1
		} else {
			col++
		}
	}
	where := fmt.Sprintf("at character %d", i+1)
	if strings.Contains(got, "\n") || strings.Contains(want, "\n") {
		where = fmt.Sprintf("at line %d, column %d", line, col)
	}
	start := max(lineStart, i-diffBefore)
	gq, caret := window(g, start, i, start > lineStart)
	wq, _ := window(w, start, i, start > lineStart)
	const gotLabel, wantLabel = "  got:      ", "  expected: "
	return fmt.Sprintf("differs from the expected value %s:\n%s%s\n%s%s\n%s^",
		where, gotLabel, gq, wantLabel, wq, strings.Repeat(" ", len(wantLabel)+caret))
}

// window quotes r[start:] up to diffAfter runes past at, with "…" where it
// is cut (at the start when cut is set), and returns the column of the
// rune at within the quoted text.
func window(r []rune, start, at int, cut bool) (string, int) {
	end := min(len(r), at+diffAfter)
	if nl := indexRune(r[at:end], '\n'); nl >= 0 && at+nl > at {
		// The rest of the line is enough; the next line would only
		// confuse the columns.
		end = at + nl
	}
	head := ""
	if cut {
		head = "…"
	}
	before := strconv.Quote(string(r[start:at]))
	before = before[:len(before)-1] // without the closing quote
	q := head + before + strings.TrimPrefix(strconv.Quote(string(r[at:end])), `"`)
	if end < len(r) {
		q += "…"
	}
	if at >= len(r) {
		// The value ends where the other goes on.
		q = head + before + `"` + " (ends here)"
	}
	return q, utf8.RuneCountInString(head) + utf8.RuneCountInString(before)
}

func indexRune(r []rune, c rune) int {
	for i, x := range r {
		if x == c {
			return i
		}
	}
	return -1
}
