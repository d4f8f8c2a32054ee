package cli

import (
	"context"
	"testing"

	"github.com/labrunner/labrunner/internal/workspace"
)

// Test_hintRun: the hints of the checks that failed come first; otherwise
// the general hints, one more each time; every hint shown is counted in
// the learner's progress.
func Test_hintRun(t *testing.T) {
	const general = "hint 1 of 1\n  Start from customers and join orders to them; which kind of join keeps a customer with no orders?\n"
	tests := []struct {
		name      string
		failing   []string
		shown     int
		wantOut   string
		wantShown int
		wantUsed  int
	}{
		{
			name:    "a failing check's hints",
			failing: []string{"matches-reference"},
			wantOut: "hint matches-reference\n  Name the columns name, orders and total_spent, and sort by total_spent descending, then name.\n" +
				"hint matches-reference\n  A LEFT JOIN keeps every customer; for a customer without orders the order columns are NULL. count(o.id) skips NULLs where count(*) does not, and COALESCE(sum(o.total), 0.00) turns a NULL sum into 0.00.\n",
			wantUsed: 2,
		},
		{name: "the next general hint", wantOut: general, wantShown: 1, wantUsed: 1},
		{
			name:      "all general hints shown",
			shown:     1,
			wantOut:   "no more hints (all 1 shown):\n  1. Start from customers and join orders to them; which kind of join keeps a customer with no orders?\n",
			wantShown: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorkspaceTest(t, false, "sql-join", "", nil, &fakeDriver{})
			ws := &workspace.Workspace{Dir: w.dir, State: workspace.State{Lab: "sql-join", Failing: tt.failing, HintsShown: tt.shown}}
			if err := ws.Save(); err != nil {
				t.Fatal(err)
			}
			if err := hintRun(context.Background(), &HintOptions{Deps: w.deps, Dir: w.dir}); err != nil {
				t.Fatal(err)
			}
			if w.out.String() != tt.wantOut {
				t.Errorf("stdout:\n%s\nwant:\n%s", w.out, tt.wantOut)
			}
			if got := w.workspace().HintsShown; got != tt.wantShown {
				t.Errorf("workspace counts %d general hints shown, want %d", got, tt.wantShown)
			}
			used := 0
			if lp := w.progress("sql-join"); lp != nil {
				used = lp.HintsUsed
			}
			if used != tt.wantUsed {
				t.Errorf("progress counts %d hints used, want %d", used, tt.wantUsed)
			}
		})
	}
}
