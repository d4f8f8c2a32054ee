package checks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Expectations a sql.plan check can have of a table.
const (
	// PlanUsesIndex: the plan reads the table through an index (Index
	// Scan, Index Only Scan, or a Bitmap Heap Scan fed by an index).
	PlanUsesIndex = "index"
	// PlanNoSeqScan: the plan does not sequentially scan the table.
	PlanNoSeqScan = "no-seq-scan"
)

// SQLPlan is the `sql.plan` check: the plan Postgres chooses for a query
// (EXPLAIN (FORMAT JSON), on the learner's database after the submission is
// applied) must read a table through an index, or must not sequentially
// scan it, optionally under a total cost bound.
//
//   - name: uses-index
//     type: sql.plan
//     service: db
//     query: SELECT * FROM events WHERE user_id = 42
//     table: events
//     expect: index          # index (default) or no-seq-scan
//     max_cost: 500          # optional
type SQLPlan struct {
	LearnerQuery `yaml:",inline"`
	// Table is the table the expectation is about, optionally
	// schema-qualified (default schema public): a scan of a table of the
	// same name in another schema does not count.
	Table string `yaml:"table" json:"table"`
	// Expect is PlanUsesIndex (default) or PlanNoSeqScan.
	Expect string `yaml:"expect,omitempty" json:"expect,omitempty"`
	// MaxCost bounds the plan's total cost estimate; 0 means no bound.
	MaxCost float64 `yaml:"max_cost,omitempty" json:"max_cost,omitempty"`
}

var _ Check = (*SQLPlan)(nil)

// Validate implements Check.
func (c *SQLPlan) Validate() error {
	var errs []error
	if err := c.LearnerQuery.validate(); err != nil {
		errs = append(errs, err)
	}
	if strings.TrimSpace(c.Table) == "" {
		errs = append(errs, errors.New("table: must not be empty"))
	}
	switch c.Expect {
	case "", PlanUsesIndex, PlanNoSeqScan:
	default:
		errs = append(errs, fmt.Errorf("expect: unknown value %q (allowed: %s, %s)", c.Expect, PlanUsesIndex, PlanNoSeqScan))
	}
	if c.MaxCost < 0 {
		errs = append(errs, errors.New("max_cost: must not be negative"))
	}
	return errors.Join(errs...)
}

// PlanNode is one node of an EXPLAIN (FORMAT JSON) plan.
type PlanNode struct {
	NodeType     string     `json:"Node Type"`
	RelationName string     `json:"Relation Name"`
	Schema       string     `json:"Schema"`
	IndexName    string     `json:"Index Name"`
	StartupCost  float64    `json:"Startup Cost"`
	TotalCost    float64    `json:"Total Cost"`
	PlanRows     float64    `json:"Plan Rows"`
	Plans        []PlanNode `json:"Plans"`
}

// String renders the node like EXPLAIN's text format, on one line.
func (n PlanNode) String() string {
	s := n.NodeType
	if n.IndexName != "" {
		s += " using " + n.IndexName
	}
	if n.RelationName != "" {
		s += " on "
		if n.Schema != "" && n.Schema != "public" {
			s += n.Schema + "."
		}
		s += n.RelationName
	}
	return fmt.Sprintf("%s  (cost=%.2f..%.2f rows=%.0f)", s, n.StartupCost, n.TotalCost, n.PlanRows)
}

// ParsePlan parses the output of EXPLAIN (FORMAT JSON).
func ParsePlan(text string) (PlanNode, error) {
	var doc []struct {
		Plan PlanNode `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return PlanNode{}, fmt.Errorf("parse plan: %w", err)
	}
	if len(doc) != 1 {
		return PlanNode{}, fmt.Errorf("parse plan: %d plans, want 1", len(doc))
	}
	return doc[0].Plan, nil
}

// walk calls f for n and every node below it, depth first.
func (n PlanNode) walk(f func(PlanNode)) {
	f(n)
	for _, c := range n.Plans {
		c.walk(f)
	}
}

// Run implements Check.
func (c *SQLPlan) Run(ctx context.Context, env Env) Outcome {
	query, out, ok := c.text(env)
	if !ok {
		return out
	}
	db, err := env.SQL()
	if err != nil {
		return Errored(err.Error())
	}
	query = strings.TrimRight(strings.TrimSpace(query), ";")
	rows, err := db.Query(ctx, Learner, "EXPLAIN (VERBOSE, FORMAT JSON) "+query)
	if err != nil {
		if ctx.Err() != nil {
			return queryError(ctx, err)
		}
		return Failed("EXPLAIN of the query failed: " + err.Error())
	}
	if len(rows.Values) != 1 || len(rows.Values[0]) != 1 {
		return Errored("EXPLAIN returned no plan")
	}
	plan, err := ParsePlan(FormatValue(rows.Values[0][0]))
	if err != nil {
		return Errored(err.Error())
	}
	var onTable []PlanNode
	seq, indexed := false, false
	schema, table := qualifiedTable(c.Table)
	plan.walk(func(n PlanNode) {
		// VERBOSE names each scanned table's schema; a copy of the table
		// in a schema of the learner's is another table.
		if n.RelationName != table || (n.Schema != "" && n.Schema != schema) {
			// A Bitmap Index Scan names the index, not the table; its
			// Bitmap Heap Scan parent names the table.
			return
		}
		onTable = append(onTable, n)
		switch n.NodeType {
		case "Seq Scan", "Parallel Seq Scan":
			seq = true
		case "Index Scan", "Index Only Scan", "Bitmap Heap Scan":
			indexed = true
		}
	})
	var problems []string
	switch c.Expect {
	case "", PlanUsesIndex:
		if !indexed {
			problems = append(problems, fmt.Sprintf("the plan does not use an index on %s", c.Table))
		}
	case PlanNoSeqScan:
		if seq {
			problems = append(problems, fmt.Sprintf("the plan scans all of %s (Seq Scan)", c.Table))
		}
	}
	if c.MaxCost > 0 && plan.TotalCost > c.MaxCost {
		msg := fmt.Sprintf("the plan's estimated cost is %.2f", plan.TotalCost)
		if env.Reveal() {
			msg += fmt.Sprintf(", over the bound of %.2f", c.MaxCost)
		} else {
			msg += ", too high"
		}
		problems = append(problems, msg)
	}
	if len(problems) == 0 {
		return Passed()
	}
	var b strings.Builder
	b.WriteString(strings.Join(problems, "; "))
	b.WriteString("\nplan nodes on " + c.Table + ":")
	if len(onTable) == 0 {
		b.WriteString(" none; top node: " + plan.String())
	}
	for _, n := range onTable {
		b.WriteString("\n  " + n.String())
	}
	return Failed(b.String())
}
