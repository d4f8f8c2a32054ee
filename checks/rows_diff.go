package checks

import (
	"fmt"
	"math/big"
	"strings"
)

// CompareOptions tune CompareRows.
type CompareOptions struct {
	// Ordered makes row order significant.
	Ordered bool
	// ColumnNames requires equal column names.
	ColumnNames bool
	// Tolerance is the largest absolute difference at which two numbers
	// are equal.
	Tolerance float64
}

// RowsDiff is the difference between expected and actual rows.
type RowsDiff struct {
	WantColumns, GotColumns []string
	ColumnsDiffer           bool
	WantCount, GotCount     int
	Missing, Unexpected     [][]any
	// OrderRow is the first row index where an otherwise equal result
	// differs in order; -1 when order is not the problem.
	OrderRow            int
	OrderWant, OrderGot []any
}

// maxShownRows bounds the rows listed in a message.
const maxShownRows = 5

// Equal reports whether there is no difference.
func (d RowsDiff) Equal() bool {
	return !d.ColumnsDiffer && len(d.Missing) == 0 && len(d.Unexpected) == 0 && d.OrderRow < 0
}

// Message is the learner-facing description of the difference; with
// reveal false it gives counts but no expected values.
func (d RowsDiff) Message(reveal bool) string {
	var b strings.Builder
	if d.ColumnsDiffer {
		if reveal || len(d.WantColumns) != len(d.GotColumns) {
			fmt.Fprintf(&b, "columns differ: expected (%s), got (%s)\n", strings.Join(d.WantColumns, ", "), strings.Join(d.GotColumns, ", "))
			if len(d.WantColumns) != len(d.GotColumns) {
				return strings.TrimRight(b.String(), "\n")
			}
		} else {
			fmt.Fprintf(&b, "column names differ from the expected ones (got %s)\n", strings.Join(d.GotColumns, ", "))
		}
	}
	if len(d.Missing)+len(d.Unexpected) > 0 {
		fmt.Fprintf(&b, "expected %d rows, got %d", d.WantCount, d.GotCount)
		if d.WantCount == d.GotCount {
			b.WriteString(" (same count, different values)")
		}
		b.WriteByte('\n')
		if reveal {
			listRows(&b, "missing rows", d.Missing)
		} else if len(d.Missing) > 0 {
			fmt.Fprintf(&b, "%d expected rows are missing\n", len(d.Missing))
		}
		listRows(&b, "unexpected rows", d.Unexpected)
	} else if d.OrderRow >= 0 {
		fmt.Fprintf(&b, "the rows are right but the order is not: first difference at row %d", d.OrderRow+1)
		if reveal {
			fmt.Fprintf(&b, ": expected %s, got %s", formatRow(d.OrderWant), formatRow(d.OrderGot))
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

func listRows(b *strings.Builder, title string, rows [][]any) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "%s (%d):\n", title, len(rows))
	for i, r := range rows {
		if i == maxShownRows {
			fmt.Fprintf(b, "  … and %d more\n", len(rows)-maxShownRows)
			break
		}
		fmt.Fprintf(b, "  %s\n", formatRow(r))
	}
}

// CompareRows compares want and got as multisets of rows, then, when
// opts.Ordered, their order.
func CompareRows(want, got *Rows, opts CompareOptions) RowsDiff {
	d := RowsDiff{WantColumns: want.Columns, GotColumns: got.Columns, WantCount: len(want.Values), GotCount: len(got.Values), OrderRow: -1}
	if len(want.Columns) != len(got.Columns) {
		d.ColumnsDiffer = true
		return d
	}
	if opts.ColumnNames {
		for i := range want.Columns {
			if want.Columns[i] != got.Columns[i] {
				d.ColumnsDiffer = true
			}
		}
	}
	eq := func(a, b []any) bool { return rowsEqual(a, b, opts.Tolerance) }
	if opts.Tolerance == 0 {
		d.Missing, d.Unexpected = diffByKey(want.Values, got.Values)
	} else {
		d.Missing, d.Unexpected = diffGreedy(want.Values, got.Values, eq)
	}
	if len(d.Missing) == 0 && len(d.Unexpected) == 0 && opts.Ordered {
		for i := range want.Values {
			if !eq(want.Values[i], got.Values[i]) {
				d.OrderRow, d.OrderWant, d.OrderGot = i, want.Values[i], got.Values[i]
				break
			}
		}
	}
	return d
}

// diffByKey is the exact multiset difference, in linear time: rows are
// keyed by their values with numbers in canonical form.
func diffByKey(want, got [][]any) (missing, unexpected [][]any) {
	count := make(map[string]int, len(got))
	for _, g := range got {
		count[rowKey(g)]++
	}
	for _, w := range want {
		k := rowKey(w)
		if count[k] > 0 {
			count[k]--
			continue
		}
		missing = append(missing, w)
	}
	for _, g := range got {
		k := rowKey(g)
		if count[k] > 0 {
			count[k]--
			unexpected = append(unexpected, g)
		}
	}
	return missing, unexpected
}

func rowKey(r []any) string {
	var b strings.Builder
	for _, v := range r {
		if v == nil {
			b.WriteString("\x00N")
		} else {
			s := FormatValue(v)
			if rat, ok := new(big.Rat).SetString(s); ok && looksNumeric(s) {
				s = rat.RatString()
			}
			b.WriteString("\x00v")
			b.WriteString(s)
		}
	}
	return b.String()
}

// looksNumeric rejects strings big.Rat parses that are not SQL numbers
// ("1/2"), so that such text is compared as text.
func looksNumeric(s string) bool {
	return s != "" && !strings.ContainsAny(s, "/xXpP")
}

// diffGreedy is the multiset difference under a tolerance: each expected
// row takes the first unused equal row.
func diffGreedy(want, got [][]any, eq func(a, b []any) bool) (missing, unexpected [][]any) {
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for j, g := range got {
			if !used[j] && eq(w, g) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			missing = append(missing, w)
		}
	}
	for j, g := range got {
		if !used[j] {
			unexpected = append(unexpected, g)
		}
	}
	return missing, unexpected
}

func rowsEqual(a, b []any, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !valuesEqual(a[i], b[i], tol) {
			return false
		}
	}
	return true
}

// valuesEqual compares two values as text, except that two numbers are
// compared numerically (10 equals 10.00), within tol.
func valuesEqual(a, b any, tol float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	sa, sb := FormatValue(a), FormatValue(b)
	if sa == sb {
		return true
	}
	ra, okA := new(big.Rat).SetString(sa)
	rb, okB := new(big.Rat).SetString(sb)
	if !okA || !okB || !looksNumeric(sa) || !looksNumeric(sb) {
		return false
	}
	diff := new(big.Rat).Sub(ra, rb)
	diff.Abs(diff)
	t := new(big.Rat)
	t.SetFloat64(tol)
	return diff.Cmp(t) <= 0
}

// formatRow renders a row as (a, b, NULL).
func formatRow(r []any) string {
	parts := make([]string, len(r))
	for i, v := range r {
		parts[i] = FormatValue(v)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
