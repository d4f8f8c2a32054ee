package cli

import (
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/images"
	"github.com/labrunner/labrunner/runner"
)

// Shell completion. cobra's `lab completion bash|zsh|fish|powershell`
// writes the script; the script asks `lab __complete …` for candidates,
// and the functions here answer from what is in effect at that moment:
// the lab ids of the catalog (--labs, LAB_CATALOG, else the bundled
// one), the services of the workspace's lab (--dir/-C, else the current
// folder), the formats a flag accepts, and folders where an argument is
// a folder (lab stop's argument completes as a folder; session ids are
// what lab ps lists, and asking the engine on every TAB would be slow).
// They are registered in one place, registerCompletions, so
// that the command tree reads as a table of what completes where.

// checkFormats are the values `lab check --format` completes to.
var checkFormats = []string{"terminal", "json", "tsv"}

// imagesListFormats are the values `lab images list --format` completes
// to.
var imagesListFormats = []string{"table", "json"}

// registerCompletions gives the commands under root their dynamic
// completions. A command that is not in the tree is skipped, so that the
// table can name every command once.
func registerCompletions(root *cobra.Command, deps *Deps) {
	labIDs := func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return completeLabIDs(deps, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
	folders := func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	}
	kinds := func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return prefixed(runner.Kinds(), toComplete), cobra.ShellCompDirectiveNoFileComp
	}
	byPosition := func(fns ...cobra.CompletionFunc) cobra.CompletionFunc {
		return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			if len(args) >= len(fns) {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return fns[len(args)](cmd, args, toComplete)
		}
	}
	files := func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveDefault
	}
	services := func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		dir, _ := cmd.Flags().GetString("dir")
		return completeServices(deps, dir, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
	imageNames := func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var names []string
		for _, img := range images.All() {
			names = append(names, img.Name)
		}
		return prefixed(names, toComplete), cobra.ShellCompDirectiveNoFileComp
	}

	args := map[string]cobra.CompletionFunc{
		"lab start":          byPosition(labIDs, folders),
		"lab show":           byPosition(labIDs),
		"lab grade":          byPosition(labIDs, files),
		"lab grade merge":    files,
		"lab shell":          byPosition(services),
		"lab stop":           byPosition(folders),
		"lab validate":       files,
		"lab test":           folders,
		"lab new":            byPosition(folders),
		"lab images pull":    labIDs,
		"lab images build":   kinds,
		"lab images context": byPosition(imageNames),
		"lab images save":    byPosition(files),
		"lab images load":    byPosition(files),
	}
	flags := map[string]map[string]cobra.CompletionFunc{
		"lab":             {"labs": folders},
		"lab check":       {"format": fixedChoices(checkFormats)},
		"lab grade":       {"format": listChoices(gradeFormatNames), "out": folders, "roster": files},
		"lab grade merge": {"format": listChoices(gradeFormatNames), "out": folders, "roster": files},
		"lab images list": {"format": fixedChoices(imagesListFormats)},
		"lab new":         {"from": labIDs, "kind": fixedChoices(scaffoldKinds())},
	}
	walk(root, func(cmd *cobra.Command) {
		path := cmd.CommandPath()
		if fn, ok := args[path]; ok {
			cmd.ValidArgsFunction = fn
		}
		for name, fn := range flags[path] {
			if hasFlag(cmd, name) {
				_ = cmd.RegisterFlagCompletionFunc(name, fn)
			}
		}
		// Every --dir (-C) is a workspace folder.
		if hasFlag(cmd, "dir") {
			_ = cmd.RegisterFlagCompletionFunc("dir", folders)
		}
	})
}

// hasFlag reports whether cmd itself declares flag name.
func hasFlag(cmd *cobra.Command, name string) bool {
	return cmd.LocalNonPersistentFlags().Lookup(name) != nil || cmd.PersistentFlags().Lookup(name) != nil
}

// walk calls fn on cmd and every command below it.
func walk(cmd *cobra.Command, fn func(*cobra.Command)) {
	fn(cmd)
	for _, c := range cmd.Commands() {
		walk(c, fn)
	}
}

