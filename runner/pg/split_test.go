package pg

import (
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name, script string
		want         []string // the non-empty statements, trimmed
	}{
		{"two statements", "CREATE INDEX ON events (user_id);\nVACUUM ANALYZE events;\n",
			[]string{"CREATE INDEX ON events (user_id);", "VACUUM ANALYZE events;"}},
		{"no final semicolon", "SELECT 1; SELECT 2", []string{"SELECT 1;", "SELECT 2"}},
		{"semicolon in a string", "SELECT 'a;b', 'it''s;'; SELECT 2;", []string{"SELECT 'a;b', 'it''s;';", "SELECT 2;"}},
		{"backslash does not escape in a plain string", `SELECT 'a\'; SELECT 2;`, []string{`SELECT 'a\';`, "SELECT 2;"}},
		{"escape string", `SELECT E'a\';b'; SELECT 2;`, []string{`SELECT E'a\';b';`, "SELECT 2;"}},
		{"escape string, lower case", `SELECT e'\\'; SELECT 2;`, []string{`SELECT e'\\';`, "SELECT 2;"}},
		{"a word ending in e is no escape string", `SELECT some'a\'; SELECT 2;`, []string{`SELECT some'a\';`, "SELECT 2;"}},
		{"quoted identifier", `SELECT 1 AS "a;""b"; SELECT 2;`, []string{`SELECT 1 AS "a;""b";`, "SELECT 2;"}},
		{"dollar quote", "DO $$BEGIN PERFORM 1; END$$; SELECT 2;", []string{"DO $$BEGIN PERFORM 1; END$$;", "SELECT 2;"}},
		{"tagged dollar quote", "SELECT $f$ $$ ; $f$; SELECT 2;", []string{"SELECT $f$ $$ ; $f$;", "SELECT 2;"}},
		{"a parameter is no dollar quote", "SELECT $1; SELECT 2;", []string{"SELECT $1;", "SELECT 2;"}},
		{"line comment", "SELECT 1 -- a; b\n; SELECT 2;", []string{"SELECT 1 -- a; b\n;", "SELECT 2;"}},
		{"nested block comment", "SELECT /* a /* b; */ c; */ 1; SELECT 2;", []string{"SELECT /* a /* b; */ c; */ 1;", "SELECT 2;"}},
		{"parentheses", "CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2); SELECT 3;",
			[]string{"CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2);", "SELECT 3;"}},
		{"begin atomic", "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END; SELECT 3;",
			[]string{"CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;", "SELECT 3;"}},
		{"begin atomic, or replace procedure", "create or replace procedure p() begin atomic insert into t values (1); end; select 3;",
			[]string{"create or replace procedure p() begin atomic insert into t values (1); end;", "select 3;"}},
		{"a transaction's BEGIN is a statement", "BEGIN; SELECT 1; END;", []string{"BEGIN;", "SELECT 1;", "END;"}},
		{"comments only", "-- nothing\n/* at all */", nil},
		{"unterminated string", "SELECT 'abc; SELECT 2;", []string{"SELECT 'abc; SELECT 2;"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pieces := Split(tt.script)
			var got []string
			var joined strings.Builder
			for _, p := range pieces {
				if p.Offset != joined.Len() {
					t.Errorf("piece %q at offset %d, want %d", p.Text, p.Offset, joined.Len())
				}
				joined.WriteString(p.Text)
				if !p.empty {
					got = append(got, strings.TrimSpace(p.Text))
				}
			}
			if joined.String() != tt.script {
				t.Errorf("joined pieces = %q", joined.String())
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestOutsideTx(t *testing.T) {
	tests := []struct {
		stmt string
		want bool
	}{
		{"VACUUM ANALYZE events", true},
		{"vacuum (analyze, verbose) events", true},
		{"/* x */ VACUUM", true},
		{"CREATE INDEX CONCURRENTLY i ON events (user_id)", true},
		{"create unique index concurrently on events (id)", true},
		{"DROP INDEX CONCURRENTLY i", true},
		{"REINDEX (VERBOSE) INDEX CONCURRENTLY i", true},
		{"CREATE DATABASE x", true},
		{"ALTER SYSTEM SET work_mem = '1GB'", true},
		{"ALTER ROLE CURRENT_USER SET enable_seqscan = off", true},
		{"alter user current_user set work_mem = '1GB'", true},
		{"ALTER TABLE events ADD COLUMN x int", false},
		{"CLUSTER", true},
		{"CREATE INDEX i ON events (user_id)", false},
		{"ANALYZE events", false},
		{"SELECT 'VACUUM'", false},
		{"REINDEX INDEX i", false},
		{"CLUSTER events USING i", false},
	}
	for _, tt := range tests {
		if got := Split(tt.stmt)[0].outsideTx(); got != tt.want {
			t.Errorf("%q: outsideTx = %v, want %v", tt.stmt, got, tt.want)
		}
	}
}

func TestStripBOM(t *testing.T) {
	if got := stripBOM("\uFEFFCREATE INDEX ON t (k);"); got != "CREATE INDEX ON t (k);" {
		t.Errorf("got %q", got)
	}
	if got := stripBOM("SELECT '\uFEFF'"); got != "SELECT '\uFEFF'" {
		t.Errorf("a mark inside the script must stay: %q", got)
	}
}

// FuzzSplit: the splitter never panics, its pieces join back into the
// script, and each piece starts where the previous ended.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"SELECT 1; SELECT 2", "E'\\'';", "$a$;$a$;", "/* /* */ ;", "--;\n;", `"a""b";`,
		"CREATE FUNCTION f() BEGIN ATOMIC SELECT 1; END;", "$1$", "U&'\\0041';", "((;));", "e'", "$"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		var b strings.Builder
		for _, p := range Split(script) {
			if p.Offset != b.Len() {
				t.Fatalf("offset %d, want %d", p.Offset, b.Len())
			}
			b.WriteString(p.Text)
		}
		if b.String() != script {
			t.Fatalf("joined %q, want %q", b.String(), script)
		}
	})
}
