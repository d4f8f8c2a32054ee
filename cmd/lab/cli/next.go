package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/internal/workspace"
	"github.com/labrunner/labrunner/labs"
)

// NextOptions are the inputs of `lab next`.
type NextOptions struct {
	Deps *Deps
	// Track is the track to walk; "" is the current one (see pickTrack).
	Track string
	// Dir is the folder for the workspace; default ./<lab>, or beside the
	// workspace the current folder is in.
	Dir string
	// Progress loads the learner's progress; nil reads the progress file.
	Progress func() (*workspace.Progress, error)
}

// NewCmdNext builds `lab next`.
func NewCmdNext(deps *Deps, runF func(context.Context, *NextOptions) error) *cobra.Command {
	opts := &NextOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "next [dir]",
		Short: "Start the next lab of your track",
		Long: `next starts the first lab of the current track that you have not passed, as
'lab start' would. The current track is the one given with --track, else
the track of the lab you last started with 'lab next' (or, if you started
it by name, its first track), else the catalog's first track (see 'lab
list'). A lab whose prerequisites you have not passed yet waits: next starts
the first prerequisite instead, and says so. Run inside a workspace, the
new workspace goes beside it.`,
		Example: `  lab next                   # the next lab of your current track
  lab next --track nginx     # switch to the nginx track
  lab next ~/labs/next-one   # in that folder`,
		Args: usageArgs(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				opts.Dir = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return nextRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Track, "track", "", "the track to follow (ids in `lab list`)")
	_ = cmd.RegisterFlagCompletionFunc("track", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		all, _ := deps.loadCatalog()
		tracks, err := deps.loadTracks(all)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return tracks.IDs(), cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// nextPick is what `lab next` chose: the lab, the track it walks, and why
// when it is not simply the next one of the track.
type nextPick struct {
	lab, track, why string
}

// pickTrack returns the track `lab next` walks: want when given, else the
// track of progress's current lab, else the first track.
func pickTrack(tracks *labs.Tracks, progress *workspace.Progress, want string) (*labs.Track, error) {
	if want != "" {
		if tr := tracks.Track(want); tr != nil {
			return tr, nil
		}
		return nil, &UsageError{Err: fmt.Errorf("no track %q in this catalog; its tracks: %s", want, strings.Join(tracks.IDs(), ", "))}
	}
	if tr := tracks.Track(progress.Current.Track); tr != nil {
		return tr, nil
	}
	if of := tracks.Of(progress.Current.Lab); len(of) > 0 {
		return of[0], nil
	}
	if len(tracks.Tracks) == 0 {
		return nil, &UsageError{Err: errors.New("this catalog has no labs")}
	}
	return tracks.Tracks[0], nil
}

// pickNext returns the first lab of tr not passed; when its prerequisites
// are not all passed, the first of those (recursively) instead. ok is
// false when every lab of tr is passed.
func pickNext(tracks *labs.Tracks, progress *workspace.Progress, tr *labs.Track) (nextPick, bool) {
	passed := func(id string) bool { lp := progress.Labs[id]; return lp != nil && lp.Passed }
	for _, id := range tr.Labs {
		if passed(id) {
			continue
		}
		pick := nextPick{lab: id, track: tr.ID}
		seen := map[string]bool{id: true}
		for {
			var missing string
			for _, req := range tracks.Requires[pick.lab] {
				if !passed(req) && !seen[req] {
					missing = req
					break
				}
			}
			if missing == "" {
				return pick, true
			}
			pick.why = fmt.Sprintf("%s needs %s first", pick.lab, missing)
			pick.lab = missing
			seen[missing] = true
		}
	}
	return nextPick{}, false
}

func nextRun(ctx context.Context, opts *NextOptions) error {
	deps := opts.Deps
	all, err := deps.loadCatalog()
	if err != nil {
		return err
	}
	tracks, err := deps.loadTracks(all)
	if err != nil {
		return err
	}
	load := opts.Progress
	if load == nil {
		load = deps.progress
	}
	progress, err := load()
	if err != nil {
		return err
	}
	tr, err := pickTrack(tracks, progress, opts.Track)
	if err != nil {
		return err
	}
	pick, ok := pickNext(tracks, progress, tr)
	if !ok {
		msg := fmt.Sprintf("you have passed every lab of the %s track", tr.Title)
		for _, other := range tracks.Tracks {
			if _, more := pickNext(tracks, progress, other); more {
				msg += fmt.Sprintf("; next, try another: lab next --track %s", other.ID)
				break
			}
		}
		fmt.Fprintln(deps.IO.ErrOut, msg)
		return nil
	}
	if pick.why != "" {
		fmt.Fprintf(deps.IO.ErrOut, "%s: starting %s\n", pick.why, pick.lab)
	}
	dir := opts.Dir
	if dir == "" {
		if ws, err := workspace.Find(mustGetwd()); err == nil && ws.State.Lab != pick.lab {
			dir = filepath.Join(filepath.Dir(ws.Dir), pick.lab)
		}
	}
	return startRun(ctx, &StartOptions{Deps: deps, Lab: pick.lab, Dir: dir, Track: pick.track, Progress: progress})
}