// completeLabIDs returns the ids of the catalog in effect that start with
// prefix, each with its title as description. A catalog that does not
// load completes the labs that did.
func completeLabIDs(deps *Deps, prefix string) []cobra.Completion {
	// PersistentPreRunE does not run for __complete: --labs is parsed,
	// LAB_CATALOG is read here.
	catalog := deps.Catalog
	if catalog == "" {
		catalog = deps.Getenv("LAB_CATALOG")
	}
	d := *deps
	d.Catalog = catalog
	all, _ := d.loadCatalog()
	var out []cobra.Completion
	for _, l := range all {
		if strings.HasPrefix(l.ID, prefix) {
			out = append(out, cobra.CompletionWithDesc(l.ID, l.Title))
		}
	}
	sort.Strings(out)
	return out
}

// completeServices returns the services of the lab of the workspace at
// dir (the current folder when "") that start with prefix, each with its
// kind as description; none outside a workspace.
func completeServices(deps *Deps, dir, prefix string) []cobra.Completion {
	d := *deps
	if d.Catalog == "" {
		d.Catalog = d.Getenv("LAB_CATALOG")
	}
	w, err := openWorkspace(&d, dir)
	if err != nil {
		return nil
	}
	var out []cobra.Completion
	for name, svc := range w.lab.Services {
		if strings.HasPrefix(name, prefix) && svc != nil {
			out = append(out, cobra.CompletionWithDesc(name, svc.Kind))
		}
	}
	sort.Strings(out)
	return out
}

// fixedChoices completes a flag that takes one of choices.
func fixedChoices(choices []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return prefixed(choices, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

// listChoices completes a flag that takes a comma-separated list of
// choices ("csv,junit"): the word after the last comma, without the
// choices already listed, and with no space after it, so that another
// comma can follow.
func listChoices(choices func() []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		done, word := "", toComplete
		if i := strings.LastIndexByte(toComplete, ','); i >= 0 {
			done, word = toComplete[:i+1], toComplete[i+1:]
		}
		listed := strings.Split(done, ",")
		var out []cobra.Completion
		for _, c := range choices() {
			if strings.HasPrefix(c, word) && !slices.Contains(listed, c) {
				out = append(out, done+c)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
}

// prefixed returns the names that start with prefix.
func prefixed(names []string, prefix string) []cobra.Completion {
	var out []cobra.Completion
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}

// gradeFormatNames are the formats of `lab grade --format`.
func gradeFormatNames() []string {
	var names []string
	for _, f := range gradeFormats {
		names = append(names, f.name)
	}
	return names
}

// addBuiltinExamples makes cobra's own commands (help, completion and
// its shells) now, rather than at Execute, and gives them examples, so
// that every command shows one.
func addBuiltinExamples(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	examples := map[string]string{
		"help": `  lab help check
  lab help grade`,
		"completion": `  lab completion bash > ~/.local/share/bash-completion/completions/lab
  lab completion zsh > "${fpath[1]}/_lab"
  lab completion fish > ~/.config/fish/completions/lab.fish
  lab completion powershell | Out-String | Invoke-Expression`,
		"completion bash": `  source <(lab completion bash)                                        # this shell
  lab completion bash > ~/.local/share/bash-completion/completions/lab  # every new shell`,
		"completion zsh": `  echo "autoload -U compinit; compinit" >> ~/.zshrc   # once, if not yet
  lab completion zsh > "${fpath[1]}/_lab"`,
		"completion fish": `  lab completion fish | source                                  # this shell
  lab completion fish > ~/.config/fish/completions/lab.fish      # every new shell`,
		"completion powershell": `  lab completion powershell | Out-String | Invoke-Expression   # this shell; add it to $PROFILE for every new one`,
	}
	walk(root, func(cmd *cobra.Command) {
		path := strings.TrimPrefix(cmd.CommandPath(), root.Name()+" ")
		if ex, ok := examples[path]; ok && cmd.Example == "" {
			cmd.Example = ex
		}
	})
}
