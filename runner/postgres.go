package runner

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/moby/moby/api/types/container"
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
		// Data in memory (a tmpfs, see limitPostgres): disposable, and
		// CREATE DATABASE … TEMPLATE is several times faster than on
		// the overlay file system, where it also failed now and then with
		// "Interrupted system call" under load.
		"PGDATA": postgresData,
	},
	hostConfig: limitPostgres,
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

// postgresData is the data directory, on a tmpfs.
const postgresData = "/var/lib/postgresql/tmpfs"

// Memory of a Postgres container, data included (tmpfs pages count).
const (
	postgresMemory  = 2 << 30
	postgresDataMax = "1536m"
)

func limitPostgres(hc *container.HostConfig) {
	hc.Memory = postgresMemory
	hc.MemorySwap = postgresMemory
	if hc.Tmpfs == nil {
		hc.Tmpfs = map[string]string{}
	}
	hc.Tmpfs[postgresData] = "rw,nosuid,nodev,size=" + postgresDataMax
}

func postgresURL(hostPort string) string {
	return fmt.Sprintf("postgres://%s:%s@%s/%s", PostgresUser, PostgresPassword, hostPort, PostgresDB)
}
