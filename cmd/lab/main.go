// Command lab runs hands-on backend practice labs: it starts disposable
// Postgres, Redis and Nginx containers for an exercise and grades the
// learner's solution with automated checks.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/labrunner/labrunner/cmd/lab/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.System())
	stop()
	os.Exit(code)
}
