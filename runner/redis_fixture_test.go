package runner

import (
	"reflect"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/labs"
)

func TestParseRedisCommands(t *testing.T) {
	text := strings.Join([]string{
		"# users",
		"SET user:1 '{\"id\": 1, \"name\": \"Ada\"}' EX 300",
		"",
		`HSET h name "Grace Hopper" note "tab\there\nnewline" bytes "\x41\x42" quote "say \"hi\""`,
		"  RPUSH   q a   b  ",
		`SET it 'it\'s' `,
		`SET empty ""`,
	}, "\n")
	got, err := parseRedisCommands(text)
	if err != nil {
		t.Fatal(err)
	}
	want := []redisCommand{
		{2, []string{"SET", "user:1", `{"id": 1, "name": "Ada"}`, "EX", "300"}},
		{4, []string{"HSET", "h", "name", "Grace Hopper", "note", "tab\there\nnewline", "bytes", "AB", "quote", `say "hi"`}},
		{5, []string{"RPUSH", "q", "a", "b"}},
		{6, []string{"SET", "it", "it's"}},
		{7, []string{"SET", "empty", ""}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestParseRedisCommandsErrors(t *testing.T) {
	tests := []struct{ text, want string }{
		{"SET a \"b", `line 1: unbalanced double quote`},
		{"\nSET a 'b", `line 2: unbalanced single quote`},
		{`SET a "b"c`, `line 1: closing quote must be followed by a space (column 10)`},
		{`SET a b"c"`, `line 1: a quote in the middle of a word (column 8); quote the whole word`},
	}
	for _, tt := range tests {
		_, err := parseRedisCommands(tt.text)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q: got %v, want %q", tt.text, err, tt.want)
		}
	}
}

func TestRuntimeEnv(t *testing.T) {
	lab := labWithServices(map[string]string{"app": "runtime", "db": "postgres", "cache": "redis", "web-proxy": "nginx", "box": "box"})
	lab.Services["db"].Database = "accounts"
	lab.Services["cache"].ACL = true
	lab.Services["app"].Env = map[string]string{"RATE_LIMIT": "5", "REDIS_URL": "redis://override:6379/1"}
	got := programEnv(lab, lab.Services["app"])
	want := map[string]string{
		"DATABASE_URL":  "postgres://learner:learner@db:5432/accounts",
		"DB_URL":        "postgres://learner:learner@db:5432/accounts",
		"REDIS_URL":     "redis://override:6379/1",
		"CACHE_URL":     "redis://learner:learner@cache:6379/0",
		"WEB_PROXY_URL": "http://web-proxy",
		"RATE_LIMIT":    "5",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	// Only the services where programs run get the connection variables.
	for _, k := range Kinds() {
		if got, want := kinds[k].programs, k == labs.KindRuntime; got != want {
			t.Errorf("kind %s: programs = %t, want %t", k, got, want)
		}
	}
}

func labWithServices(kinds map[string]string) *labs.Lab {
	lab := &labs.Lab{ID: "t", Services: map[string]*labs.Service{}}
	for name, kind := range kinds {
		lab.Services[name] = &labs.Service{Kind: kind, Name: name}
	}
	return lab
}
