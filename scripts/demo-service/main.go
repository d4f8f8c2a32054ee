// Command demo-service starts one disposable Postgres through the runner,
// queries it and removes it, printing what it timed. It stands in for a lab
// in `make demo` until the lab catalog exists.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/labrunner/labrunner/runner"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(3)
	}
}

func run() error {
	ctx := context.Background()
	cfg, err := runner.LoadConfig(os.Getenv)
	if err != nil {
		return err
	}
	d, err := runner.NewDriver(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	s := d.NewSession("demo")
	defer s.Close(ctx)

	t0 := time.Now()
	if err := s.Start(ctx, runner.ServiceSpec{Name: "db", Kind: runner.KindPostgres}); err != nil {
		return err
	}
	fmt.Printf("postgres ready in %v at %s\n", time.Since(t0).Round(time.Millisecond), s.Service("db").URL())
	conn, err := pgx.Connect(ctx, s.Service("db").URL())
	if err != nil {
		return err
	}
	var v string
	if err := conn.QueryRow(ctx, "SELECT version()").Scan(&v); err != nil {
		return err
	}
	conn.Close(ctx)
	fmt.Println("SELECT version() →", v)
	t1 := time.Now()
	if err := s.Close(ctx); err != nil {
		return err
	}
	fmt.Printf("removed in %v\n", time.Since(t1).Round(time.Millisecond))
	return nil
}
