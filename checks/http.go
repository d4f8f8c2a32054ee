package checks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// HTTP is the `http` check: requests to the service's HTTP endpoint and
// what their responses must be. One request is written at the top level;
// a sequence under `requests`, where later requests can expect what the
// earlier ones caused (a cache HIT, a 429 after a burst, answers from
// alternating upstreams). Redirects are not followed; a connection that
// gives no HTTP answer fails the check, a timeout is an error.
//
//	checks:
//	- name: assets-cached
//	  type: http
//	  service: web
//	  path: /assets/app.css
//	  expect:
//	    status: 200
//	    headers:
//	      Content-Type: {matches: "^text/css"}
//	      Cache-Control: {contains: "max-age="}
//	    # body: {contains: "…"}, {matches: "…"}, {equals: "…"}, {json: {path.to.field: {equals: "…"}}}
//
//	- name: round-robin
//	  type: http
//	  service: web
//	  requests:
//	    - path: /api/whoami
//	      repeat: 4                           # sent 4 times; expect applies to each
//	      expect: {status: 200}
//	      distinct: {json: name, at_least: 2} # the 4 answers name 2 upstreams or more
//	    - path: /api/whoami
//	      pause: 1s                           # wait before this request
//	      headers: {Host: $nonce.shop.example} # $nonce: fresh for each request
//	      from: app1                          # sent from inside app1: another client
//	      expect:
//	        status: 200
//	        body:
//	          json:
//	            host: {equals: $nonce.shop.example}
//	            headers.X-Forwarded-For: {matches: "(^|, )$client$"} # the address nginx saw
type HTTP struct {
	// HTTPRequest is the single request of the check's short form.
	HTTPRequest `yaml:",inline"`
	// Expect is what the single request's response must be.
	Expect *HTTPExpect `yaml:"expect,omitempty" json:"expect,omitempty"`
	// Requests is a sequence of requests, sent in order.
	Requests []*HTTPStep `yaml:"requests,omitempty" json:"requests,omitempty"`
	// BackendHits are counts read from lab backends once every request
	// has been answered (see HTTPBackendHits).
	BackendHits []*HTTPBackendHits `yaml:"backend_hits,omitempty" json:"backend_hits,omitempty"`
}

// HTTPRequest is one request. The scheme, host and port are the
// service's; Path is everything after them.
type HTTPRequest struct {
	// Method is the HTTP method; default GET.
	Method string `yaml:"method,omitempty" json:"method,omitempty"`
	// Path is the request target, with its query string; default "/".
	Path string `yaml:"path,omitempty" json:"path,omitempty"`
	// Headers are sent with the request; Host sets the Host header.
	Headers map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	// Body is sent as the request body.
	Body string `yaml:"body,omitempty" json:"body,omitempty"`
	// From sends the request from inside this lab service (a backend),
	// so that the server sees another client, with its own address, than
	// the grader's: per-client limits and the client's address a proxy
	// passes on ($client in the expectations) can be checked.
	From string `yaml:"from,omitempty" json:"from,omitempty"`
}

// HTTPStep is one request of a sequence, possibly repeated.
type HTTPStep struct {
	HTTPRequest `yaml:",inline"`
	// Repeat sends the request this many times in a row; default 1.
	// Expect applies to every response.
	Repeat int `yaml:"repeat,omitempty" json:"repeat,omitempty"`
	// Pause waits this long before the step.
	Pause Duration `yaml:"pause,omitempty" json:"pause,omitempty"`
	// Expect is what each response must be.
	Expect *HTTPExpect `yaml:"expect,omitempty" json:"expect,omitempty"`
	// Distinct requires that the step's responses differ: a header or a
	// JSON field takes at least AtLeast different values over the repeats.
	Distinct *HTTPDistinct `yaml:"distinct,omitempty" json:"distinct,omitempty"`
}

var _ Check = (*HTTP)(nil)

// Limits of one HTTP check.
const (
	httpMaxRequests = 1000
	httpMaxBody     = 1 << 20
	httpOutputBody  = 1 << 10
)

var (
	methodRe     = regexp.MustCompile(`^[A-Z]+$`)
	headerNameRe = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
)

