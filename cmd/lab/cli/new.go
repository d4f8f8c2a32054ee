package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// NewOptions are the inputs of `lab new`.
type NewOptions struct {
	Deps *Deps
	// Dir is the new lab's folder; its last element is the lab's id.
	Dir string
	// From is the lab copied (a bundled lab, or one of --labs); "" makes
	// a scaffold of Kind instead.
	From string
	// Kind is the service kind of the scaffold: postgres, redis, nginx,
	// box or runtime.
	Kind string
}

// NewCmdNew builds `lab new`. runF replaces newRun in tests.
func NewCmdNew(deps *Deps, runF func(context.Context, *NewOptions) error) *cobra.Command {
	opts := &NewOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "new <dir>",
		Short: "Start a new lab in your catalog: a scaffold to fill in, or a copy of a lab",
		Long: `new creates the folder dir holding a new lab whose id is the folder's name:
lab.yaml, README.md, starter/, solution/, one wrong/ solution and the
fixtures the kind needs. --kind (default postgres) picks the scaffold:
postgres (a query), redis (a Python program using Redis), nginx (a site
config), box (a shell script on a Linux box) or runtime (a Python program).
A scaffold passes lab validate and lab test as it is, with a small task
of its own; TODO marks each place the author writes.

--from LAB copies an existing lab instead (a bundled one, or one of
--labs), with its id changed. The folder must not exist yet.`,
		Example: `  lab new my-labs/joins                       # a postgres lab to fill in
  lab new my-labs/cache --kind redis
  lab new my-labs/proxy --from nginx-reverse-proxy
  lab validate my-labs/ && lab test my-labs/`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = args[0]
			if opts.From != "" && cmd.Flags().Changed("kind") {
				return &UsageError{Err: fmt.Errorf("--kind makes a scaffold and --from copies a lab; give one of them")}
			}
			if opts.From == "" && !slices.Contains(scaffoldKinds(), opts.Kind) {
				return &UsageError{Err: fmt.Errorf("--kind %q: no scaffold of that kind (known: %s)", opts.Kind, strings.Join(scaffoldKinds(), ", "))}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return newRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "", "copy this lab instead of making a scaffold")
	cmd.Flags().StringVar(&opts.Kind, "kind", "postgres", "the scaffold's service kind: "+strings.Join(scaffoldKinds(), ", "))
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
	var src fs.FS
	from, oldID := "from the "+opts.Kind+" scaffold", scaffoldID
	if opts.From != "" {
		lab, err := deps.LoadLab(opts.From, deps.Catalog)
		if err != nil {
			return err
		}
		src, from, oldID = lab.FS(), "a copy of "+lab.ID, lab.ID
	} else {
		src = scaffold(opts.Kind)
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
	err = fs.WalkDir(src, ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		if p == "lab.yaml" {
			b = renameLabID(b, oldID, id)
		}
		dst := filepath.Join(tmp, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		n++
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		return fmt.Errorf("write %s: %w", from, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := os.Rename(tmp, opts.Dir); err != nil {
		return err
	}
	fmt.Fprintf(deps.IO.ErrOut, "created %s: lab %q, %s (%d files)\n", opts.Dir, id, from, n)
	catalog := filepath.Dir(opts.Dir)
	fmt.Fprintf(deps.IO.ErrOut, "next: write the task where it says TODO in %s and %s, then `lab validate %s` and `lab test %s`\n",
		filepath.Join(opts.Dir, "lab.yaml"), filepath.Join(opts.Dir, "README.md"), catalog, catalog)
	if _, err := os.Stat(filepath.Join(catalog, "lab.schema.json")); err != nil {
		fmt.Fprintf(deps.IO.ErrOut, "tip: `lab schema > %s` lets editors complete lab.yaml\n", filepath.Join(catalog, "lab.schema.json"))
	}
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
