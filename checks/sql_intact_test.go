package checks

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestSQLIntact(t *testing.T) {
	q := intactQuery("events")
	state := func(cols, n, hash string) *Rows {
		return rows([]string{"columns", "count", "md5"}, []any{cols, n, hash})
	}
	orig := state("id bigint, user_id integer", "300000", "aaaa")
	v := DB{Variant: "other"}
	vref := DB{Reference: true, Variant: "other"}
	vorig := state("id bigint, user_id integer", "12", "hidden-hash")
	tests := []struct {
		name    string
		learner *Rows
		lerr    error
		variant *Rows // learner's state on the variant; nil: no variant
		reveal  bool
		status  Status
		msg     []string
		notMsg  []string
	}{
		{name: "unchanged", learner: orig, status: Pass},
		{name: "rows deleted", learner: state("id bigint, user_id integer", "299990", "bbbb"), reveal: true, status: Fail,
			msg: []string{"events has 299990 rows; the original has 300000"}},
		{name: "rows deleted, no reveal", learner: state("id bigint, user_id integer", "299990", "bbbb"), status: Fail,
			msg: []string{"events has 299990 rows, not as many"}, notMsg: []string{"300000"}},
		// The cheat of issue 14: delete rows, pad the table back up.
		{name: "deleted and padded back", learner: state("id bigint, user_id integer", "300000", "cccc"), reveal: true, status: Fail,
			msg: []string{"as many rows as it had (300000), but not the same ones"}},
		{name: "column dropped", learner: state("id bigint", "300000", "dddd"), reveal: true, status: Fail,
			msg: []string{"the columns of events changed: (id bigint), the original has (id bigint, user_id integer)"}},
		{name: "table gone", lerr: errors.New(`relation "public.events" does not exist`), reveal: true, status: Fail,
			msg: []string{"events could not be read", "does not exist"}},
		{name: "variant unchanged", learner: orig, variant: vorig, status: Pass},
		{name: "variant changed reveals nothing", learner: orig, variant: state("id bigint, user_id integer", "11", "other"), reveal: true, status: Fail,
			msg: []string{`hidden data set ("other")`}, notMsg: []string{"11", "12", "hidden-hash"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := &fakeEnv{
				reveal:  tt.reveal,
				results: map[fakeKey]*Rows{{Reference, q}: orig, {Learner, q}: tt.learner},
				errs:    map[fakeKey]error{{Learner, q}: tt.lerr},
			}
			if tt.variant != nil {
				env.variants = []string{"other"}
				env.results[fakeKey{v, q}] = tt.variant
				env.results[fakeKey{vref, q}] = vorig
			}
			c := SQLIntact{Tables: []string{"events"}}
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			out := c.Run(context.Background(), env)
			if out.Status != tt.status {
				t.Fatalf("status = %s, want %s; message:\n%s", out.Status, tt.status, out.Message)
			}
			for _, m := range tt.msg {
				if !strings.Contains(out.Message, m) {
					t.Errorf("message lacks %q:\n%s", m, out.Message)
				}
			}
			for _, m := range tt.notMsg {
				if strings.Contains(out.Message, m) {
					t.Errorf("message reveals %q:\n%s", m, out.Message)
				}
			}
			// Integrity is measured against the pristine copy, never the
			// learner's table against itself.
			var ref bool
			for _, k := range env.queries {
				ref = ref || k.db.Reference
			}
			if !ref {
				t.Errorf("no query on the reference copy: %+v", env.queries)
			}
		})
	}
}

func TestSQLIntactQuery(t *testing.T) {
	tests := []struct{ table, want string }{
		{"events", `FROM "public"."events" AS t`},
		{"audit.log", `FROM "audit"."log" AS t`},
	}
	for _, tt := range tests {
		if q := intactQuery(tt.table); !strings.Contains(q, tt.want) || !strings.Contains(q, "ORDER BY t::text") {
			t.Errorf("intactQuery(%q) =\n%s\nwant it to contain %q", tt.table, q, tt.want)
		}
	}
}

func TestSQLIntactValidate(t *testing.T) {
	wantValidate(t, &SQLIntact{}, "tables: needs at least one table")
	wantValidate(t, &SQLIntact{Tables: []string{" "}}, "tables[0]: must not be empty")
	wantValidate(t, &SQLIntact{Tables: []string{"events"}}, "")
}
