package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/labrunner/labrunner/checks"
)

// exercismKeys are the fields the test-runner interface defines, version 3.
var (
	exercismTopKeys  = []string{"version", "status", "message", "tests"}
	exercismTestKeys = []string{"name", "status", "message", "output", "test_code", "task_id"}
)

func TestJSONExercismShape(t *testing.T) {
	for _, r := range formatsFixture() {
		var buf bytes.Buffer
		if err := JSON(&buf, r); err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("%s: %v", r.Submission, err)
		}
		for k := range doc {
			if !slices.Contains(exercismTopKeys, k) {
				t.Errorf("%s: key %q is not in the interface", r.Submission, k)
			}
		}
		if doc["version"] != float64(3) {
			t.Errorf("%s: version %v", r.Submission, doc["version"])
		}
		if s := doc["status"]; s != "pass" && s != "fail" && s != "error" {
			t.Errorf("%s: status %v", r.Submission, s)
		}
		if msg, _ := doc["message"].(string); (doc["status"] == "error") != (msg != "") {
			t.Errorf("%s: status %v with message %q: a message is required with error, and only then", r.Submission, doc["status"], msg)
		}
		tests, ok := doc["tests"].([]any)
		if !ok || len(tests) != len(r.Results) {
			t.Fatalf("%s: tests %v", r.Submission, doc["tests"])
		}
		for i, x := range tests {
			test := x.(map[string]any)
			for k := range test {
				if !slices.Contains(exercismTestKeys, k) {
					t.Errorf("%s: test %q: key %q is not in the interface", r.Submission, test["name"], k)
				}
			}
			if test["name"] != r.Results[i].Name {
				t.Errorf("test %d: name %v, want %q (lab order)", i, test["name"], r.Results[i].Name)
			}
			if s := test["status"]; s != "pass" && s != "fail" && s != "error" {
				t.Errorf("test %q: status %v is not an Exercism status", test["name"], s)
			}
			if code, _ := test["test_code"].(string); code != r.Results[i].Code {
				t.Errorf("test %q: test_code %q, want %q", test["name"], code, r.Results[i].Code)
			}
			if out, _ := test["output"].(string); utf8.RuneCountInString(out) > MaxOutput {
				t.Errorf("test %q: output of %d characters, more than %d", test["name"], utf8.RuneCountInString(out), MaxOutput)
			}
			if test["status"] != "pass" && test["message"] == nil {
				t.Errorf("test %q: status %v without a message", test["name"], test["status"])
			}
		}
	}
}

// TestJSONStatus: error only when no check ran to a verdict, as the
// interface reserves it for tests that did not run.
func TestJSONStatus(t *testing.T) {
	res := func(name, typ string, st checks.Status, msg string) checks.Result {
		return checks.Result{Name: name, Type: typ, Status: st, Message: msg, MaxScore: 1}
	}
	tests := []struct {
		name        string
		report      checks.Report
		wantStatus  string
		wantMessage string
	}{
		{"all passed", checks.Report{Results: []checks.Result{res("a", "sql.result", checks.Pass, "")}}, "pass", ""},
		{"one failed", checks.Report{Results: []checks.Result{res("a", "sql.result", checks.Pass, ""), res("b", "sql.result", checks.Fail, "wrong")}}, "fail", ""},
		{"one passed, one errored", checks.Report{Results: []checks.Result{res("a", "sql.result", checks.Pass, ""), res("b", "redis.key", checks.Error, "refused")}}, "fail", ""},
		{"could not start", checks.Report{Message: "start postgres: exited"}, "error", "start postgres: exited"},
		{"every check errored", checks.Report{Results: []checks.Result{res("a", "redis.key", checks.Error, "refused"), res("b", "redis.key", checks.Error, "refused")}}, "error", "refused"},
		{"did not apply, the rest skipped", checks.Report{Results: []checks.Result{
			res("apply q.sql", "apply", checks.Fail, "q.sql: line 1: syntax error"), res("a", "sql.result", checks.Skip, "skipped: q.sql did not apply"),
		}}, "error", "q.sql: line 1: syntax error"},
		{"did not apply, a check of another service failed", checks.Report{Results: []checks.Result{
			res("apply q.sql", "apply", checks.Fail, "q.sql: line 1: syntax error"), res("home", "http.get", checks.Fail, "404"),
		}}, "fail", ""},
		{"no message anywhere", checks.Report{Results: []checks.Result{res("a", "redis.key", checks.Error, "")}}, "error", "the checks could not run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.report
			r.Lab = "l"
			r.Summarize()
			got := toExercism(r)
			if got.Status != tt.wantStatus || got.Message != tt.wantMessage {
				t.Errorf("status %q, message %q; want %q, %q", got.Status, got.Message, tt.wantStatus, tt.wantMessage)
			}
		})
	}
}

