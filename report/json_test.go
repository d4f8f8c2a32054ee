package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/labrunner/labrunner/checks"
)

func TestJSONExercismShape(t *testing.T) {
	for _, r := range fixture() {
		var buf bytes.Buffer
		if err := JSON(&buf, r); err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("%s: %v", r.Submission, err)
		}
		if doc["version"] != float64(3) {
			t.Errorf("%s: version %v", r.Submission, doc["version"])
		}
		if s := doc["status"]; s != "pass" && s != "fail" && s != "error" {
			t.Errorf("%s: status %v", r.Submission, s)
		}
		if (doc["status"] == "error") != (r.Status == checks.Error) {
			t.Errorf("%s: status %v, report %s", r.Submission, doc["status"], r.Status)
		}
		if doc["lab"] != "sql-join" || doc["submission"] != r.Submission || doc["score"] != float64(r.Score) || doc["max_score"] != float64(r.MaxScore) {
			t.Errorf("%s: lab/submission/score wrong: %v", r.Submission, doc)
		}
		tests, ok := doc["tests"].([]any)
		if !ok || len(tests) != len(r.Results) {
			t.Fatalf("%s: tests %v", r.Submission, doc["tests"])
		}
		for i, x := range tests {
			test := x.(map[string]any)
			if test["name"] != r.Results[i].Name {
				t.Errorf("test %d: name %v, want %q (lab order)", i, test["name"], r.Results[i].Name)
			}
			if s := test["status"]; s != "pass" && s != "fail" && s != "error" {
				t.Errorf("test %q: status %v is not an Exercism status", test["name"], s)
			}
			if _, ok := test["test_code"]; ok {
				t.Errorf("test %q: test_code written", test["name"])
			}
			if out, _ := test["output"].(string); utf8.RuneCountInString(out) > MaxOutput+utf8.RuneCountInString(TruncatedMarker) {
				t.Errorf("test %q: output of %d characters", test["name"], utf8.RuneCountInString(out))
			}
			if test["status"] != "pass" && test["message"] == nil {
				t.Errorf("test %q: status %v without a message", test["name"], test["status"])
			}
		}
	}
}

func TestJSONOutputCap(t *testing.T) {
	long := strings.Repeat("é", MaxOutput+1)
	r := checks.Report{Lab: "l", Results: []checks.Result{{Name: "c", Status: checks.Fail, Output: long}}}
	r.Summarize()
	var buf bytes.Buffer
	if err := JSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Repeat("é", MaxOutput) + TruncatedMarker
	if out := got[0].Results[0].Output; out != want {
		t.Errorf("output %q…, want %d characters and the marker", out[:20], MaxOutput)
	}
	// Capping again changes nothing: a merged batch re-rendered is stable.
	if again := truncate(want, MaxOutput, TruncatedMarker); again != want {
		t.Errorf("capping is not idempotent")
	}
	exact := strings.Repeat("x", MaxOutput)
	if truncate(exact, MaxOutput, TruncatedMarker) != exact {
		t.Errorf("output of exactly MaxOutput characters was cut")
	}
}

// wantRoundTrip is what a report reads back as: output capped, durations
// in whole microseconds (the fixture's already are).
func wantRoundTrip(rs []checks.Report) []checks.Report {
	out := make([]checks.Report, len(rs))
	for i, r := range rs {
		r.Results = append([]checks.Result(nil), r.Results...)
		for j := range r.Results {
			r.Results[j].Output = truncate(r.Results[j].Output, MaxOutput, TruncatedMarker)
		}
		out[i] = r
	}
	return out
}

