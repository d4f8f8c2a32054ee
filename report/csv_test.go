package report

import (
	"bytes"
	"encoding/csv"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/checks"
)

func TestCSVGradebook(t *testing.T) {
	var buf bytes.Buffer
	if err := CSV(&buf, formatsFixture()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	want := [][]string{
		{"submission", "result: orders, customers", "uses index", "cache hit", "second query", "apply solution.sql", "total", "max", "status"},
		{`'=Carol "C.J." O'Neil, 100%`, "0", "2", "1", "1", "0", "4", "5", "fail"},
		{"alice", "1", "2", "1", "1", "0", "5", "5", "pass"},
		{"bob", "1", "0", "0", "0", "0", "1", "5", "fail"},
		{"dave", "0", "0", "0", "0", "0", "0", "0", "error"},
		{"erin", "0", "0", "0", "0", "0", "0", "5", "fail"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("gradebook:\n%q\nwant\n%q", rows, want)
	}
	// Every column but the first and the last is a number.
	for _, row := range rows[1:] {
		for i, cell := range row[1 : len(row)-1] {
			if _, err := strconv.Atoi(cell); err != nil {
				t.Errorf("%s: column %q holds %q, not a number", row[0], rows[0][i+1], cell)
			}
		}
	}
}

func TestCSVStableSort(t *testing.T) {
	a1 := checks.Report{Lab: "l", Submission: "a", Score: 1}
	a2 := checks.Report{Lab: "l", Submission: "a", Score: 2}
	b := checks.Report{Lab: "l", Submission: "b"}
	var buf bytes.Buffer
	if err := CSV(&buf, []checks.Report{b, a1, a2}); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "submission,total,max,status\na,1,0,\na,2,0,\nb,0,0,\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCSVFormulaCells(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+x": "'+x", "-x": "'-x", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx",
		"-3": "-3", "alice": "alice", "": "",
	} {
		if got := safeCells([]string{in})[0]; got != want {
			t.Errorf("safeCells(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMixedLabsAreAnError(t *testing.T) {
	rs := fixture()[:2]
	rs[1].Lab = "redis-cache"
	want := `reports of more than one lab ("sql-join", "redis-cache"): render one lab at a time`
	if err := CSV(&bytes.Buffer{}, rs); err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("CSV: %v", err)
	}
	if err := HTML(&bytes.Buffer{}, rs, HTMLOptions{}); err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("HTML: %v", err)
	}
}