// Validate implements Check.
func (c *HTTP) Validate() error {
	var errs []error
	for i, h := range c.BackendHits {
		if h == nil {
			errs = append(errs, fmt.Errorf("backend_hits: entry %d is empty", i+1))
			continue
		}
		errs = append(errs, h.validate(fmt.Sprintf("backend_hits[%d]", i+1))...)
	}
	if len(c.Requests) > 0 {
		if !c.HTTPRequest.empty() || c.Expect != nil {
			errs = append(errs, errors.New("requests: write either one request (method, path, headers, body, expect) or a list of requests, not both"))
		}
		total := 0
		for i, s := range c.Requests {
			if s == nil {
				errs = append(errs, fmt.Errorf("requests: entry %d is empty", i+1))
				continue
			}
			errs = append(errs, s.validate(fmt.Sprintf("requests[%d]", i+1))...)
			total += s.times()
		}
		if total > httpMaxRequests {
			errs = append(errs, fmt.Errorf("requests: %d requests in all; at most %d", total, httpMaxRequests))
		}
		if len(c.BackendHits) == 0 && !slices.ContainsFunc(c.Requests, func(s *HTTPStep) bool { return s != nil && (s.Expect != nil || s.Distinct != nil) }) {
			errs = append(errs, errors.New("requests: no request has an expect or a distinct; the check would pass whatever the server answers"))
		}
		return errors.Join(errs...)
	}
	errs = append(errs, c.HTTPRequest.validate("")...)
	if c.From == "" && c.steps()[0].usesClient() {
		errs = append(errs, fmt.Errorf("expect: %s is the address of a client sent from a service; set from", placeholderClient))
	}
	if c.Expect == nil && len(c.BackendHits) == 0 {
		errs = append(errs, errors.New("expect: missing (what the response must be, e.g. expect: {status: 200})"))
	} else if c.Expect != nil {
		errs = append(errs, c.Expect.validate("expect")...)
	}
	return errors.Join(errs...)
}

func (r *HTTPRequest) empty() bool {
	return r.Method == "" && r.Path == "" && len(r.Headers) == 0 && r.Body == "" && r.From == ""
}

