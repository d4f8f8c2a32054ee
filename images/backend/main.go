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
// header, the hex SHA-256 of the nonce: a value nginx's configuration
// language cannot compute, so a check can tell a proxied answer from one
// a configuration made up. GET /healthz answers "ok". A `status` query parameter sets the
// response status, `delay` (a Go duration) delays the answer, and
// `cache` sets Cache-Control.
//
// It is the backend image of labrunner's set (images/backend/Dockerfile
// compiles it) and is not part of the lab CLI.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	name := os.Getenv("BACKEND_NAME")
	if name == "" {
		name, _ = os.Hostname()
	}
	addr := ":" + envOr("PORT", "8080")
	var count atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		n := count.Add(1)
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
		if nonce := r.Header.Get("X-Lab-Nonce"); nonce != "" {
			sum := sha256.Sum256([]byte(nonce))
			w.Header().Set("X-Backend-Proof", hex.EncodeToString(sum[:]))
		}
		if c := q.Get("cache"); c != "" {
			w.Header().Set("Cache-Control", c)
		}
		status := http.StatusOK
		if s, err := strconv.Atoi(q.Get("status")); err == nil && s >= 200 && s <= 599 {
			status = s
		}
		w.WriteHeader(status)
		enc := json.NewEncoder(w)
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
