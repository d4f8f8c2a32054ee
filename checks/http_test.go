package checks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// testServer is a small site with the behaviours the http check looks
// for: a cache that misses then hits, two alternating upstreams, a rate
// limit, a redirect, a header echo and a connection that closes.
func testServer(t *testing.T) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	hits := map[string]int{}
	count := func(key string) int {
		mu.Lock()
		defer mu.Unlock()
		hits[key]++
		return hits[key]
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<h1>Not here</h1>", http.StatusNotFound)
	})
	mux.HandleFunc("/index.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Write([]byte("<h1>Welcome</h1>"))
	})
	mux.HandleFunc("/cached", func(w http.ResponseWriter, r *http.Request) {
		status := "HIT"
		if count("cached") == 1 {
			status = "MISS"
		}
		w.Header().Set("X-Cache-Status", status)
		w.Write([]byte("payload"))
	})
	mux.HandleFunc("/api/whoami", func(w http.ResponseWriter, r *http.Request) {
		name := []string{"app1", "app2"}[count("rr")%2]
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"name": name, "n": 3, "ok": true})
	})
	mux.HandleFunc("/api/sticky", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Upstream", "app1")
		w.Write([]byte(`{"name":"app1"}`))
	})
	mux.HandleFunc("/limited", func(w http.ResponseWriter, r *http.Request) {
		if count("limited") > 3 {
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte("ok"))
	})
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/index.html", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		h := map[string]string{}
		for k, v := range r.Header {
			h[k] = strings.Join(v, ", ")
		}
		json.NewEncoder(w).Encode(map[string]any{"method": r.Method, "host": r.Host, "headers": h, "items": []any{map[string]any{"id": 7}}})
	})
	// /proxied answers as a lab backend does; /madeup as a configuration
	// that only pretends to proxy, copying the nonce it was sent.
	mux.HandleFunc("/proxied", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Backend-Proof", proof(r.Header.Get("X-Lab-Nonce"), `{"name":"app1"}`))
		w.Write([]byte(`{"name":"app1"}`))
	})
	// /rewritten is a backend's answer changed on the way (sub_filter);
	// /borrowed a canned body with the proof of a subrequest's answer
	// (auth_request_set); /header-only the proof of the nonce alone.
	mux.HandleFunc("/rewritten", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Backend-Proof", proof(r.Header.Get("X-Lab-Nonce"), `{"name":"app1"}`))
		w.Write([]byte(`{"name":"app2"}`))
	})
	mux.HandleFunc("/borrowed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Backend-Proof", proof(r.Header.Get("X-Lab-Nonce"), ""))
		w.Write([]byte(`{"name":"app1"}`))
	})
	mux.HandleFunc("/header-only", func(w http.ResponseWriter, r *http.Request) {
		sum := sha256.Sum256([]byte(r.Header.Get("X-Lab-Nonce")))
		w.Header().Set("X-Backend-Proof", hex.EncodeToString(sum[:]))
		w.Write([]byte(`{"name":"app1"}`))
	})
	mux.HandleFunc("/madeup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Backend-Proof", r.Header.Get("X-Lab-Nonce"))
	})
	mux.HandleFunc("/hangup", func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func str(s string) *string { return &s }

// proof is what a lab backend (images/backend) signs body with.
func proof(nonce, body string) string {
	sum := sha256.Sum256([]byte(nonce + "\n" + body))
	return hex.EncodeToString(sum[:])
}

func TestHTTPRun(t *testing.T) {
	tests := []struct {
		name   string
		check  *HTTP
		hidden bool
		want   Status
		msg    string // a substring of the message
	}{
		{
			name:  "status and headers pass",
			check: &HTTP{HTTPRequest: HTTPRequest{Path: "/index.html"}, Expect: &HTTPExpect{Status: 200, Headers: map[string]*HTTPHeader{"content-type": {Match: Match{Matches: "^text/html"}}, "Cache-Control": {Match: Match{Equals: str("no-cache")}}, "X-Powered-By": {Match: Match{Absent: true}}}}},
			want:  Pass,
		},
		{
			name:  "answer from a backend",
			check: &HTTP{HTTPRequest: HTTPRequest{Path: "/proxied"}, Expect: &HTTPExpect{FromBackend: true}},
			want:  Pass,
		},
		{
			name:  "a backend's body rewritten on the way",
			check: &HTTP{HTTPRequest: HTTPRequest{Path: "/rewritten"}, Expect: &HTTPExpect{FromBackend: true}},
			want:  Fail, msg: "the body is not the one the backend sent",
		},
		{
			name:  "a canned body beside a borrowed proof",
			check: &HTTP{HTTPRequest: HTTPRequest{Path: "/borrowed"}, Expect: &HTTPExpect{FromBackend: true}},
			want:  Fail, msg: "the body is not the one the backend sent",
		},
		{
			name:  "a proof of the nonce alone does not cover the body",
			check: &HTTP{HTTPRequest: HTTPRequest{Path: "/header-only"}, Expect: &HTTPExpect{FromBackend: true}},
			want:  Fail, msg: "the body is not the one the backend sent",
		},
		{
			name:  "answer made up by the configuration",
			check: &HTTP{HTTPRequest: HTTPRequest{Path: "/madeup"}, Expect: &HTTPExpect{FromBackend: true}},
			want:  Fail, msg: "the answer did not come from a backend",
		},
		{
			name:  "wrong status",
			check: &HTTP{HTTPRequest: HTTPRequest{Path: "/missing"}, Expect: &HTTPExpect{Status: 200}},
			want:  Fail, msg: "GET /missing: expected status 200, got 404",
		},
		{
			name:   "wrong status, hidden",
			check:  &HTTP{HTTPRequest: HTTPRequest{Path: "/missing"}, Expect: &HTTPExpect{Status: 200}},
			hidden: true,
			want:   Fail, msg: "the status 404 is not the expected one",
		},
		{
			name:  "missing header",
			check: &HTTP{HTTPRequest: HTTPRequest{Path: "/index.html"}, Expect: &HTTPExpect{Headers: map[string]*HTTPHeader{"ETag": {Match: Match{}}}}},
			want:  Fail, msg: "header Etag is missing",
		},
		{
			name:  "header that must be absent",
			check: &HTTP{HTTPRequest: HTTPRequest{Path: "/index.html"}, Expect: &HTTPExpect{Headers: map[string]*HTTPHeader{"Cache-Control": {Match: Match{Absent: true}}}}},
			want:  Fail, msg: `header Cache-Control is "no-cache", expected none`,
		},
		{
			name:  "header regex mismatch",
			check: &HTTP{HTTPRequest: HTTPRequest{Path: "/index.html"}, Expect: &HTTPExpect{Headers: map[string]*HTTPHeader{"Cache-Control": {Match: Match{Matches: "max-age=[0-9]+"}}}}},
			want:  Fail, msg: `header Cache-Control is "no-cache", expected a value matching /max-age=[0-9]+/`,
		},
		{
			name:  "body contains",
			check: &HTTP{HTTPRequest: HTTPRequest{Path: "/nope"}, Expect: &HTTPExpect{Status: 404, Body: &HTTPBody{Contains: "Not here"}}},
			want:  Pass,
		},
		{
			name:  "body equals fails",
			check: &HTTP{HTTPRequest: HTTPRequest{Path: "/index.html"}, Expect: &HTTPExpect{Body: &HTTPBody{Equals: str("<h1>Hello</h1>")}}},
			want:  Fail, msg: `the body is "<h1>Welcome</h1>", expected "<h1>Hello</h1>"`,
		},
		{
			name: "request headers, Host and JSON fields",
			check: &HTTP{HTTPRequest: HTTPRequest{Method: "POST", Path: "/echo", Headers: map[string]string{"Host": "shop.example", "X-Token": "abc"}, Body: "{}"},
				Expect: &HTTPExpect{Body: &HTTPBody{JSON: map[string]*Match{
					"method": {Equals: str("POST")}, "host": {Equals: str("shop.example")},
					"headers.x-token": {Equals: str("abc")}, "headers.Accept-Encoding": {Absent: true},
					"items.0.id": {Equals: str("7")},
				}}}},
			want: Pass,
		},
		{
			name:  "JSON field missing",
			check: &HTTP{HTTPRequest: HTTPRequest{Path: "/echo"}, Expect: &HTTPExpect{Body: &HTTPBody{JSON: map[string]*Match{"headers.X-Forwarded-For": {Matches: `^[0-9.]+$`}}}}},
			want:  Fail, msg: "JSON field headers.X-Forwarded-For is missing, expected a value matching /^[0-9.]+$/",
		},
		{
			name:  "body not JSON",
			check: &HTTP{HTTPRequest: HTTPRequest{Path: "/index.html"}, Expect: &HTTPExpect{Body: &HTTPBody{JSON: map[string]*Match{"a": {}}}}},
			want:  Fail, msg: "the body is not JSON",
		},
		{
			name:  "redirects are not followed",
			check: &HTTP{HTTPRequest: HTTPRequest{Path: "/old"}, Expect: &HTTPExpect{Status: 301, Headers: map[string]*HTTPHeader{"Location": {Match: Match{Equals: str("/index.html")}}}}},
			want:  Pass,
		},
		{
			name: "second request is a cache hit",
			check: &HTTP{Requests: []*HTTPStep{
				{HTTPRequest: HTTPRequest{Path: "/cached"}, Expect: &HTTPExpect{Status: 200}},
				{HTTPRequest: HTTPRequest{Path: "/cached"}, Expect: &HTTPExpect{Headers: map[string]*HTTPHeader{"X-Cache-Status": {Match: Match{Equals: str("HIT")}}}}},
			}},
			want: Pass,
		},
		{
			name: "the first request is no hit",
			check: &HTTP{Requests: []*HTTPStep{
				{HTTPRequest: HTTPRequest{Path: "/cached"}, Repeat: 2, Expect: &HTTPExpect{Headers: map[string]*HTTPHeader{"X-Cache-Status": {Match: Match{Equals: str("HIT")}}}}},
			}},
			want: Fail, msg: `request 1 of 2 (GET /cached): header X-Cache-Status is "MISS", expected "HIT"`,
		},
		{
			name: "alternating upstreams",
			check: &HTTP{Requests: []*HTTPStep{
				{HTTPRequest: HTTPRequest{Path: "/api/whoami"}, Repeat: 4, Expect: &HTTPExpect{Status: 200}, Distinct: &HTTPDistinct{JSON: "name"}},
			}},
			want: Pass,
		},
		{
			name: "one upstream only",
			check: &HTTP{Requests: []*HTTPStep{
				{HTTPRequest: HTTPRequest{Path: "/api/sticky"}, Repeat: 4, Distinct: &HTTPDistinct{Header: "x-upstream"}},
			}},
			want: Fail, msg: `GET /api/sticky: header X-Upstream took 1 different value(s) over 4 responses ("app1"), expected at least 2`,
		},
		{
			name: "burst gets 429",
			check: &HTTP{Requests: []*HTTPStep{
				{HTTPRequest: HTTPRequest{Path: "/limited"}, Repeat: 3, Expect: &HTTPExpect{Status: 200}},
				{HTTPRequest: HTTPRequest{Path: "/limited"}, Pause: Duration{time.Millisecond}, Expect: &HTTPExpect{Status: 429}},
			}},
			want: Pass,
		},
		{
			name:  "connection closed without an answer",
			check: &HTTP{HTTPRequest: HTTPRequest{Path: "/hangup"}, Expect: &HTTPExpect{Status: 200}},
			want:  Fail, msg: "GET /hangup: no HTTP answer (the connection was closed without a response)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.check.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			srv := testServer(t)
			env := &execEnv{fakeEnv: fakeEnv{reveal: !tt.hidden}, base: srv.URL}
			out := tt.check.Run(context.Background(), env)
			if out.Status != tt.want || !strings.Contains(out.Message, tt.msg) {
				t.Errorf("got %s %q, want %s with %q", out.Status, out.Message, tt.want, tt.msg)
			}
			if out.Status == Fail && strings.Contains(tt.msg, "expected status") && !strings.HasPrefix(out.Output, "HTTP/1.1 404 Not Found\n") {
				t.Errorf("output = %q, want the response transcript", out.Output)
			}
		})
	}
}

