package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// SQLIntact is the `sql.intact` check: tables of the learner's database
// hold what they hold in the pristine reference copy — the same columns,
// the same number of rows and the same rows (compared by a hash of all of
// them, in any order) — on the main data and on every hidden variant.
// Comparing with the reference, never with the table itself, is what
// makes deleting rows and padding the table back up fail.
//
//   - name: table-intact
//     type: sql.intact
//     service: db
//     tables: [events]          # unqualified names are in schema public
type SQLIntact struct {
	// Tables are the tables that must be unchanged, optionally
	// schema-qualified (default schema public).
	Tables []string `yaml:"tables" json:"tables"`
}

var _ Check = (*SQLIntact)(nil)

// Validate implements Check.
func (c *SQLIntact) Validate() error {
	if len(c.Tables) == 0 {
		return errors.New("tables: needs at least one table")
	}
	var errs []error
	for i, t := range c.Tables {
		if strings.TrimSpace(t) == "" {
			errs = append(errs, fmt.Errorf("tables[%d]: must not be empty", i))
		}
	}
	return errors.Join(errs...)
}

// qualifiedTable names table in schema public unless it names a schema,
// so that no search_path the learner sets can redirect a grader's query
// to a table of their own.
func qualifiedTable(table string) (schema, name string) {
	if s, n, ok := strings.Cut(table, "."); ok {
		return s, n
	}
	return "public", table
}

// intactQuery returns one row: the table's columns with their types, its
// row count, and the md5 of all its rows as text, sorted, so that the
// hash does not depend on the physical order. Functions are qualified
// with pg_catalog so that nothing the learner creates can stand in.
func intactQuery(table string) string {
	schema, name := qualifiedTable(table)
	ident := quoteIdentifier(schema) + "." + quoteIdentifier(name)
	return fmt.Sprintf(`SELECT (SELECT pg_catalog.string_agg(pg_catalog.format('%%I %%s', a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
          FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = %s::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped),
       pg_catalog.count(*),
       pg_catalog.md5(COALESCE(pg_catalog.string_agg(t::text, E'\n' ORDER BY t::text COLLATE "C"), ''))
  FROM %s AS t`, quoteLiteral(ident), ident)
}

// quoteIdentifier quotes s as a SQL identifier.
func quoteIdentifier(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// tableState is what intactQuery returns.
type tableState struct {
	columns, hash string
	rows          string
}

func readTableState(ctx context.Context, db SQL, on DB, table string) (tableState, error) {
	r, err := db.Query(ctx, on, intactQuery(table))
	if err != nil {
		return tableState{}, err
	}
	if len(r.Values) != 1 || len(r.Values[0]) != 3 {
		return tableState{}, fmt.Errorf("read %s: %d rows, want 1", table, len(r.Values))
	}
	v := r.Values[0]
	return tableState{columns: FormatValue(v[0]), rows: FormatValue(v[1]), hash: FormatValue(v[2])}, nil
}

// Run implements Check.
func (c *SQLIntact) Run(ctx context.Context, env Env) Outcome {
	db, err := env.SQL()
	if err != nil {
		return Errored(err.Error())
	}
	for _, set := range append([]string{""}, db.Variants()...) {
		for _, table := range c.Tables {
			if out := c.compare(ctx, db, env.Reveal(), set, table); out.Status != Pass {
				return out
			}
		}
	}
	return Passed()
}

func (c *SQLIntact) compare(ctx context.Context, db SQL, reveal bool, variant, table string) Outcome {
	want, err := readTableState(ctx, db, DB{Reference: true, Variant: variant}, table)
	if err != nil {
		if ctx.Err() != nil {
			return queryError(ctx, err)
		}
		return Errored(fmt.Sprintf("read the original %s: %v", table, err))
	}
	got, err := readTableState(ctx, db, DB{Variant: variant}, table)
	if err != nil && ctx.Err() != nil {
		return queryError(ctx, err)
	}
	if variant != "" {
		if err != nil || got != want {
			// The variant's data is hidden: say that it changed, not how.
			return Failed(fmt.Sprintf("%s is not as it was on a hidden data set (%q); leave the data as it is", table, variant))
		}
		return Passed()
	}
	switch {
	case err != nil:
		return Failed(fmt.Sprintf("%s could not be read as it was: %v", table, err))
	case got.columns != want.columns:
		if reveal {
			return Failed(fmt.Sprintf("the columns of %s changed: (%s), the original has (%s)", table, got.columns, want.columns))
		}
		return Failed(fmt.Sprintf("the columns of %s changed: (%s)", table, got.columns))
	case got.rows != want.rows:
		if reveal {
			return Failed(fmt.Sprintf("%s has %s rows; the original has %s", table, got.rows, want.rows))
		}
		return Failed(fmt.Sprintf("%s has %s rows, not as many as it had", table, got.rows))
	case got.hash != want.hash:
		return Failed(fmt.Sprintf("%s has as many rows as it had (%s), but not the same ones: rows were changed, or removed and others added", table, got.rows))
	}
	return Passed()
}

// ReadsReferenceDB implements ReferenceDBReader: the pristine copy is what
// the tables are compared with.
func (c *SQLIntact) ReadsReferenceDB() bool { return true }
