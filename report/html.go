package report

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labrunner/labrunner/checks"
)

//go:embed html.tmpl
var htmlSource string

//go:embed html.js
var htmlScript string

var htmlTemplate = template.Must(template.New("report").Parse(htmlSource))

// HTMLOptions tune the HTML report.
type HTMLOptions struct {
	// Title heads the page; default "<lab> — results".
	Title string
	// Generated is shown as the time of the report; the zero time shows
	// none.
	Generated time.Time
}

// maxHTMLText caps one check's text in the HTML report.
const maxHTMLText = 4000

// HTML writes a static, self-contained HTML report of reports of one lab
// for instructors: counts of submissions by status and the mean score; a
// table of the checks with their points and pass rate (passed out of the
// submissions that have a result for the check); and a table of the
// submissions, sorted by name, with status, score, a ✓/✗/!/- cell per
// check (the message and hint in its title) and the messages of the
// checks that did not pass in a <details>. A filter box and a status
// menu filter the submissions; the filter can also be given in the URL,
// "report.html#q=ali&status=fail".
//
// The page loads nothing: styles and a few lines of vanilla JavaScript are
// inline, and a Content-Security-Policy allows only that script (by its
// hash) and inline styles. Learner text is escaped by html/template.
// Reports of more than one lab are an error.
func HTML(w io.Writer, reports []checks.Report, opts HTMLOptions) error {
	lab, err := oneLab(reports)
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	page := buildPage(lab, reports, opts)
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, page); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

type htmlPage struct {
	Title, Lab, Generated   string
	CSP                     string
	Script                  template.JS
	Passed, Failed, Errored int
	Mean                    string
	Max                     int
	Checks                  []htmlCheck
	Rows                    []htmlRow
}

type htmlCheck struct {
	Number, Points                           int
	Name                                     string
	Passed, Failed, Errored, Skipped, Graded int
	Rate                                     int
}

type htmlRow struct {
	Name, Search, Status string
	Score, MaxScore      int
	Cells                []htmlCell
	Issues               []htmlIssue
}

type htmlCell struct {
	Mark, Class, Title string
}

type htmlIssue struct {
	Mark, Class, Name, Text string
}

func buildPage(lab string, reports []checks.Report, opts HTMLOptions) htmlPage {
	sum := sha256.Sum256([]byte(htmlScript))
	p := htmlPage{
		Title:  opts.Title,
		Lab:    lab,
		Script: template.JS(htmlScript),
		CSP: "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" +
			base64.StdEncoding.EncodeToString(sum[:]) + "'; base-uri 'none'; form-action 'none'",
	}
	if p.Title == "" {
		p.Title = lab + " — results"
	}
	if !opts.Generated.IsZero() {
		p.Generated = opts.Generated.Format("2006-01-02 15:04 MST")
	}

	names := checkOrder(reports)
	index := map[string]int{}
	for i, name := range names {
		index[name] = i
		p.Checks = append(p.Checks, htmlCheck{Number: i + 1, Name: name})
	}
	sorted := append([]checks.Report(nil), reports...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Submission < sorted[j].Submission })

	total := 0
	for _, r := range sorted {
		switch r.Status {
		case checks.Pass:
			p.Passed++
		case checks.Error:
			p.Errored++
		default:
			p.Failed++
		}
		total += r.Score
		p.Max = max(p.Max, r.MaxScore)
		row := htmlRow{
			Name:     label(r),
			Search:   strings.ToLower(label(r)),
			Status:   string(r.Status),
			Score:    r.Score,
			MaxScore: r.MaxScore,
			Cells:    make([]htmlCell, len(names)),
		}
		for i := range row.Cells {
			row.Cells[i] = htmlCell{Mark: "·", Class: "none", Title: "no result"}
		}
		if r.Message != "" {
			row.Issues = append(row.Issues, htmlIssue{Mark: mark(checks.Error), Class: "error", Name: "grading", Text: truncate(cleanText(r.Message), maxHTMLText, "\n… (truncated)")})
		}
		for _, res := range r.Results {
			i := index[res.Name]
			c := &p.Checks[i]
			c.Graded++
			c.Points = max(c.Points, res.MaxScore)
			switch res.Status {
			case checks.Pass:
				c.Passed++
			case checks.Fail:
				c.Failed++
			case checks.Error:
				c.Errored++
			case checks.Skip:
				c.Skipped++
			}
			title := fmt.Sprintf("%s — %s (%d/%d)", res.Name, res.Status, res.Score, res.MaxScore)
			text := problemText(res)
			if text != "" {
				title += "\n" + truncate(cleanText(text), 500, "…")
			}
			row.Cells[i] = htmlCell{Mark: mark(res.Status), Class: string(res.Status), Title: title}
			if res.Status != checks.Pass {
				if res.Output != "" {
					text += "\n\noutput:\n" + res.Output
				}
				row.Issues = append(row.Issues, htmlIssue{
					Mark:  mark(res.Status),
					Class: string(res.Status),
					Name:  res.Name,
					Text:  truncate(cleanText(strings.TrimSpace(text)), maxHTMLText, "\n… (truncated)"),
				})
			}
		}
		p.Rows = append(p.Rows, row)
	}
	for i := range p.Checks {
		if c := &p.Checks[i]; c.Graded > 0 {
			c.Rate = c.Passed * 100 / c.Graded
		}
	}
	p.Mean = "0"
	if len(sorted) > 0 {
		p.Mean = strconv.FormatFloat(float64(total)/float64(len(sorted)), 'f', 1, 64)
	}
	return p
}