func TestJSONOutputCap(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"short", "ok", "ok"},
		{"exactly the cap", strings.Repeat("x", MaxOutput), strings.Repeat("x", MaxOutput)},
		{"one over, multi-byte", strings.Repeat("é", MaxOutput+1), strings.Repeat("é", MaxOutput-utf8.RuneCountInString(TruncatedMarker)) + TruncatedMarker},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := checks.Report{Lab: "l", Results: []checks.Result{{Name: "c", Status: checks.Fail, Output: tt.in}}}
			r.Summarize()
			var buf bytes.Buffer
			if err := JSON(&buf, r); err != nil {
				t.Fatal(err)
			}
			var doc exercismReport
			if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			got := doc.Tests[0].Output
			if got != tt.want {
				t.Errorf("output %q…, want %q…", got[:min(20, len(got))], tt.want[:min(20, len(tt.want))])
			}
			if n := utf8.RuneCountInString(got); n > MaxOutput {
				t.Errorf("output of %d characters", n)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	rs := formatsFixture()
	var batch bytes.Buffer
	if err := JSONBatch(&batch, rs); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(bytes.NewReader(batch.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, rs) {
		t.Errorf("batch round trip:\ngot  %+v\nwant %+v", got, rs)
	}
	// Writing what was read gives the same bytes.
	var again bytes.Buffer
	if err := JSONBatch(&again, got); err != nil {
		t.Fatal(err)
	}
	if again.String() != batch.String() {
		t.Errorf("second write differs from the first")
	}

	// The shape is the same for one submission as for many.
	var one bytes.Buffer
	if err := JSONBatch(&one, rs[:1]); err != nil {
		t.Fatal(err)
	}
	var idx jsonIndex
	if err := json.Unmarshal(one.Bytes(), &idx); err != nil || idx.Format != IndexFormat || len(idx.Submissions) != 1 {
		t.Errorf("a batch of one: %v, %+v", err, idx)
	}

	// Each entry's results is the submission's results.json.
	var full jsonIndex
	if err := json.Unmarshal(batch.Bytes(), &full); err != nil {
		t.Fatal(err)
	}
	for i, e := range full.Submissions {
		var want bytes.Buffer
		if err := JSON(&want, rs[i]); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := writeJSON(&got, e.Results); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%s: the index's results differ from its results.json:\n%s\nwant\n%s", e.Submission, got.String(), want.String())
		}
	}

	var empty bytes.Buffer
	if err := JSONBatch(&empty, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(empty.String(), `"submissions": []`) {
		t.Errorf("an empty batch must have an empty list, not null: %s", empty.String())
	}
}

func TestReadJSONErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"not json", `{`, "decode results: unexpected end of JSON input"},
		{"one results.json", `{"version": 3, "status": "pass", "tests": []}`,
			"decode results: this is one submission's results.json, which holds no scores or names; pass the index.json that `lab grade --format json --out DIR` writes next to it"},
		{"an old batch", `{"version": 3, "submissions": []}`,
			"decode results: not a results index (format \"\", want \"labrunner-results-index\"): pass the index.json that `lab grade --format json --out DIR` writes"},
		{"another version", `{"format": "labrunner-results-index", "version": 2, "submissions": []}`, "decode results: index version 2, want 1"},
		{"unknown status", `{"format": "labrunner-results-index", "version": 1, "submissions": [{"submission": "s", "status": "skip", "checks": []}]}`,
			`decode results: submission 1 ("s"): unknown status "skip" (known: pass, fail, error)`},
		{"unknown check status", `{"format": "labrunner-results-index", "version": 1, "submissions": [{"submission": "s", "status": "fail", "checks": [{"name": "c", "status": "ok"}]}]}`,
			`decode results: submission 1 ("s"): check "c": unknown status "ok" (known: pass, fail, error, skip)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadJSON(strings.NewReader(tt.in))
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestResultsFiles(t *testing.T) {
	tests := []struct {
		name        string
		submissions []string
		want        []string
	}{
		{"names", []string{"alice", "bob"}, []string{"alice/results.json", "bob/results.json"}},
		{"no name is the lab", []string{""}, []string{"sql-join/results.json"}},
		{"separators and dots", []string{"../x", "a/b", `c\d`, ".hidden", "tab\tname"}, []string{"_._x/results.json", "a_b/results.json", "c_d/results.json", "_hidden/results.json", "tab_name/results.json"}},
		{"taken names get a number", []string{"a/b", "a_b", "A_B"}, []string{"a_b/results.json", "a_b-2/results.json", "A_B-3/results.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rs []checks.Report
			for _, s := range tt.submissions {
				rs = append(rs, checks.Report{Lab: "sql-join", Submission: s})
			}
			if got := ResultsFiles(rs); !slices.Equal(got, tt.want) {
				t.Errorf("ResultsFiles = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMerge(t *testing.T) {
	rs := fixture() // bob, alice, dave, carol, erin
	bob, alice, dave, carol := rs[0], rs[1], rs[2], rs[3]
	otherLab := alice
	otherLab.Lab = "redis-cache"

	got, err := Merge([]checks.Report{bob, dave}, []checks.Report{carol, alice}, nil, []checks.Report{otherLab})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range got {
		keys = append(keys, r.Submission+"/"+r.Lab)
	}
	want := []string{`=Carol "C.J." O'Neil, 100%/sql-join`, "alice/redis-cache", "alice/sql-join", "bob/sql-join", "dave/sql-join"}
	if !slices.Equal(keys, want) {
		t.Errorf("merged order %q, want %q", keys, want)
	}
	// The order of the shards' contents does not change the result.
	again, err := Merge([]checks.Report{alice, carol}, []checks.Report{otherLab, dave, bob})
	if err != nil || !reflect.DeepEqual(got, again) {
		t.Errorf("merge depends on the order within shards: %v", err)
	}
	if m, err := Merge(); m != nil || err != nil {
		t.Errorf("merging nothing gives %v, %v", m, err)
	}
}

