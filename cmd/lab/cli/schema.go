package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/labs"
)

// SchemaOptions are the inputs of `lab schema`.
type SchemaOptions struct {
	Deps *Deps
}

// NewCmdSchema builds `lab schema`. runF replaces schemaRun in tests.
func NewCmdSchema(deps *Deps, runF func(context.Context, *SchemaOptions) error) *cobra.Command {
	opts := &SchemaOptions{Deps: deps}
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of lab.yaml",
		Long: `schema prints the JSON Schema (draft 2020-12) of lab.yaml, for editor
validation and completion. Save it and point your editor at it, e.g. with a
first line in lab.yaml:

  # yaml-language-server: $schema=lab.schema.json`,
		Example: `  lab schema > lab.schema.json`,
		Args:    usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return schemaRun(cmd.Context(), opts)
		},
	}
}

func schemaRun(_ context.Context, opts *SchemaOptions) error {
	_, err := opts.Deps.IO.Out.Write(labs.Schema())
	return err
}
