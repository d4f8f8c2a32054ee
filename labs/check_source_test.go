package labs

import (
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func Test_checkSource(t *testing.T) {
	tests := []struct {
		name   string
		yaml   string
		reveal bool
		want   string
	}{
		{
			name:   "revealed, comments and hint dropped",
			yaml:   "name: rows # the main one\ntype: sql.result\nservice: db\nexpect:\n  rows: [[1, a]]\nhint: join them\n",
			reveal: true,
			want:   "name: rows\ntype: sql.result\nservice: db\nexpect:\n  rows: [[1, a]]",
		},
		{
			name:   "the reference query is never shown",
			yaml:   "name: rows\ntype: sql.result\nquery_file: solution.sql\nexpected_query: SELECT 1\n",
			reveal: true,
			want:   "name: rows\ntype: sql.result\nquery_file: solution.sql\n# expected_query: hidden",
		},
		{
			name:   "not revealed: what is checked, not the answer",
			yaml:   "name: rows\ntype: sql.result\nservice: db\nneeds: [intact]\nexpected_rows: [[1]]\nreveal: false\n",
			reveal: false,
			want:   "name: rows\ntype: sql.result\nservice: db\nneeds: [intact]\nreveal: false\n" + hiddenNote,
		},
		{
			name:   "an alias is written out",
			yaml:   "name: a\ntype: http.get\nexpect: &e {status: 200}\nalso: *e\n",
			reveal: true,
			want:   "name: a\ntype: http.get\nexpect: {status: 200}\nalso: {status: 200}",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(tt.yaml), &doc); err != nil {
				t.Fatal(err)
			}
			if got := checkSource(doc.Content[0], tt.reveal); got != tt.want {
				t.Errorf("checkSource =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
	// A billion laughs: nine levels of ten aliases each.
	bomb := "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 1; i < 9; i++ {
		bomb += fmt.Sprintf("a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(bomb), &doc); err != nil {
		t.Fatal(err)
	}
	if got := checkSource(doc.Content[0], true); got != "" {
		t.Errorf("an alias bomb gives %d bytes of source, want none", len(got))
	}
	if got := checkSource(nil, true); got != "" {
		t.Errorf("checkSource(nil) = %q", got)
	}
}

// TestBundledCheckSource: a loaded check carries its source, and the
// bundled sql-join's reference query is not in it.
func TestBundledCheckSource(t *testing.T) {
	all, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range all {
		for _, c := range l.Checks {
			if !strings.HasPrefix(c.Source, "name: "+c.Name+"\n") {
				t.Errorf("%s: check %s: source does not start with its name:\n%s", l.ID, c.Name, c.Source)
			}
			if strings.Contains(c.Source, "expected_query:") && !strings.Contains(c.Source, "# expected_query: hidden") {
				t.Errorf("%s: check %s: the reference query is in its source:\n%s", l.ID, c.Name, c.Source)
			}
		}
		if l.ID == "sql-join" && strings.Contains(l.Checks[1].Source, "LEFT JOIN") {
			t.Errorf("sql-join: the reference solution shows in the test code:\n%s", l.Checks[1].Source)
		}
	}
}
