package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"text/tabwriter"
	"time"
)

// printTable writes the results as aligned columns: operation, labrunner
// and reference as "median (min–max)", their ratio, and a note.
func printTable(w io.Writer, results []result) {
	tw := tabwriter.NewWriter(w, 0, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "operation\tlabrunner median (min–max)\treference median (min–max)\tratio\tnote")
	fmt.Fprintln(tw, "---------\t--------------------------\t--------------------------\t-----\t----")
	for _, r := range results {
		lab, ref := summarize(r.labrunner), summarize(r.reference)
		refCol, ratioCol := "—", "—"
		if r.hasRef {
			refCol = format(r.row.unit, ref)
		}
		if q := ratio(lab, ref); q > 0 {
			ratioCol = fmt.Sprintf("%.2f×", q)
		}
		note := r.row.note
		if r.err != nil {
			note = "ERROR: " + r.err.Error()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.row.op, format(r.row.unit, lab), refCol, ratioCol, note)
	}
	tw.Flush()
}

// format renders a summary in the row's unit: "312 ms (298–340)";
// durations of 10 s and more in seconds.
func format(u unit, s *summary) string {
	if s == nil {
		return "—"
	}
	var scale float64
	var suffix string
	switch {
	case u == unitSeconds && s.Median >= 10:
		// Minutes read better as seconds: "342 s", not "342485 ms".
		scale, suffix = 1, "s"
	case u == unitSeconds:
		scale, suffix = 1e3, "ms"
	case u == unitBytes:
		scale, suffix = 1.0/(1<<20), "MiB"
	default:
		scale, suffix = 1, string(u)
	}
	num := func(v float64) string {
		v *= scale
		if v < 10 {
			return fmt.Sprintf("%.1f", v)
		}
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%s %s (%s–%s)", num(s.Median), suffix, num(s.Min), num(s.Max))
}

// report is the shape of the results file (-json, bin/bench-results.json).
type report struct {
	Version     int         `json:"version"`
	Started     time.Time   `json:"started"`
	WallSeconds float64     `json:"wall_seconds"`
	Runs        int         `json:"runs"`
	Warmup      int         `json:"warmup"`
	ImageSet    string      `json:"image_set"`
	Engine      string      `json:"engine"`
	Commit      string      `json:"commit,omitempty"`
	GoVersion   string      `json:"go"`
	CPUs        int         `json:"cpus"`
	Rows        []reportRow `json:"rows"`
	Warnings    []string    `json:"warnings,omitempty"`
}

type reportRow struct {
	Operation string   `json:"operation"`
	Unit      unit     `json:"unit"`
	Note      string   `json:"note,omitempty"`
	Labrunner *summary `json:"labrunner"`
	Reference *summary `json:"reference"`
	Ratio     float64  `json:"ratio,omitempty"`
	Error     string   `json:"error,omitempty"`
}

func newReport(ctx context.Context, e *env, n, warmup int, started time.Time, wall time.Duration, results []result) report {
	rep := report{
		Version:     1,
		Started:     started.UTC().Round(time.Second),
		WallSeconds: wall.Seconds(),
		Runs:        n,
		Warmup:      warmup,
		ImageSet:    imageSet(e.cfg),
		GoVersion:   runtime.Version(),
		CPUs:        runtime.NumCPU(),
		Warnings:    e.warnings,
	}
	if v, _, err := e.d.ServerVersion(ctx); err == nil {
		rep.Engine = v
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rep.Commit = s.Value + rep.Commit
			case "vcs.modified":
				if s.Value == "true" {
					rep.Commit += "-dirty"
				}
			}
		}
	}
	for _, r := range results {
		lab, ref := summarize(r.labrunner), summarize(r.reference)
		row := reportRow{Operation: r.row.op, Unit: r.row.unit, Note: r.row.note, Labrunner: lab, Reference: ref, Ratio: ratio(lab, ref)}
		if r.err != nil {
			row.Error = r.err.Error()
		}
		rep.Rows = append(rep.Rows, row)
	}
	return rep
}

func writeJSON(path string, rep report) error {
	data, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}
