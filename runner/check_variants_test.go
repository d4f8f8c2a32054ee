package runner

import (
	"strconv"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

func TestMergeVariants(t *testing.T) {
	lab := &labs.Lab{
		Checks: []*labs.CheckDef{
			{Name: "a", OnVariants: true, Points: 2},
			{Name: "b", OnVariants: true, Needs: []string{"a"}},
			{Name: "c"},
			{Name: "d", Needs: []string{"c"}},
		},
		Hints: []*labs.Hint{{Text: "count from the data", Check: "a"}},
	}
	pass := func(name string, points int) checks.Result {
		return checks.Result{Name: name, Status: checks.Pass, Score: points, MaxScore: points, Output: "stdout:\n3\n"}
	}
	tests := []struct {
		name string
		main []checks.Result
		vo   variantOutcomes
		want string
	}{
		{"passes everywhere", []checks.Result{pass("a", 2), pass("b", 1), pass("c", 1), pass("d", 1)},
			variantOutcomes{"a": {{"v1", checks.Pass, ""}, {"v2", checks.Pass, ""}}, "b": {{"v1", checks.Pass, ""}, {"v2", checks.Pass, ""}}},
			"a=pass:2 b=pass:1 c=pass:1 d=pass:1"},
		{"fails on the second variant", []checks.Result{pass("a", 2), pass("b", 1), pass("c", 1), pass("d", 1)},
			variantOutcomes{"a": {{"v1", checks.Pass, ""}, {"v2", checks.Fail, ""}}, "b": {{"v1", checks.Pass, ""}, {"v2", checks.Skip, ""}}},
			"a=fail:0 b=skip:0 c=pass:1 d=pass:1"},
		{"an error there is an error", []checks.Result{pass("a", 2), pass("b", 1), pass("c", 1), pass("d", 1)},
			variantOutcomes{"a": {{"v1", checks.Error, ""}}, "b": {{"v1", checks.Skip, ""}}},
			"a=error:0 b=skip:0 c=pass:1 d=pass:1"},
		{"a fail on the main data stays as it is", []checks.Result{{Name: "a", Status: checks.Fail, Message: "main"}, {Name: "b", Status: checks.Skip}, pass("c", 1), pass("d", 1)},
			variantOutcomes{"a": {{"v1", checks.Fail, ""}}},
			"a=fail:0 b=skip:0 c=pass:1 d=pass:1"},
		{"did not apply there", []checks.Result{pass("a", 2), pass("b", 1), pass("c", 1), pass("d", 1)},
			variantOutcomes{"a": {{"v1", checks.Fail, "count.sh"}}, "b": {{"v1", checks.Fail, "count.sh"}}},
			"a=fail:0 b=fail:0 c=pass:1 d=pass:1"},
		{"checks not on variants are left alone", []checks.Result{{Name: "apply x.sh", Status: checks.Fail}, pass("a", 2), pass("b", 1), pass("c", 1), pass("d", 1)},
			variantOutcomes{"c": {{"v1", checks.Fail, ""}}},
			"apply x.sh=fail:0 a=pass:2 b=pass:1 c=pass:1 d=pass:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mergeVariants(lab, tt.main, tt.vo)
			var s []string
			for _, r := range got {
				s = append(s, r.Name+"="+string(r.Status)+":"+itoa(r.Score))
			}
			if strings.Join(s, " ") != tt.want {
				t.Errorf("got  %s\nwant %s", strings.Join(s, " "), tt.want)
			}
			for _, r := range got {
				if r.Name == "a" && r.Status != checks.Pass && r.Message != "main" {
					if r.Output != "" || !strings.Contains(r.Message, "hidden data set (\"v") || r.Hint != "count from the data" {
						t.Errorf("a variant's failure: %+v", r)
					}
					if strings.Contains(r.Message, "did not run to its end") != (tt.name == "did not apply there") {
						t.Errorf("a variant's failure: %+v", r)
					}
				}
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestVariantCopies(t *testing.T) {
	box := []*labs.FileCopy{{Src: "site", Dst: "/srv/site"}, {Src: "logs", Dst: "/var/log/app"}}
	tests := []struct {
		name    string
		variant []*labs.FileCopy
		want    string
	}{
		{"none", nil, "site>/srv/site logs>/var/log/app"},
		{"one replaced in place", []*labs.FileCopy{{Src: "v/logs", Dst: "/var/log/app"}}, "site>/srv/site v/logs>/var/log/app"},
		{"one added", []*labs.FileCopy{{Src: "v/extra", Dst: "/etc/extra"}}, "site>/srv/site logs>/var/log/app v/extra>/etc/extra"},
		{"replaced and added", []*labs.FileCopy{{Src: "v/extra", Dst: "/etc/extra"}, {Src: "v/site", Dst: "/srv/site"}}, "v/site>/srv/site logs>/var/log/app v/extra>/etc/extra"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s []string
			for _, f := range variantCopies(box, tt.variant) {
				s = append(s, f.Src+">"+f.Dst)
			}
			if strings.Join(s, " ") != tt.want {
				t.Errorf("got %s, want %s", strings.Join(s, " "), tt.want)
			}
		})
	}
}

func TestBoxVariantsOfLab(t *testing.T) {
	lab := &labs.Lab{
		Services: map[string]*labs.Service{"box": {Kind: labs.KindBox}, "db": {Kind: labs.KindPostgres}, "other": {Kind: labs.KindBox}},
		Checks:   []*labs.CheckDef{{Name: "a", Service: "box", OnVariants: true}, {Name: "b", Service: "other"}},
		Variants: []*labs.Variant{{Name: "pg", Service: "db"}, {Name: "v1", Service: "box"}, {Name: "unmarked", Service: "other"}, {Name: "v2", Service: "box"}},
	}
	var got []string
	for _, va := range boxVariants(lab) {
		got = append(got, va.Name)
	}
	if strings.Join(got, " ") != "v1 v2" {
		t.Errorf("got %q, want the box variants with on_variants checks, in order", got)
	}
}
