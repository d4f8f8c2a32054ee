package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/report"
)

// gradeFormats are the output formats of `lab grade`, with the file each
// is written to under --out.
var gradeFormats = []struct{ name, file string }{
	{"terminal", ""},
	{"tsv", "results.tsv"},
	{"json", "index.json"},
	{"junit", "junit.xml"},
	{"csv", "gradebook.csv"},
	{"html", "report.html"},
	{"github", ""},
	{"canvas", "canvas.csv"},
	{"moodle", "moodle.csv"},
}

func formatNames() string {
	var names []string
	for _, f := range gradeFormats {
		names = append(names, f.name)
	}
	return strings.Join(names, ", ")
}

// parseFormats splits --format values ("json,junit" or repeated flags)
// and checks them against --out.
func parseFormats(values []string, out string) ([]string, error) {
	var formats []string
	for _, v := range values {
		for _, f := range strings.Split(v, ",") {
			f = strings.TrimSpace(f)
			if f == "" || slices.Contains(formats, f) {
				continue
			}
			known := false
			for _, g := range gradeFormats {
				known = known || g.name == f
			}
			if !known {
				return nil, &UsageError{Err: fmt.Errorf("--format %q: unknown format (known: %s)", f, formatNames())}
			}
			formats = append(formats, f)
		}
	}
	if len(formats) == 0 {
		formats = []string{"terminal"}
	}
	if out == "" {
		var toStdout []string
		for _, f := range formats {
			if f != "terminal" && f != "github" {
				toStdout = append(toStdout, f)
			}
		}
		if len(toStdout) > 1 {
			return nil, &UsageError{Err: fmt.Errorf("formats %s would all go to standard output; give --out DIR to write each to its own file", strings.Join(toStdout, ", "))}
		}
	}
	return formats, nil
}

// writeOutputs renders reports in every format: to files under out when
// set (terminal still goes to standard output), else to standard output.
// json is the results index, the same document on standard output as in
// out/index.json, whatever the number of reports; under out, each
// report's Exercism results.json is written next to it, where the index
// says. github writes workflow annotations to standard output, on the
// files src says the submissions came from, and appends the job summary
// to $GITHUB_STEP_SUMMARY when that is set. canvas and moodle name the
// students by roster.
func writeOutputs(deps *Deps, reports []checks.Report, formats []string, out string, src sources, roster *report.Roster) error {
	if out != "" {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return err
		}
	}
	for _, f := range formats {
		var buf bytes.Buffer
		var err error
		switch f {
		case "terminal":
			opts := report.TerminalOptions{Color: deps.IO.Color, Width: deps.IO.Width}
			if len(reports) == 1 {
				err = report.Terminal(deps.IO.Out, reports[0], opts)
			} else {
				err = report.TerminalBatch(deps.IO.Out, reports, opts)
			}
			if err != nil {
				return err
			}
			continue
		case "github":
			for _, r := range reports {
				if err := report.GitHubAnnotations(deps.IO.Out, r, annotationPaths(deps, src[r.Submission])); err != nil {
					return err
				}
			}
			if p := deps.Getenv("GITHUB_STEP_SUMMARY"); p != "" {
				if err := report.AppendGitHubSummary(p, reports); err != nil {
					return err
				}
			}
			continue
		case "json":
			err = report.JSONBatch(&buf, reports)
		case "tsv":
			if len(reports) == 1 {
				err = report.TSV(&buf, reports[0])
			} else {
				err = report.TSVBatch(&buf, reports)
			}
		case "junit":
			err = report.JUnit(&buf, reports)
		case "csv":
			err = report.CSV(&buf, reports)
		case "html":
			err = report.HTML(&buf, reports, report.HTMLOptions{Generated: time.Now()})
		case "canvas":
			err = report.Canvas(&buf, reports, roster)
		case "moodle":
			err = report.Moodle(&buf, reports, roster)
		}
		if err != nil {
			return fmt.Errorf("render %s: %w", f, err)
		}
		if out == "" {
			if _, err := io.Copy(deps.IO.Out, &buf); err != nil {
				return err
			}
			continue
		}
		path := filepath.Join(out, fileFor(f))
		if err := writeOutFile(out, path, buf.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(deps.IO.ErrOut, "wrote %s\n", path)
		if f == "json" {
			if err := writeResultsFiles(deps, reports, out); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeResultsFiles writes each report's results.json under out, where
// report.ResultsFiles puts it, and says so in one line.
func writeResultsFiles(deps *Deps, reports []checks.Report, out string) error {
	for i, name := range report.ResultsFiles(reports) {
		var buf bytes.Buffer
		if err := report.JSON(&buf, reports[i]); err != nil {
			return err
		}
		path := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := writeOutFile(out, path, buf.Bytes()); err != nil {
			return err
		}
	}
	if len(reports) > 0 {
		fmt.Fprintf(deps.IO.ErrOut, "wrote %d results.json (%s)\n", len(reports), filepath.Join(out, "<submission>", "results.json"))
	}
	return nil
}

// annotationPaths makes the paths of one submission's files relative to
// $GITHUB_WORKSPACE when they are absolute paths inside it: GitHub places
// annotations by paths relative to the repository.
func annotationPaths(deps *Deps, paths map[string]string) map[string]string {
	ws := deps.Getenv("GITHUB_WORKSPACE")
	if ws == "" || paths == nil {
		return paths
	}
	out := make(map[string]string, len(paths))
	for name, p := range paths {
		if filepath.IsAbs(filepath.FromSlash(p)) {
			if rel, err := filepath.Rel(ws, filepath.FromSlash(p)); err == nil && !strings.HasPrefix(rel, "..") {
				p = filepath.ToSlash(rel)
			}
		}
		out[name] = p
	}
	return out
}

func fileFor(format string) string {
	for _, g := range gradeFormats {
		if g.name == format {
			return g.file
		}
	}
	return format
}

// batchExit is the exit code of a graded batch: 0 all passed, 1 any
// failed, 3 when some only errored.
func batchExit(reports []checks.Report) error {
	code := ExitOK
	for _, r := range reports {
		switch r.Status {
		case checks.Fail:
			code = ExitFailed
		case checks.Error:
			if code == ExitOK {
				code = ExitEnvironment
			}
		}
	}
	if code == ExitOK {
		return nil
	}
	return &ExitError{Code: code}
}
