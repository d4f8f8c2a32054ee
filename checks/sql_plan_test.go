package checks

import (
	"context"
	"strings"
	"testing"
)

const seqPlan = `[{"Plan": {"Node Type": "Seq Scan", "Relation Name": "events", "Startup Cost": 0.00, "Total Cost": 1693.00, "Plan Rows": 10}}]`
const indexPlan = `[{"Plan": {"Node Type": "Index Scan", "Relation Name": "events", "Index Name": "events_user_id_idx", "Startup Cost": 0.29, "Total Cost": 8.31, "Plan Rows": 10}}]`
const bitmapPlan = `[{"Plan": {"Node Type": "Bitmap Heap Scan", "Relation Name": "events", "Startup Cost": 4.5, "Total Cost": 40.1, "Plan Rows": 10,
  "Plans": [{"Node Type": "Bitmap Index Scan", "Index Name": "events_user_id_idx", "Startup Cost": 0, "Total Cost": 4.5, "Plan Rows": 10}]}}]`
const joinPlan = `[{"Plan": {"Node Type": "Hash Join", "Startup Cost": 1, "Total Cost": 2000, "Plan Rows": 10, "Plans": [
  {"Node Type": "Seq Scan", "Relation Name": "users", "Startup Cost": 0, "Total Cost": 10, "Plan Rows": 100},
  {"Node Type": "Index Scan", "Relation Name": "events", "Index Name": "e_idx", "Startup Cost": 0, "Total Cost": 8, "Plan Rows": 10}]}}]`

func TestSQLPlan(t *testing.T) {
	const q = "SELECT * FROM events WHERE user_id = 42"
	tests := []struct {
		name   string
		plan   string
		check  SQLPlan
		status Status
		msg    []string
	}{
		{"seq scan fails index", seqPlan, SQLPlan{}, Fail, []string{"does not use an index on events", "Seq Scan on events  (cost=0.00..1693.00 rows=10)"}},
		{"index scan passes", indexPlan, SQLPlan{}, Pass, nil},
		{"bitmap scan passes", bitmapPlan, SQLPlan{}, Pass, nil},
		{"index deep in a join", joinPlan, SQLPlan{}, Pass, nil},
		{"no-seq-scan on the other table", joinPlan, SQLPlan{Expect: PlanNoSeqScan, Table: "users"}, Fail, []string{"scans all of users"}},
		{"cost bound", indexPlan, SQLPlan{MaxCost: 5}, Fail, []string{"estimated cost is 8.31, over the bound of 5.00"}},
		{"same table name in another schema", `[{"Plan": {"Node Type": "Index Scan", "Relation Name": "events", "Schema": "shadow", "Index Name": "e_idx", "Startup Cost": 0.29, "Total Cost": 8.31, "Plan Rows": 10}}]`,
			SQLPlan{}, Fail, []string{"does not use an index on events", "none; top node: Index Scan using e_idx on shadow.events"}},
		{"schema public", `[{"Plan": {"Node Type": "Index Scan", "Relation Name": "events", "Schema": "public", "Index Name": "e_idx", "Startup Cost": 0.29, "Total Cost": 8.31, "Plan Rows": 10}}]`,
			SQLPlan{}, Pass, nil},
		{"table absent from plan", `[{"Plan": {"Node Type": "Result", "Startup Cost": 0, "Total Cost": 0.01, "Plan Rows": 1}}]`, SQLPlan{}, Fail, []string{"none; top node: Result"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.check
			c.Query = q + ";"
			if c.Table == "" {
				c.Table = "events"
			}
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			env := &fakeEnv{reveal: true, results: map[fakeKey]*Rows{
				{Learner, "EXPLAIN (VERBOSE, FORMAT JSON) " + q}: rows([]string{"QUERY PLAN"}, []any{tt.plan}),
			}}
			out := c.Run(context.Background(), env)
			if out.Status != tt.status {
				t.Fatalf("status = %s, want %s: %s", out.Status, tt.status, out.Message)
			}
			for _, m := range tt.msg {
				if !strings.Contains(out.Message, m) {
					t.Errorf("message lacks %q:\n%s", m, out.Message)
				}
			}
		})
	}
}

func TestSQLPlanValidate(t *testing.T) {
	err := (&SQLPlan{LearnerQuery: LearnerQuery{Query: "x"}, Table: "t", Expect: "fast"}).Validate()
	if err == nil || !strings.Contains(err.Error(), `expect: unknown value "fast" (allowed: index, no-seq-scan)`) {
		t.Errorf("Validate() = %v", err)
	}
}
