package checks

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestSQLIndex(t *testing.T) {
	// The table is named with its schema: a search_path cannot redirect it.
	q := fmt.Sprintf(indexQuery, `'"public"."events"'`)
	idx := func(name string, unique, partial bool, cols string) []any {
		return []any{name, fmt.Sprint(unique), fmt.Sprint(partial), cols}
	}
	tests := []struct {
		name   string
		check  SQLIndex
		found  [][]any
		status Status
		msg    string
	}{
		{"exists", SQLIndex{Columns: []string{"user_id"}}, [][]any{idx("events_pkey", true, false, "id"), idx("e_uid", false, false, "user_id")}, Pass, ""},
		{"leading column of a composite", SQLIndex{Columns: []string{"user_id"}}, [][]any{idx("e_uid_ts", false, false, "user_id,created_at")}, Pass, ""},
		{"composite not exact", SQLIndex{Columns: []string{"user_id"}, Exact: true}, [][]any{idx("e_uid_ts", false, false, "user_id,created_at")}, Fail, "no index on events(user_id)"},
		{"wrong column", SQLIndex{Columns: []string{"user_id"}}, [][]any{idx("e_kind", false, false, "kind")}, Fail, "indexes found: e_kind (kind)"},
		{"second column only", SQLIndex{Columns: []string{"user_id"}}, [][]any{idx("e_ts_uid", false, false, "created_at,user_id")}, Fail, "no index"},
		{"unique required", SQLIndex{Columns: []string{"user_id"}, Unique: true}, [][]any{idx("e_uid", false, false, "user_id")}, Fail, "no unique index on events(user_id)"},
		{"partial required", SQLIndex{Columns: []string{"user_id"}, Partial: true}, [][]any{idx("e_uid", false, true, "user_id")}, Pass, ""},
		{"no indexes", SQLIndex{Columns: []string{"user_id"}}, nil, Fail, "events has no indexes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.check
			c.Table = "events"
			env := &fakeEnv{reveal: true, results: map[fakeKey]*Rows{{Learner, q}: rows([]string{"a", "b", "c", "d"}, tt.found...)}}
			out := c.Run(context.Background(), env)
			if out.Status != tt.status || !strings.Contains(out.Message, tt.msg) {
				t.Errorf("got %s %q, want %s containing %q", out.Status, out.Message, tt.status, tt.msg)
			}
		})
	}
}
