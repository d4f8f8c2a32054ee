package labs

import (
	"testing"

	"github.com/labrunner/labrunner/checks"
)

func TestArticle(t *testing.T) {
	want := map[string]string{
		KindBackend:        "a backend",
		KindBox:            "a box",
		KindNginx:          "an nginx",
		KindPostgres:       "a postgres",
		KindRedis:          "a redis",
		KindRuntime:        "a runtime",
		"access":           "an access",
		"command":          "a command",
		"file":             "a file",
		"http":             "an http",
		"redis.key":        "a redis.key",
		"sql.assert":       "a sql.assert",
		"sql.index":        "a sql.index",
		"sql.intact":       "a sql.intact",
		"sql.concurrent":   "a sql.concurrent",
		"sql.plan":         "a sql.plan",
		"sql.rejects":      "a sql.rejects",
		"sql.result":       "a sql.result",
		"workload":         "a workload",
		"nginx or runtime": "an nginx or runtime",
	}
	for _, k := range Kinds() {
		if _, ok := want[k]; !ok {
			t.Errorf("kind %q: add it to this table", k)
		}
	}
	for _, ct := range checks.Types() {
		if _, ok := want[ct.Name]; !ok {
			t.Errorf("check type %q: add it to this table", ct.Name)
		}
	}
	for name, w := range want {
		if got := a(name); got != w {
			t.Errorf("a(%q) = %q, want %q", name, got, w)
		}
	}
}
