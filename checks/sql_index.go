package checks

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// SQLIndex is the `sql.index` check: an index exists on table(columns) in
// the learner's database — its key columns start with `columns`, in order —
// optionally unique, optionally partial.
//
//   - name: index-on-user-id
//     type: sql.index
//     service: db
//     table: events
//     columns: [user_id]
//     unique: false        # require a unique index
//     partial: false       # require a partial index (WHERE …)
//     exact: false         # the key columns must be exactly `columns`
type SQLIndex struct {
	// Table is the indexed table, optionally schema-qualified (default
	// schema public: no search_path can point the check elsewhere).
	Table string `yaml:"table" json:"table"`
	// Columns are the leading key columns, in order.
	Columns []string `yaml:"columns" json:"columns"`
	// Unique requires a unique index.
	Unique bool `yaml:"unique,omitempty" json:"unique,omitempty"`
	// Partial requires a partial index.
	Partial bool `yaml:"partial,omitempty" json:"partial,omitempty"`
	// Exact requires the key columns to be exactly Columns.
	Exact bool `yaml:"exact,omitempty" json:"exact,omitempty"`
}

var _ Check = (*SQLIndex)(nil)

// Validate implements Check.
func (c *SQLIndex) Validate() error {
	var errs []error
	if strings.TrimSpace(c.Table) == "" {
		errs = append(errs, errors.New("table: must not be empty"))
	}
	if len(c.Columns) == 0 {
		errs = append(errs, errors.New("columns: needs at least one column"))
	}
	return errors.Join(errs...)
}

// indexQuery lists the indexes of a table with their key columns (NULL
// for expression columns), uniqueness and predicate.
const indexQuery = `SELECT i.relname,
       ix.indisunique,
       ix.indpred IS NOT NULL,
       (SELECT pg_catalog.string_agg(COALESCE(a.attname, '(expression)'), ',' ORDER BY k.ord)
          FROM pg_catalog.unnest(ix.indkey[0:ix.indnkeyatts-1]) WITH ORDINALITY AS k(attnum, ord)
          LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum AND k.attnum > 0)
  FROM pg_catalog.pg_index ix
  JOIN pg_catalog.pg_class i ON i.oid = ix.indexrelid
 WHERE ix.indrelid = pg_catalog.to_regclass(%s)
 ORDER BY i.relname`

// Run implements Check.
func (c *SQLIndex) Run(ctx context.Context, env Env) Outcome {
	db, err := env.SQL()
	if err != nil {
		return Errored(err.Error())
	}
	schema, name := qualifiedTable(c.Table)
	rows, err := db.Query(ctx, Learner, fmt.Sprintf(indexQuery, quoteLiteral(quoteIdentifier(schema)+"."+quoteIdentifier(name))))
	if err != nil {
		return queryError(ctx, err)
	}
	want := strings.Join(c.Columns, ",")
	var seen []string
	for _, r := range rows.Values {
		name, unique, partial, cols := FormatValue(r[0]), FormatValue(r[1]) == "true", FormatValue(r[2]) == "true", FormatValue(r[3])
		seen = append(seen, fmt.Sprintf("%s (%s)", name, strings.ReplaceAll(cols, ",", ", ")))
		match := cols == want || (!c.Exact && strings.HasPrefix(cols, want+","))
		if match && (!c.Unique || unique) && (!c.Partial || partial) {
			return Passed()
		}
	}
	kind := "an index"
	switch {
	case c.Unique && c.Partial:
		kind = "a unique partial index"
	case c.Unique:
		kind = "a unique index"
	case c.Partial:
		kind = "a partial index"
	}
	msg := fmt.Sprintf("no %s on %s(%s)", strings.TrimPrefix(strings.TrimPrefix(kind, "an "), "a "), c.Table, strings.Join(c.Columns, ", "))
	if !env.Reveal() {
		msg = fmt.Sprintf("the expected index on %s is missing", c.Table)
	}
	if len(seen) == 0 {
		return Failed(msg + fmt.Sprintf("; %s has no indexes", c.Table))
	}
	return Failed(msg + "; indexes found: " + strings.Join(seen, ", "))
}