// field joins a prefix and a field name for messages.
func field(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func (r *HTTPRequest) validate(prefix string) []error {
	var errs []error
	if r.Method != "" && !methodRe.MatchString(r.Method) {
		errs = append(errs, fmt.Errorf("%s: %q is not an HTTP method (GET, POST, …)", field(prefix, "method"), r.Method))
	}
	if r.Path != "" && !strings.HasPrefix(r.Path, "/") {
		errs = append(errs, fmt.Errorf("%s: %q must start with /", field(prefix, "path"), r.Path))
	}
	for _, k := range slices.Sorted(maps.Keys(r.Headers)) {
		if !headerNameRe.MatchString(k) {
			errs = append(errs, fmt.Errorf("%s: %q is not a header name", field(prefix, "headers"), k))
		}
	}
	return errs
}

func (s *HTTPStep) validate(prefix string) []error {
	errs := s.HTTPRequest.validate(prefix)
	if s.From == "" && s.usesClient() {
		errs = append(errs, fmt.Errorf("%s: %s is the address of a client sent from a service; set from", prefix, placeholderClient))
	}
	if s.Repeat < 0 {
		errs = append(errs, fmt.Errorf("%s.repeat: must not be negative", prefix))
	}
	if s.Pause.Duration < 0 || s.Pause.Duration > time.Minute {
		errs = append(errs, fmt.Errorf("%s.pause: between 0 and 1m", prefix))
	}
	if s.Expect != nil {
		errs = append(errs, s.Expect.validate(prefix+".expect")...)
	}
	if d := s.Distinct; d != nil {
		if (d.Header == "") == (d.JSON == "") {
			errs = append(errs, fmt.Errorf("%s.distinct: set one of header and json", prefix))
		}
		if d.AtLeast < 0 || d.AtLeast == 1 {
			errs = append(errs, fmt.Errorf("%s.distinct.at_least: at least 2", prefix))
		}
		if n := d.atLeast(); s.times() < n {
			errs = append(errs, fmt.Errorf("%s.distinct: %d different values need at least %d requests; set repeat", prefix, n, n))
		}
	}
	return errs
}

func (s *HTTPStep) times() int { return max(s.Repeat, 1) }

// steps returns the check's requests as a sequence.
func (c *HTTP) steps() []*HTTPStep {
	if len(c.Requests) > 0 {
		return c.Requests
	}
	return []*HTTPStep{{HTTPRequest: c.HTTPRequest, Expect: c.Expect}}
}

// httpResponse is what the check keeps of a response.
type httpResponse struct {
	proto  string
	status int
	header http.Header
	body   []byte
	// nonce is the X-Lab-Nonce the request carried, if any.
	nonce string
}

// Run implements Check.
func (c *HTTP) Run(ctx context.Context, env Env) Outcome {
	base, err := env.BaseURL()
	if err != nil {
		return Errored(err.Error())
	}
	base = strings.TrimRight(base, "/")
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		DisableCompression:  true, // requests are exactly what the lab wrote
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     5 * time.Second,
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{
		Transport: tr,
		// Redirects are answers to check, not to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	run, err := randomToken()
	if err != nil {
		return Errored(err.Error())
	}
	steps := c.steps()
	total := 0
	for _, s := range steps {
		total += s.times()
	}
	n := 0
	for _, s := range steps {
		if s.Pause.Duration > 0 {
			select {
			case <-ctx.Done():
				if ctx.Err() == context.DeadlineExceeded {
					return Errored(pastLimit(ctx, "the check", "stopped during a pause between requests"))
				}
				return interrupted
			case <-time.After(s.Pause.Duration):
			}
		}
		var seen []string
		for i := 0; i < s.times(); i++ {
			n++
			what := s.describe()
			if total > 1 {
				what = fmt.Sprintf("request %d of %d (%s)", n, total, what)
			}
			resp, expect, err := s.sendFilled(ctx, env, client, base, run)
			if err != nil {
				if overLimit(ctx, err) {
					return Errored(fmt.Sprintf("%s: no answer; %s", what, pastLimit(ctx, "the request", "given up")))
				}
				if ctx.Err() != nil {
					return interrupted
				}
				var ee *envError
				if errors.As(err, &ee) {
					return Errored(fmt.Sprintf("%s: %v", what, ee.err))
				}
				return Failed(fmt.Sprintf("%s: no HTTP answer (%s); is the server listening on its usual port?", what, shortNetErr(err)))
			}
			if expect != nil {
				if msg, f := expect.check(ctx, env, resp, env.Reveal()); msg != "" {
					return Outcome{Status: Fail, Message: what + ": " + msg, Output: resp.transcript(f)}
				}
			}
			if d := s.Distinct; d != nil {
				v, ok, msg := d.value(resp)
				if !ok {
					return Outcome{Status: Fail, Message: what + ": " + msg, Output: resp.transcript(focus{header: d.Header, body: d.Header == ""})}
				}
				seen = append(seen, v)
			}
		}
		if d := s.Distinct; d != nil {
			if msg := d.check(seen); msg != "" {
				return Failed(s.describe() + ": " + msg)
			}
		}
	}
	for _, h := range c.BackendHits {
		msg, err := h.check(ctx, env, client, run, env.Reveal())
		if err != nil {
			if ctx.Err() != nil {
				return interrupted
			}
			return Errored(err.Error())
		}
		if msg != "" {
			return Failed(msg)
		}
	}
	return Passed()
}

func (s *HTTPStep) describe() string {
	method, p := s.target()
	return method + " " + p
}

// target returns the request's method and path, defaults applied.
func (r *HTTPRequest) target() (method, path string) {
	method, path = r.Method, r.Path
	if method == "" {
		method = http.MethodGet
	}
	if path == "" {
		path = "/"
	}
	return method, path
}

// envError is a failure of the grader's own means (a client in another
// service that could not run), not of the server under test.
type envError struct{ err error }

func (e *envError) Error() string { return e.err.Error() }

// sendFilled sends the step's request once, its placeholders filled, and
// returns the response with the step's expectations for it.
func (s *HTTPStep) sendFilled(ctx context.Context, env Env, client *http.Client, base, run string) (*httpResponse, *HTTPExpect, error) {
	token, err := randomToken()
	if err != nil {
		return nil, nil, &envError{err}
	}
	vars := map[string]string{placeholderNonce: token, placeholderRun: run}
	headers := map[string]string{}
	for k, v := range s.Headers {
		headers[k] = fill(v, vars, false)
	}
	var nonce string
	if s.Expect != nil && s.Expect.FromBackend {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, nil, &envError{err}
		}
		nonce = hex.EncodeToString(b[:])
		headers[nonceHeader] = nonce
	}
	method, p := s.target()
	p = fill(p, vars, false)
	if s.From != "" {
		resp, addr, err := sendFrom(ctx, env, s.From, method, p, headers, s.Body)
		if err != nil {
			if resp == nil && addr == "" {
				return nil, nil, &envError{err}
			}
			return nil, nil, err
		}
		resp.nonce = nonce
		vars[placeholderClient] = addr
		return resp, s.Expect.filled(vars), nil
	}
	resp, err := s.send(ctx, client, base+p, method, headers)
	if err != nil {
		return nil, nil, err
	}
	resp.nonce = nonce
	return resp, s.Expect.filled(vars), nil
}

func (s *HTTPStep) send(ctx context.Context, client *http.Client, target, method string, headers map[string]string) (*httpResponse, error) {
	var body io.Reader
	if s.Body != "" {
		body = strings.NewReader(s.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(headers)) {
		if strings.EqualFold(k, "Host") {
			req.Host = headers[k]
			continue
		}
		req.Header.Set(k, headers[k])
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, httpMaxBody))
	if err != nil {
		return nil, err
	}
	return &httpResponse{proto: resp.Proto, status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// shortNetErr is a transport error without the URL net/http puts in
// front of it.
func shortNetErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "the connection was closed without a response"
	}
	return err.Error()
}
