package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/labrunner/labrunner/checks"
)

// CSV writes a gradebook of reports of one lab: a header
//
//	submission,<check 1>,<check 2>,…,total,max,status
//
// with the checks in the lab's order, then one row per report, sorted by
// submission name (stably: reports with the same name keep their order).
// Every check's cell and total and max are whole numbers, so that a
// spreadsheet sums them: a check's cell holds the points scored, 0 when
// it failed, errored, was skipped or has no result (a run that could not
// start). total and max are the report's score and max_score; status,
// the last column, is pass, fail or error and tells a 0 earned from a 0
// the grader could not give.
//
// A cell that a spreadsheet would take for a formula (starting with =, +,
// -, @, tab or carriage return) is prefixed with a single quote. Reports
// of more than one lab are an error.
func CSV(w io.Writer, reports []checks.Report) error {
	if _, err := oneLab(reports); err != nil {
		return fmt.Errorf("gradebook: %w", err)
	}
	names := checkOrder(reports)
	sorted := append([]checks.Report(nil), reports...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Submission < sorted[j].Submission })

	cw := csv.NewWriter(w)
	header := append([]string{"submission"}, names...)
	header = append(header, "total", "max", "status")
	if err := cw.Write(safeCells(header)); err != nil {
		return err
	}
	for _, r := range sorted {
		byName := make(map[string]checks.Result, len(r.Results))
		for _, res := range r.Results {
			byName[res.Name] = res
		}
		row := []string{r.Submission}
		for _, name := range names {
			row = append(row, strconv.Itoa(byName[name].Score))
		}
		row = append(row, strconv.Itoa(r.Score), strconv.Itoa(r.MaxScore), string(r.Status))
		if err := cw.Write(safeCells(row)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeCells neutralises cells a spreadsheet would evaluate as formulas.
func safeCells(row []string) []string {
	for i, c := range row {
		if c != "" && (c[0] == '=' || c[0] == '+' || c[0] == '-' || c[0] == '@' || c[0] == '\t' || c[0] == '\r') {
			if _, err := strconv.Atoi(c); err == nil {
				continue // a negative number is a number
			}
			row[i] = "'" + c
		}
	}
	return row
}
