package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// NewOptions are the inputs of `lab new`.
type NewOptions struct {
	Deps *Deps
	// Dir is the new lab's folder; its last element is the lab's id.
	Dir string
	// From is the lab copied (a bundled lab, or one of --labs).
	From string
}

// NewCmdNew builds `lab new`. runF replaces newRun in tests.
func NewCmdNew(deps *Deps, runF func(context.Context, *NewOptions) error) *cobra.Command {
	opts := &NewOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "new <dir>",
		Short: "Start a new lab in your catalog from a copy of an existing one",
		Long: `new creates the folder dir holding a copy of lab --from (default sql-join,
from the bundled catalog or --labs): lab.yaml with its id changed to the
folder's name, README.md, fixtures/, starter/, solution/ and wrong/. Edit
them, then prove the lab with lab test. The folder must not exist yet.`,
		Example: `  lab new my-labs/joins                       # from sql-join
  lab new my-labs/cache --from redis-cache-aside
  lab validate my-labs/ && lab test my-labs/`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return newRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "sql-join", "the lab to copy")
	return cmd
}

func newRun(_ context.Context, opts *NewOptions) error {
	deps := opts.Deps
	id := filepath.Base(filepath.Clean(opts.Dir))
	if !labIDRe.MatchString(id) {
		return &UsageError{Err: fmt.Errorf("%q: a lab's folder name is its id: lower-case letters, digits and dashes", id)}
	}
	if _, err := os.Stat(opts.Dir); err == nil {
		return &UsageError{Err: fmt.Errorf("%s exists; lab new makes a new folder and overwrites nothing", opts.Dir)}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	src, err := deps.LoadLab(opts.From, deps.Catalog)
	if err != nil {
		return err
	}
	// Written to a temporary folder beside dir and renamed into place, so
	// that a failure leaves no half lab.
	if err := os.MkdirAll(filepath.Dir(opts.Dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(opts.Dir), "."+id+".")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	n := 0
	err = fs.WalkDir(src.FS(), ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src.FS(), p)
		if err != nil {
			return err
		}
		if p == "lab.yaml" {
			b = renameLabID(b, src.ID, id)
		}
		dst := filepath.Join(tmp, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		n++
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		return fmt.Errorf("copy %s: %w", src.ID, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := os.Rename(tmp, opts.Dir); err != nil {
		return err
	}
	fmt.Fprintf(deps.IO.ErrOut, "created %s: lab %q, a copy of %s (%d files)\n", opts.Dir, id, src.ID, n)
	fmt.Fprintf(deps.IO.ErrOut, "next: edit %s, then `lab validate %s` and `lab test %s`\n",
		filepath.Join(opts.Dir, "lab.yaml"), filepath.Dir(opts.Dir), filepath.Dir(opts.Dir))
	return nil
}

// renameLabID changes the `id:` line of a lab.yaml from old to id,
// keeping everything else (comments, order) as it is.
func renameLabID(b []byte, old, id string) []byte {
	lines := strings.SplitAfter(string(b), "\n")
	for i, l := range lines {
		trimmed := strings.TrimRight(l, "\r\n")
		if trimmed == "id: "+old || trimmed == "id: \""+old+"\"" || trimmed == "id: '"+old+"'" {
			lines[i] = "id: " + id + l[len(trimmed):]
			break
		}
	}
	return []byte(strings.Join(lines, ""))
}
