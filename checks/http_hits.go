package checks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// HTTPBackendHits is a count read from a lab backend (images/backend)
// after the check's requests: how many requests for one target (path and
// query, exactly as the backend receives them) reached it. It grades what
// a cache in front of the backend lets through — a repeat request served
// from the cache never reaches it — and is read straight from the
// backend, so no configuration of the server under test can change it.
//
//	checks:
//	- name: repeats-cached
//	  type: http
//	  service: web
//	  requests:
//	    - path: /products/$run      # $run: the same token for the whole run
//	      repeat: 3
//	      expect: {status: 200}
//	  backend_hits:
//	    - {service: app, target: /products/$run, hits: 1}
//
// $run in a path, a header, an expectation or a target is a random token
// drawn once per run of the check, so that each run asks for targets no
// earlier run (nor an earlier submission's cache) has seen.
type HTTPBackendHits struct {
	// Service is the lab backend to ask.
	Service string `yaml:"service" json:"service"`
	// Target is the request target counted, path and query: /a?b=1.
	Target string `yaml:"target" json:"target"`
	// Hits is how many requests for Target the backend must have seen.
	Hits *int `yaml:"hits" json:"hits"`
}

// placeholderRun is a token drawn once for a whole run of a check.
const placeholderRun = "$run"

// hitsPath is the backend's endpoint that reports a target's count.
const hitsPath = "/_lab/hits"

func (h *HTTPBackendHits) validate(prefix string) []error {
	var errs []error
	if h.Service == "" {
		errs = append(errs, fmt.Errorf("%s.service: missing (the lab backend to ask)", prefix))
	}
	if !strings.HasPrefix(h.Target, "/") {
		errs = append(errs, fmt.Errorf("%s.target: %q must be a path starting with /", prefix, h.Target))
	}
	if h.Hits == nil {
		errs = append(errs, fmt.Errorf("%s.hits: missing (how many requests for the target the backend must have seen)", prefix))
	} else if *h.Hits < 0 || *h.Hits > httpMaxRequests {
		errs = append(errs, fmt.Errorf("%s.hits: between 0 and %d", prefix, httpMaxRequests))
	}
	return errs
}

// check reads the count and compares it; a message when it differs, an
// error when the backend could not be asked.
func (h *HTTPBackendHits) check(ctx context.Context, env Env, client *http.Client, run string, reveal bool) (string, error) {
	target := strings.ReplaceAll(h.Target, placeholderRun, run)
	n, err := readHits(ctx, env, client, h.Service, target)
	if err != nil {
		return "", err
	}
	if n == *h.Hits {
		return "", nil
	}
	got := fmt.Sprintf("%d requests", n)
	if n == 1 {
		got = "1 request"
	}
	if !reveal {
		return fmt.Sprintf("backend %s received %s for %s, not the expected number", h.Service, got, h.Target), nil
	}
	why := "a cache in front of it let more through than it should"
	if n < *h.Hits {
		why = "answers were served without asking it (from a cache, or made up)"
	}
	return fmt.Sprintf("backend %s received %s for %s, expected %d: %s", h.Service, got, h.Target, *h.Hits, why), nil
}

// readHits asks the backend service how many requests for target it saw.
func readHits(ctx context.Context, env Env, client *http.Client, service, target string) (int, error) {
	svc, err := env.Service(service)
	if err != nil {
		return 0, err
	}
	base, err := svc.BaseURL()
	if err != nil {
		return 0, fmt.Errorf("backend %s: %w", service, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+hitsPath+"?target="+url.QueryEscape(target), nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("ask backend %s for its count: %s", service, shortNetErr(err))
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
	if err != nil {
		return 0, fmt.Errorf("ask backend %s for its count: %w", service, err)
	}
	var v struct {
		Hits *int `json:"hits"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &v) != nil || v.Hits == nil {
		return 0, errors.New("backend " + service + " does not count requests (is it a lab backend, images/backend?)")
	}
	return *v.Hits, nil
}
