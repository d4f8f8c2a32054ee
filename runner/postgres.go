package runner

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Superuser credentials of every Postgres service. The port is published on
// 127.0.0.1 only, and learners connect as their own role, not as this one.
const (
	PostgresUser     = "postgres"
	PostgresPassword = "postgres"
	PostgresDB       = "postgres"
)

var postgresKind = kindSpec{
	port: "5432/tcp",
	env: map[string]string{
		"POSTGRES_USER":     PostgresUser,
		"POSTGRES_PASSWORD": PostgresPassword,
		"POSTGRES_DB":       PostgresDB,
	},
	// Disposable data: durability settings off, query semantics unchanged.
	cmd: []string{"postgres",
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "wal_level=minimal",
		"-c", "max_wal_senders=0",
		"-c", "max_connections=200",
		// A backend whose client went away stops within a second, even in
		// the middle of a runaway query.
		"-c", "client_connection_check_interval=1000",
	},
	probe: func(ctx context.Context, t probeTarget) error {
		conn, err := pgx.Connect(ctx, postgresURL(t.hostPort)+"?connect_timeout=2")
		if err != nil {
			return err
		}
		defer conn.Close(context.WithoutCancel(ctx))
		var one int
		return conn.QueryRow(ctx, "SELECT 1").Scan(&one)
	},
	url: postgresURL,
}

func postgresURL(hostPort string) string {
	return fmt.Sprintf("postgres://%s:%s@%s/%s", PostgresUser, PostgresPassword, hostPort, PostgresDB)
}