func TestMergeDuplicates(t *testing.T) {
	rs := fixture()
	bob, alice, dave := rs[0], rs[1], rs[2]
	bobAgain := bob
	bobAgain.Score = 5
	tests := []struct {
		name   string
		shards [][]checks.Report
		want   []Duplicate
	}{
		{"in two shards", [][]checks.Report{{bob, alice}, {dave, bobAgain}}, []Duplicate{{"sql-join", "bob", []int{0, 1}}}},
		{"twice in one shard", [][]checks.Report{{alice, alice}}, []Duplicate{{"sql-join", "alice", []int{0, 0}}}},
		{"in three shards, and another", [][]checks.Report{{bob, dave}, {bob}, {dave, bob}}, []Duplicate{{"sql-join", "bob", []int{0, 1, 2}}, {"sql-join", "dave", []int{0, 2}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Merge(tt.shards...)
			var dup *DuplicateError
			if !errors.As(err, &dup) || got != nil {
				t.Fatalf("Merge = %v, %v; want a *DuplicateError and no batch", got, err)
			}
			if !reflect.DeepEqual(dup.Duplicates, tt.want) {
				t.Errorf("duplicates %+v, want %+v", dup.Duplicates, tt.want)
			}
		})
	}
	_, err := Merge([]checks.Report{bob}, []checks.Report{bobAgain})
	want := "1 submission is in more than one shard, so no grade was merged:\n  bob (lab sql-join) is in shard 1 and shard 2\n" +
		"grade each submission in one shard only (lab grade --shard i/n), or pass each shard once"
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant\n%s", err, want)
	}
}
