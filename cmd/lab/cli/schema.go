package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/labrunner/labrunner/labs"
)

// SchemaOptions are the inputs of `lab schema`.
type SchemaOptions struct {
	Deps *Deps
	// Tracks selects the schema of tracks.yaml instead of lab.yaml.
	Tracks bool
}

// NewCmdSchema builds `lab schema`. runF replaces schemaRun in tests.
func NewCmdSchema(deps *Deps, runF func(context.Context, *SchemaOptions) error) *cobra.Command {
	opts := &SchemaOptions{Deps: deps}
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of lab.yaml (or of tracks.yaml)",
		Long: `schema prints the JSON Schema (draft 2020-12) of lab.yaml, for editor
validation and completion. Save it and point your editor at it, e.g. with a
first line in lab.yaml:

  # yaml-language-server: $schema=lab.schema.json

--tracks prints the schema of a catalog's tracks.yaml instead; save it
beside the catalog's tracks.yaml and start that with

  # yaml-language-server: $schema=tracks.schema.json`,
		Example: `  lab schema > my-labs/lab.schema.json
  lab schema --tracks > my-labs/tracks.schema.json`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return schemaRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Tracks, "tracks", false, "print the schema of tracks.yaml")
	return cmd
}

func schemaRun(_ context.Context, opts *SchemaOptions) error {
	schema := labs.Schema()
	if opts.Tracks {
		schema = labs.TracksSchema()
	}
	_, err := opts.Deps.IO.Out.Write(schema)
	return err
}
