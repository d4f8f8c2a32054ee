// Command backend is the upstream HTTP server of nginx labs (proxying,
// load balancing, caching). It answers every request with JSON saying
// which backend answered and what it received, so that a check can see
// which upstream served a request and which headers a proxy added:
//
//	{"name":"app1","method":"GET","path":"/api/hello","query":"",
//	 "host":"shop.example","remote_addr":"172.18.0.4:51234",
//	 "headers":{"X-Forwarded-For":"172.18.0.1",…},"count":3}
//
// name is $BACKEND_NAME (default: the host name); count is how many
// requests this backend has answered. The X-Backend header carries the
// name too. A request with an X-Lab-Nonce header gets an X-Backend-Proof
// header, the hex SHA-256 of the nonce, a newline and the body it sends: a
// value nginx's configuration language cannot compute, and one that
// covers the body, so a check can tell an answer this backend produced
// from one a configuration made up (`return`), rewrote (`sub_filter`) or
// paired with a proof borrowed from another request (`auth_request`).
// GET /healthz answers "ok". A `status` query parameter sets the
// response status, `delay` (a Go duration) delays the answer, `cache`
// sets Cache-Control and `cookie` adds a Set-Cookie header with its value.
//
// The backend counts the requests it answers by target (path and query,
// as received): GET /_lab/hits?target=/a?b=1 answers {"hits": N}, how many
// requests for /a?b=1 it has seen. A check reads it straight from the
// backend, so that it sees how many requests a cache in front of it let
// through; it counts only, and nothing a client sends resets it.
//
// `backend fetch` is a client instead: it reads a request as JSON on stdin
// ({"method", "url", "headers", "body"}), sends it, and prints the answer
// as JSON ({"status", "proto", "headers", "body" (base64), "local_addr"}),
// local_addr being the address the request came from. Checks use it to
// send requests from inside a lab's network, as clients with addresses of
// their own.
//
// It is the backend image of labrunner's set (images/backend/Dockerfile
// compiles it) and is not part of the lab CLI.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "fetch" {
		os.Exit(fetch())
	}
	name := os.Getenv("BACKEND_NAME")
	if name == "" {
		name, _ = os.Hostname()
	}
	addr := ":" + envOr("PORT", "8080")
	var count atomic.Int64
	var hits sync.Map // request target → *atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/_lab/hits", func(w http.ResponseWriter, r *http.Request) {
		var n int64
		if v, ok := hits.Load(r.URL.Query().Get("target")); ok {
			n = v.(*atomic.Int64).Load()
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]int64{"hits": n})
	})
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		n := count.Add(1)
		c, _ := hits.LoadOrStore(r.URL.RequestURI(), new(atomic.Int64))
		c.(*atomic.Int64).Add(1)
		q := r.URL.Query()
		if d, err := time.ParseDuration(q.Get("delay")); err == nil && d > 0 && d <= 30*time.Second {
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return
			}
		}
		headers := map[string]string{}
		for k, v := range r.Header {
			headers[k] = strings.Join(v, ", ")
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Backend", name)
		if c := q.Get("cache"); c != "" {
			w.Header().Set("Cache-Control", c)
		}
		if c := q.Get("cookie"); c != "" {
			w.Header().Set("Set-Cookie", c)
		}
		status := http.StatusOK
		if s, err := strconv.Atoi(q.Get("status")); err == nil && s >= 200 && s <= 599 {
			status = s
		}
		var body bytes.Buffer
		enc := json.NewEncoder(&body)
		enc.SetIndent("", "  ")
		enc.Encode(map[string]any{
			"name":        name,
			"method":      r.Method,
			"path":        r.URL.Path,
			"query":       r.URL.RawQuery,
			"host":        r.Host,
			"remote_addr": r.RemoteAddr,
			"headers":     headers,
			"count":       n,
		})
		if nonce := r.Header.Get("X-Lab-Nonce"); nonce != "" {
			sum := sha256.Sum256(append([]byte(nonce+"\n"), body.Bytes()...))
			w.Header().Set("X-Backend-Proof", hex.EncodeToString(sum[:]))
		}
		w.WriteHeader(status)
		w.Write(body.Bytes())
	})
	// As PID 1 a signal without a handler is ignored; stop at once.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-sig
		os.Exit(0)
	}()
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("backend %s listening on %s", name, addr)
	log.Fatal(srv.ListenAndServe())
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// fetchRequest and fetchAnswer are what `backend fetch` reads and prints.
type fetchRequest struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

type fetchAnswer struct {
	Status    int                 `json:"status"`
	Proto     string              `json:"proto"`
	Headers   map[string][]string `json:"headers"`
	Body      []byte              `json:"body"`
	LocalAddr string              `json:"local_addr"`
	Error     string              `json:"error,omitempty"`
}

// fetch sends the request read from stdin and prints the answer; exit 0
// even when no answer came (the error is in the output), 2 on bad input.
func fetch() int {
	var req fetchRequest
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		log.Printf("fetch: read the request: %v", err)
		return 2
	}
	var local string
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		DisableCompression: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, network, addr)
			if err == nil {
				local = c.LocalAddr().String()
			}
			return c, err
		},
	}
	client := &http.Client{
		Transport:     tr,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	out := json.NewEncoder(os.Stdout)
	r, err := http.NewRequest(req.Method, req.URL, strings.NewReader(req.Body))
	if err != nil {
		log.Printf("fetch: %v", err)
		return 2
	}
	if req.Body == "" {
		r.Body, r.ContentLength = nil, 0
	}
	for k, v := range req.Headers {
		if strings.EqualFold(k, "Host") {
			r.Host = v
			continue
		}
		r.Header.Set(k, v)
	}
	resp, err := client.Do(r)
	if err != nil {
		out.Encode(fetchAnswer{Error: err.Error(), LocalAddr: local})
		return 0
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		out.Encode(fetchAnswer{Error: err.Error(), LocalAddr: local})
		return 0
	}
	if host, _, err := net.SplitHostPort(local); err == nil {
		local = host
	}
	out.Encode(fetchAnswer{Status: resp.StatusCode, Proto: resp.Proto, Headers: resp.Header, Body: b, LocalAddr: local})
	return 0
}
