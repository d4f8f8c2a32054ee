package checks

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// hitsBackend counts requests by target as images/backend does and
// answers its count endpoint.
func hitsBackend(t *testing.T) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == hitsPath {
			json.NewEncoder(w).Encode(map[string]int{"hits": hits[r.URL.Query().Get("target")]})
			return
		}
		hits[r.URL.RequestURI()]++
		w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// cacheFront is a server under test in front of backend: it caches the
// answers to paths under /cached/ (any query), and passes the rest on.
func cacheFront(t *testing.T, backend string) *httptest.Server {
	t.Helper()
	var mu sync.Mutex
	seen := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if strings.HasPrefix(r.URL.Path, "/cached/") && seen[r.URL.RequestURI()] {
			w.Write([]byte("ok"))
			return
		}
		seen[r.URL.RequestURI()] = true
		resp, err := http.Get(backend + r.URL.RequestURI())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		resp.Body.Close()
		w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func hits(n int) *int { return &n }

func TestHTTPBackendHits(t *testing.T) {
	repeat := func(path string, n int) []*HTTPStep {
		return []*HTTPStep{{HTTPRequest: HTTPRequest{Path: path}, Repeat: n, Expect: &HTTPExpect{Status: 200}}}
	}
	tests := []struct {
		name   string
		check  *HTTP
		hidden bool
		want   Status
		msg    string
	}{
		{
			name:  "repeats served from the cache",
			check: &HTTP{Requests: repeat("/cached/$run", 3), BackendHits: []*HTTPBackendHits{{Service: "app", Target: "/cached/$run", Hits: hits(1)}}},
			want:  Pass,
		},
		{
			name:  "the query is part of the target",
			check: &HTTP{Requests: append(repeat("/cached/$run?a=1", 2), repeat("/cached/$run?a=2", 2)...), BackendHits: []*HTTPBackendHits{{Service: "app", Target: "/cached/$run?a=1", Hits: hits(1)}, {Service: "app", Target: "/cached/$run?a=2", Hits: hits(1)}}},
			want:  Pass,
		},
		{
			name:  "every request passed on",
			check: &HTTP{Requests: repeat("/plain/$run", 3), BackendHits: []*HTTPBackendHits{{Service: "app", Target: "/plain/$run", Hits: hits(3)}}},
			want:  Pass,
		},
		{
			name:  "uncached where a cache was expected",
			check: &HTTP{Requests: repeat("/plain/$run", 3), BackendHits: []*HTTPBackendHits{{Service: "app", Target: "/plain/$run", Hits: hits(1)}}},
			want:  Fail, msg: "backend app received 3 requests for /plain/$run, expected 1: a cache in front of it let more through",
		},
		{
			name:  "cached where every request must reach the backend",
			check: &HTTP{Requests: repeat("/cached/$run", 2), BackendHits: []*HTTPBackendHits{{Service: "app", Target: "/cached/$run", Hits: hits(2)}}},
			want:  Fail, msg: "backend app received 1 request for /cached/$run, expected 2: answers were served without asking it",
		},
		{
			name:   "hidden expectation",
			check:  &HTTP{Requests: repeat("/cached/$run", 2), BackendHits: []*HTTPBackendHits{{Service: "app", Target: "/cached/$run", Hits: hits(2)}}},
			hidden: true,
			want:   Fail, msg: "backend app received 1 request for /cached/$run, not the expected number",
		},
		{
			name:  "each run has targets of its own",
			check: &HTTP{Requests: repeat("/plain/$run", 1), BackendHits: []*HTTPBackendHits{{Service: "app", Target: "/plain/$run", Hits: hits(1)}}},
			want:  Pass,
		},
		{
			name:  "an unknown service is an error",
			check: &HTTP{Requests: repeat("/plain/$run", 1), BackendHits: []*HTTPBackendHits{{Service: "nope", Target: "/plain/$run", Hits: hits(1)}}},
			want:  Error, msg: `no service "nope"`,
		},
		{
			name:  "a service that does not count is an error",
			check: &HTTP{Requests: repeat("/plain/$run", 1), BackendHits: []*HTTPBackendHits{{Service: "web", Target: "/plain/$run", Hits: hits(1)}}},
			want:  Error, msg: "backend web does not count requests",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.check.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			backend := hitsBackend(t)
			front := cacheFront(t, backend.URL)
			web := &execEnv{base: front.URL}
			env := &execEnv{fakeEnv: fakeEnv{reveal: !tt.hidden, services: map[string]Env{"app": &execEnv{base: backend.URL}, "web": web}}, base: front.URL}
			// Two runs: the second must not see the first's counts.
			for run := 0; run < 2; run++ {
				out := tt.check.Run(context.Background(), env)
				if out.Status != tt.want || !strings.Contains(out.Message, tt.msg) {
					t.Errorf("run %d: got %s %q, want %s with %q", run+1, out.Status, out.Message, tt.want, tt.msg)
				}
			}
		})
	}
}

func TestHTTPBackendHitsValidate(t *testing.T) {
	step := []*HTTPStep{{HTTPRequest: HTTPRequest{Path: "/a"}}}
	tests := []struct {
		name  string
		check *HTTP
		want  string
	}{
		{"counts alone are an expectation", &HTTP{Requests: step, BackendHits: []*HTTPBackendHits{{Service: "app", Target: "/a", Hits: hits(1)}}}, ""},
		{"single request with counts only", &HTTP{HTTPRequest: HTTPRequest{Path: "/a"}, BackendHits: []*HTTPBackendHits{{Service: "app", Target: "/a", Hits: hits(0)}}}, ""},
		{"no service", &HTTP{Requests: step, BackendHits: []*HTTPBackendHits{{Target: "/a", Hits: hits(1)}}}, "backend_hits[1].service: missing"},
		{"relative target", &HTTP{Requests: step, BackendHits: []*HTTPBackendHits{{Service: "app", Target: "a", Hits: hits(1)}}}, `backend_hits[1].target: "a" must be a path starting with /`},
		{"no hits", &HTTP{Requests: step, BackendHits: []*HTTPBackendHits{{Service: "app", Target: "/a"}}}, "backend_hits[1].hits: missing"},
		{"negative hits", &HTTP{Requests: step, BackendHits: []*HTTPBackendHits{{Service: "app", Target: "/a", Hits: hits(-1)}}}, "backend_hits[1].hits: between 0 and 1000"},
		{"empty entry", &HTTP{Requests: step, BackendHits: []*HTTPBackendHits{nil}}, "backend_hits: entry 1 is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantValidate(t, tt.check, tt.want) })
	}
}
