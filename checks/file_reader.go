package checks

import (
	"context"
	"errors"
	"strings"
)

// FileReader is implemented by an Env that can read a file of its service
// without a command per file: the runner reads the lab's own folders of a
// service once per grading run where nothing of the submission runs
// between checks (see runner/checkenv_files.go). ReadFile returns the
// file's content as root sees it; its error is a sentence for a result.
type FileReader interface {
	ReadFile(ctx context.Context, path string) (string, error)
}

// readFile reads a file of the check's service as root: through the
// Env's FileReader where it has one, else with cat. A file whose content
// was longer than an exec's output cap is an error.
func readFile(ctx context.Context, env Env, path string) (string, error) {
	if fr, ok := env.(FileReader); ok {
		return fr.ReadFile(ctx, path)
	}
	res, err := env.Exec(ctx, []string{"cat", "--", path}, ExecOptions{User: "0"})
	switch {
	case err != nil:
		return "", err
	case res.ExitCode != 0 || res.Truncated:
		return "", errors.New(strings.TrimSpace(res.Stderr))
	}
	return res.Stdout, nil
}
