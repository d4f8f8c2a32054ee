package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
)

// statusOverview is `lab status` outside a workspace: the labs running on
// this machine and the learner's progress across labs. Without a Docker
// engine it still shows the progress, and says why it cannot list labs.
func statusOverview(ctx context.Context, deps *Deps) error {
	out := deps.IO.Out
	fmt.Fprintln(out, "running labs")
	if d, err := deps.Driver(ctx); err != nil {
		fmt.Fprintf(out, "  unknown: %v\n", err)
	} else {
		sessions, err := listSessions(ctx, d, false)
		d.Close()
		switch {
		case err != nil:
			fmt.Fprintf(out, "  unknown: %v\n", err)
		case len(sessions) == 0:
			fmt.Fprintln(out, "  none (`lab start <lab>` starts one)")
		default:
			printSessionTable(&indentWriter{w: out}, sessions)
		}
	}

	p, err := deps.progress()
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "progress")
	if len(p.Labs) == 0 {
		fmt.Fprintln(out, "  no lab checked yet (`lab list` shows the catalog)")
		return nil
	}
	ids := make([]string, 0, len(p.Labs))
	for id := range p.Labs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	tw := tabwriter.NewWriter(&indentWriter{w: out}, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LAB\tSTATUS\tBEST\tCHECKS\tHINTS\tLAST CHECKED")
	passed := 0
	for _, id := range ids {
		lp := p.Labs[id]
		status := "started"
		if lp.Passed {
			status, passed = "passed", passed+1
		}
		last := "-"
		if !lp.LastChecked.IsZero() {
			last = lp.LastChecked.Local().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%d\t%d\t%s\n", id, status, lp.BestScore, lp.MaxScore, lp.Checks, lp.HintsUsed, last)
	}
	tw.Flush()
	if all, _ := deps.loadCatalog(); len(all) > 0 {
		inCatalog := 0
		for _, l := range all {
			if p.Labs[l.ID] != nil && p.Labs[l.ID].Passed {
				inCatalog++
			}
		}
		fmt.Fprintf(out, "passed %d of the catalog's %d labs\n", inCatalog, len(all))
	} else {
		fmt.Fprintf(out, "passed %s\n", plural(passed, "lab"))
	}
	return nil
}

// indentWriter writes what it is given with every line two spaces in.
type indentWriter struct {
	w io.Writer
	// mid is set inside a line.
	mid bool
}

func (i *indentWriter) Write(b []byte) (int, error) {
	var buf []byte
	for _, c := range b {
		if !i.mid && c != '\n' {
			buf = append(buf, ' ', ' ')
		}
		buf = append(buf, c)
		i.mid = c != '\n'
	}
	if _, err := i.w.Write(buf); err != nil {
		return 0, err
	}
	return len(b), nil
}
