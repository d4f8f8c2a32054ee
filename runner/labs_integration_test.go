package runner_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/internal/dockertest"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner"
)

// TestBundledLabs proves every bundled lab on real containers: the
// starter fails, the reference solution passes, and each known-wrong
// solution fails exactly the checks it names.
func TestBundledLabs(t *testing.T) {
	d := dockertest.Driver(t)
	all, err := labs.Bundled()
	if err != nil {
		t.Fatalf("load bundled labs: %v", err)
	}
	if len(all) == 0 {
		t.Fatal("no bundled labs")
	}
	for _, lab := range all {
		t.Run(lab.ID, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			env, err := d.StartLab(ctx, lab, labs.BundledFS())
			if err != nil {
				t.Fatalf("start: %v", err)
			}
			defer env.Close(context.Background())
			proof, err := runner.Prove(ctx, env)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range proof.Cases {
				t.Logf("%-24s %-5s %d/%d  want: %s", c.Name, c.Report.Status, c.Report.Score, c.Report.MaxScore, c.Want)
				if c.Problem != "" {
					t.Errorf("%s: %s\n%s", c.Name, c.Problem, describe(c.Report.Results))
				}
			}
		})
	}
}

func describe(results any) string {
	return strings.TrimSpace(fmt.Sprintf("%+v", results))
}