func TestJSONRoundTrip(t *testing.T) {
	rs := fixture()
	var batch bytes.Buffer
	if err := JSONBatch(&batch, rs); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(bytes.NewReader(batch.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if want := wantRoundTrip(rs); !reflect.DeepEqual(got, want) {
		t.Errorf("batch round trip:\ngot  %+v\nwant %+v", got, want)
	}
	// Writing what was read gives the same bytes.
	var again bytes.Buffer
	if err := JSONBatch(&again, got); err != nil {
		t.Fatal(err)
	}
	if again.String() != batch.String() {
		t.Errorf("second write differs from the first")
	}

	var one bytes.Buffer
	if err := JSON(&one, rs[0]); err != nil {
		t.Fatal(err)
	}
	got, err = ReadJSON(&one)
	if err != nil {
		t.Fatal(err)
	}
	if want := wantRoundTrip(rs[:1]); !reflect.DeepEqual(got, want) {
		t.Errorf("single round trip:\ngot  %+v\nwant %+v", got, want)
	}
	if got[0].Results[3].Status != checks.Skip {
		t.Errorf("a skipped check reads back as %s", got[0].Results[3].Status)
	}

	got, err = ReadJSON(strings.NewReader("[" + strings.TrimSpace(func() string {
		var b bytes.Buffer
		JSON(&b, rs[1])
		return b.String()
	}()) + "]"))
	if err != nil || len(got) != 1 || got[0].Submission != "alice" {
		t.Errorf("bare array: %v, %+v", err, got)
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
		{"old version", `{"version": 2, "status": "pass", "tests": []}`, "decode results: version 2, want 3"},
		{"no version", `{"status": "pass", "tests": []}`, "decode results: version 0, want 3"},
		{"unknown status", `{"version": 3, "status": "ok", "lab": "l", "submission": "s", "tests": []}`,
			`decode results: report 0 ("s"): unknown status "ok" (known: pass, fail, error)`},
		{"unknown test status", `{"version": 3, "submissions": [{"version": 3, "status": "fail", "tests": [{"name": "c", "status": "skip"}]}]}`,
			`decode results: report 0 (""): test "c": unknown status "skip" (known: pass, fail, error)`},
		{"entry of another version", `{"version": 3, "submissions": [{"version": 2, "status": "fail", "tests": []}]}`,
			`decode results: report 0 (""): version 2, want 3`},
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

func TestMerge(t *testing.T) {
	rs := fixture() // bob, alice, dave, carol
	bob, alice, dave, carol := rs[0], rs[1], rs[2], rs[3]
	daveAgain := dave
	daveAgain.Message, daveAgain.Status = "", checks.Pass
	otherLab := alice
	otherLab.Lab = "redis-cache"

	got := Merge([]checks.Report{bob, dave}, []checks.Report{carol, alice}, nil, []checks.Report{daveAgain, otherLab})
	var keys []string
	for _, r := range got {
		keys = append(keys, r.Submission+"/"+r.Lab)
	}
	want := []string{`=Carol "C.J." O'Neil, 100%/sql-join`, "alice/redis-cache", "alice/sql-join", "bob/sql-join", "dave/sql-join"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("merged order %q, want %q", keys, want)
	}
	if got[4].Status != checks.Pass {
		t.Errorf("the later shard's dave must win, got status %s", got[4].Status)
	}

	// The order of the shards' contents does not change the result.
	again := Merge([]checks.Report{alice, carol}, []checks.Report{dave, bob}, []checks.Report{otherLab, daveAgain})
	if !reflect.DeepEqual(got, again) {
		t.Errorf("merge depends on the order within shards")
	}
	if Merge() != nil {
		t.Errorf("merging nothing gives something")
	}

	// Shards written as JSON batches and read back merge the same way.
	var shard bytes.Buffer
	if err := JSONBatch(&shard, []checks.Report{bob, alice}); err != nil {
		t.Fatal(err)
	}
	read, err := ReadJSON(&shard)
	if err != nil {
		t.Fatal(err)
	}
	if m := Merge(read, []checks.Report{alice}); len(m) != 2 || m[0].Submission != "alice" || m[1].Submission != "bob" {
		t.Errorf("merge of read shards: %+v", m)
	}
}