func TestHTTPRunErrors(t *testing.T) {
	srv := testServer(t)
	t.Run("timeout is an error", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		c := &HTTP{HTTPRequest: HTTPRequest{Path: "/slow"}, Expect: &HTTPExpect{Status: 200}}
		out := c.Run(WithLimit(ctx, 100*time.Millisecond), &execEnv{base: srv.URL})
		if out.Status != Error || !strings.Contains(out.Message, "no answer; the request ran past the 100 ms limit and was given up") {
			t.Errorf("got %s %q", out.Status, out.Message)
		}
	})
	t.Run("no endpoint is an error", func(t *testing.T) {
		c := &HTTP{HTTPRequest: HTTPRequest{Path: "/"}, Expect: &HTTPExpect{Status: 200}}
		if out := c.Run(context.Background(), &execEnv{}); out.Status != Error {
			t.Errorf("got %s %q", out.Status, out.Message)
		}
	})
}

func TestHTTPValidate(t *testing.T) {
	tests := []struct {
		name  string
		check *HTTP
		want  string // "" means valid
	}{
		{"single request", &HTTP{HTTPRequest: HTTPRequest{Path: "/"}, Expect: &HTTPExpect{Status: 200}}, ""},
		{"no expect", &HTTP{HTTPRequest: HTTPRequest{Path: "/"}}, "expect: missing"},
		{"both forms", &HTTP{HTTPRequest: HTTPRequest{Path: "/"}, Requests: []*HTTPStep{{Expect: &HTTPExpect{Status: 200}}}}, "requests: write either one request"},
		{"relative path", &HTTP{HTTPRequest: HTTPRequest{Path: "api"}, Expect: &HTTPExpect{Status: 200}}, `path: "api" must start with /`},
		{"bad method", &HTTP{HTTPRequest: HTTPRequest{Method: "get"}, Expect: &HTTPExpect{Status: 200}}, `method: "get" is not an HTTP method`},
		{"bad status", &HTTP{Expect: &HTTPExpect{Status: 42}}, "expect.status: 42 is not an HTTP status"},
		{"bad regex", &HTTP{Expect: &HTTPExpect{Headers: map[string]*HTTPHeader{"X": {Match: Match{Matches: "("}}}}}, "expect.headers.X.matches: error parsing regexp"},
		{"two matchers", &HTTP{Expect: &HTTPExpect{Body: &HTTPBody{Contains: "a", Matches: "b"}}}, "expect.body: set one of equals, contains and matches"},
		{"absent and equals", &HTTP{Expect: &HTTPExpect{Headers: map[string]*HTTPHeader{"X": {Match: Match{Absent: true, Equals: str("")}}}}}, "absent cannot be combined"},
		{"nothing expected in a sequence", &HTTP{Requests: []*HTTPStep{{HTTPRequest: HTTPRequest{Path: "/"}}}}, "no request has an expect or a distinct"},
		{"distinct without repeats", &HTTP{Requests: []*HTTPStep{{Distinct: &HTTPDistinct{JSON: "name"}}}}, "requests[1].distinct: 2 different values need at least 2 requests"},
		{"distinct of nothing", &HTTP{Requests: []*HTTPStep{{Repeat: 2, Distinct: &HTTPDistinct{}}}}, "requests[1].distinct: set one of header and json"},
		{"too many requests", &HTTP{Requests: []*HTTPStep{{Repeat: 5000, Expect: &HTTPExpect{Status: 200}}}}, "requests: 5000 requests in all; at most 1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantValidate(t, tt.check, tt.want) })
	}
}
