package checks

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestHTTPTranscriptFocus: the response shown under a failed HTTP check is
// cut to what explains the failure — a header that does not match shows
// that header, not the body; a wrong status or body shows the body.
func TestHTTPTranscriptFocus(t *testing.T) {
	srv := testServer(t)
	tests := []struct {
		name   string
		check  HTTP
		want   string
		absent []string
	}{
		{"a header that does not match: its line only",
			HTTP{HTTPRequest: HTTPRequest{Path: "/index.html"}, Expect: &HTTPExpect{Headers: map[string]*HTTPHeader{"cache-control": {Match: Match{Contains: "max-age"}}}}},
			"HTTP/1.1 200 OK\nCache-Control: no-cache\n", []string{"Welcome", "Content-Length"}},
		{"a missing header is said",
			HTTP{HTTPRequest: HTTPRequest{Path: "/index.html"}, Expect: &HTTPExpect{Headers: map[string]*HTTPHeader{"expires": nil}}},
			"HTTP/1.1 200 OK\n(no Expires header)\n", []string{"Welcome"}},
		{"a wrong status: the body that says why",
			HTTP{HTTPRequest: HTTPRequest{Path: "/nope"}, Expect: &HTTPExpect{Status: 200}},
			"HTTP/1.1 404 Not Found\nContent-Type: text/plain; charset=utf-8\n\n<h1>Not here</h1>\n", []string{"Content-Length", "Date"}},
		{"a wrong body: the body",
			HTTP{HTTPRequest: HTTPRequest{Path: "/index.html"}, Expect: &HTTPExpect{Body: &HTTPBody{Contains: "Goodbye"}}},
			"HTTP/1.1 200 OK\nContent-Type: text/html; charset=utf-8\n\n<h1>Welcome</h1>", []string{"Cache-Control"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := tt.check.Run(context.Background(), &execEnv{fakeEnv: fakeEnv{reveal: true}, base: srv.URL})
			if out.Status != Fail || out.Output != tt.want {
				t.Errorf("got %s %q\noutput:\n%s\nwant:\n%s", out.Status, out.Message, out.Output, tt.want)
			}
			for _, a := range tt.absent {
				if strings.Contains(out.Output, a) {
					t.Errorf("%q in the output, which it does not explain:\n%s", a, out.Output)
				}
			}
		})
	}
}

func TestHTTPTranscriptAll(t *testing.T) {
	r := &httpResponse{proto: "HTTP/1.1", status: 502, header: http.Header{"Server": {"nginx"}, "X-Lab-Proof": {"x"}}, body: []byte("bad gateway")}
	if got, want := r.transcript(focusAll), "HTTP/1.1 502 Bad Gateway\nServer: nginx\nX-Lab-Proof: x\n\nbad gateway"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := r.transcript(focusHeaders), "HTTP/1.1 502 Bad Gateway\nServer: nginx\nX-Lab-Proof: x\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
