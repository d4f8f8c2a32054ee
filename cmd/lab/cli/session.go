package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
)

// workspaceLab is an open workspace with its lab definition.
type workspaceLab struct {
	ws  *workspace.Workspace
	lab *labs.Lab
}

// openWorkspace finds the workspace from dir (the current folder when "")
// and loads its lab from the catalog it was started from.
func openWorkspace(deps *Deps, dir string) (*workspaceLab, error) {
	if dir == "" {
		var err error
		if dir, err = os.Getwd(); err != nil {
			return nil, err
		}
	}
	ws, err := workspace.Find(dir)
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	return loadWorkspaceLab(deps, ws)
}

// loadWorkspaceLab loads the lab of ws from its catalog (see
// workspaceCatalog), remembering a catalog given with --labs.
func loadWorkspaceLab(deps *Deps, ws *workspace.Workspace) (*workspaceLab, error) {
	catalog, remember, err := workspaceCatalog(deps, ws)
	if err != nil {
		return nil, err
	}
	lab, err := loadLabIn(ws.State.Lab, catalog)
	if err != nil {
		if !deps.CatalogFlag && catalog != "" && isUsage(err) {
			err = &UsageError{Err: fmt.Errorf("%w; the workspace was started from that catalog: if it moved, run the command once with --labs <catalog folder>", err)}
		}
		return nil, err
	}
	// The language the workspace was started in; one the lab no longer
	// offers is said, with what it offers.
	if lab, err = lab.ForLanguage(ws.State.Language); err != nil {
		return nil, &UsageError{Err: fmt.Errorf("workspace %s: %w", ws.Dir, err)}
	}
	if remember {
		ws.State.Catalog = catalog
		if err := ws.Save(); err != nil {
			return nil, fmt.Errorf("save workspace: %w", err)
		}
	}
	return &workspaceLab{ws: ws, lab: lab}, nil
}

// isUsage reports whether err is a usage error.
func isUsage(err error) bool {
	var ue *UsageError
	return errors.As(err, &ue)
}

// submissionNames lists the lab's submission files.
func submissionNames(lab *labs.Lab) []string {
	var names []string
	for _, f := range lab.Submission {
		names = append(names, f.File)
	}
	return names
}

// attach returns the workspace's running lab, or nil when none runs.
func (w *workspaceLab) attach(ctx context.Context, d labDriver) (labEnv, error) {
	if w.ws.State.Session == "" {
		return nil, nil
	}
	env, err := d.AttachLab(ctx, w.lab, w.ws.State.Session)
	if err != nil {
		return nil, err
	}
	return env, nil
}

// attachRunning connects to Docker and returns the workspace's running
// lab; it is a usage error when none runs. The caller must close the
// driver.
func (w *workspaceLab) attachRunning(ctx context.Context, deps *Deps) (labDriver, labEnv, error) {
	d, err := deps.Driver(ctx)
	if err != nil {
		return nil, nil, err
	}
	env, err := w.attach(ctx, d)
	if err == nil && env == nil {
		err = &UsageError{Err: fmt.Errorf("%s is not running; `lab start %s` first", w.lab.ID, w.lab.ID)}
	}
	if err != nil {
		d.Close()
		return nil, nil, err
	}
	return d, env, nil
}

// progress loads the learner's progress file.
func (d *Deps) progress() (*workspace.Progress, error) {
	p, err := workspace.LoadProgress(workspace.ProgressPath(d.Getenv))
	if err != nil {
		return nil, &runner.EnvError{Err: err}
	}
	return p, nil
}

// printConnections prints how to reach each service of a running lab.
func printConnections(deps *Deps, env labEnv) {
	for _, svc := range env.Services() {
		u := svc.URL
		if u == "" {
			u = "(no port; use `lab shell " + svc.Name + "`)"
		}
		fmt.Fprintf(deps.IO.Out, "  %-8s %-9s %s\n", svc.Name, svc.Kind, u)
		if svc.HTTPSURL != "" {
			fmt.Fprintf(deps.IO.Out, "  %-8s %-9s %s\n", "", "", svc.HTTPSURL)
		}
	}
}

func since(t time.Time) string { return time.Since(t).Round(time.Millisecond).String() }
