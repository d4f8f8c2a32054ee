package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/labrunner/labrunner/checks"
)

// pgSQL implements checks.SQL on a pgLab for one check run. Connections
// are opened on first use and kept for the run.
type pgSQL struct {
	lab   *pgLab
	slot  *pgSlot
	conns map[checks.DB]*pgx.Conn
}

var _ checks.SQL = (*pgSQL)(nil)

func (s *pgSQL) Variants() []string { return s.lab.variants }

func (s *pgSQL) conn(ctx context.Context, db checks.DB) (*pgx.Conn, error) {
	if c := s.conns[db]; c != nil && !c.IsClosed() {
		return c, nil
	}
	var c *pgx.Conn
	var err error
	if db.Reference {
		c, err = s.lab.superuser(ctx, s.lab.setBase(db.Variant)+"__ref")
	} else {
		c, err = s.lab.connect(ctx, s.slot.role, s.slot.password, s.slot.dbFor(db.Variant))
		if err != nil {
			err = envErr(fmt.Errorf("connect as %s: %w", s.slot.role, err))
		}
	}
	if err != nil {
		return nil, err
	}
	if s.conns == nil {
		s.conns = map[checks.DB]*pgx.Conn{}
	}
	s.conns[db] = c
	return c, nil
}

// Query implements checks.SQL: one statement, extended protocol (a script
// of several statements is refused by the server), values as text, rows
// and bytes capped. Reference queries run in a read-only transaction.
func (s *pgSQL) Query(ctx context.Context, db checks.DB, query string) (*checks.Rows, error) {
	c, err := s.conn(ctx, db)
	if err != nil {
		return nil, err
	}
	if db.Reference {
		tx, err := c.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
		if err != nil {
			return nil, err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		return readRows(ctx, tx, query)
	}
	return readRows(ctx, c, query)
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func readRows(ctx context.Context, q querier, query string) (*checks.Rows, error) {
	rows, err := q.Query(ctx, strings.TrimSpace(query), pgx.QueryResultFormats{pgx.TextFormatCode})
	if err != nil {
		return nil, describeQueryError(query, err)
	}
	defer rows.Close()
	out := &checks.Rows{}
	for _, f := range rows.FieldDescriptions() {
		out.Columns = append(out.Columns, f.Name)
	}
	size := 0
	fields := rows.FieldDescriptions()
	for rows.Next() {
		raw := rows.RawValues()
		vals := make([]any, len(raw))
		for i, b := range raw {
			if b == nil {
				continue
			}
			size += len(b)
			vals[i] = string(b)
			if fields[i].DataTypeOID == pgtype.BoolOID {
				// Text format says t/f; messages and expectations say
				// true/false, as psql's users read them in queries.
				vals[i] = map[string]string{"t": "true", "f": "false"}[string(b)]
			}
		}
		out.Values = append(out.Values, vals)
		if len(out.Values) > maxResultRows || size > maxResultBytes {
			return nil, fmt.Errorf("the query returned more than %d rows or %d MB; results that large are not graded", maxResultRows, maxResultBytes>>20)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, describeQueryError(query, err)
	}
	return out, nil
}

func describeQueryError(query string, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42601" && strings.Contains(pe.Message, "multiple commands") {
		return errors.New("the file must hold one query, not several statements")
	}
	return describePGError(query, err)
}

// Close closes the run's connections.
func (s *pgSQL) Close(ctx context.Context) {
	for _, c := range s.conns {
		c.Close(ctx)
	}
}
