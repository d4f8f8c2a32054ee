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

// maxHTMLText caps one check's text in the HTML report; maxHTMLFile caps
// one submitted file shown in it.
const (
	maxHTMLText = 4000
	maxHTMLFile = 64 << 10
)

// maxBins is the most bars of the score distribution.
const maxBins = 20

// HTML writes a static, self-contained HTML report of reports of one lab
// for instructors: counts of submissions by status and the mean score; a
// score distribution (a bar per score, or per range of scores when the
// maximum is over 20: how many submissions got it); a table of the checks
// with their points and pass rate (passed out of the submissions that
// have a result for the check); and a table of the submissions, sorted by
// name, with status, score, a ✓/✗/!/- cell per check under the check's
// name (the message and hint in its title), the submitted files, each
// viewable in place (a <details> per file, when the reports carry them),
// and the messages of the checks that did not pass in a <details>.
//
// A filter box and a status menu filter the submissions; a click on a
// column's header sorts by it (again: the other way), by name, status
// (pass, fail, error), score or a check's result (pass, fail, skipped,
// error, none). Filter and sort can be given in the URL too,
// "report.html#q=ali&status=fail&sort=score-desc", sort naming a column
// by "name", "status", "score" or a check's number ("c1" for the first)
// and "-asc" or "-desc".
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
	Dist                    htmlDist
}

// htmlDist is the score distribution as an SVG bar chart.
type htmlDist struct {
	Width, Height, Base int
	Bins                []htmlBin
}

type htmlBin struct {
	Label           string
	Count           int
	X, Y, W, H, Mid int
	CountY          int
}

type htmlCheck struct {
	Number, Points                           int
	Name                                     string
	Passed, Failed, Errored, Skipped, Graded int
	Rate                                     int
}

type htmlRow struct {
	Name, Search, Status string
	StatusRank           int
	Score, MaxScore      int
	Cells                []htmlCell
	Files                []htmlFile
	Issues               []htmlIssue
}

type htmlCell struct {
	Mark, Class, Title string
	Rank               int
}

type htmlFile struct {
	Name, Text string
	Lines      int
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
		row.StatusRank = statusRank(r.Status)
		for i := range row.Cells {
			row.Cells[i] = htmlCell{Mark: "·", Class: "none", Title: "no result", Rank: 4}
		}
		for _, name := range sortedKeys(r.Files) {
			text := truncate(cleanText(r.Files[name]), maxHTMLFile, "\n… (cut at 64 KiB)")
			row.Files = append(row.Files, htmlFile{Name: name, Text: text, Lines: len(lines(text))})
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
			row.Cells[i] = htmlCell{Mark: mark(res.Status), Class: string(res.Status), Title: title, Rank: cellRank(res.Status)}
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
	p.Dist = distribution(sorted, p.Max)
	return p
}

// Geometry of the score distribution, in pixels.
const (
	distBar    = 36
	distGap    = 8
	distHeight = 120
	distPad    = 24
)

// distribution counts the reports by score, one bin per score from 0 to
// maxScore, or ranges of scores when that makes more than maxBins bins.
func distribution(reports []checks.Report, maxScore int) htmlDist {
	width := (maxScore + maxBins) / maxBins // ceil((maxScore+1)/maxBins)
	n := maxScore/width + 1
	counts := make([]int, n)
	most := 0
	for _, r := range reports {
		i := min(max(r.Score, 0)/width, n-1)
		counts[i]++
		most = max(most, counts[i])
	}
	d := htmlDist{Width: n*(distBar+distGap) + distGap, Height: distHeight + 2*distPad, Base: distPad + distHeight}
	for i, c := range counts {
		lo, hi := i*width, min((i+1)*width-1, maxScore)
		label := strconv.Itoa(lo)
		if hi > lo {
			label += "–" + strconv.Itoa(hi)
		}
		h := 0
		if most > 0 {
			h = c * distHeight / most
		}
		x := distGap + i*(distBar+distGap)
		d.Bins = append(d.Bins, htmlBin{
			Label: label, Count: c,
			X: x, W: distBar, H: h, Y: d.Base - h, Mid: x + distBar/2, CountY: d.Base - h - 4,
		})
	}
	return d
}

// statusRank orders submissions by status for sorting: pass, fail, error.
func statusRank(s checks.Status) int {
	switch s {
	case checks.Pass:
		return 0
	case checks.Fail:
		return 1
	}
	return 2
}

// cellRank orders a check's results for sorting: pass, fail, skipped,
// error; no result (4) last.
func cellRank(s checks.Status) int {
	switch s {
	case checks.Pass:
		return 0
	case checks.Fail:
		return 1
	case checks.Skip:
		return 2
	}
	return 3
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
