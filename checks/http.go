package checks

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
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
//	      headers: {Host: shop.example}
//	      expect: {status: 200}
type HTTP struct {
	// HTTPRequest is the single request of the check's short form.
	HTTPRequest `yaml:",inline"`
	// Expect is what the single request's response must be.
	Expect *HTTPExpect `yaml:"expect,omitempty" json:"expect,omitempty"`
	// Requests is a sequence of requests, sent in order.
	Requests []*HTTPStep `yaml:"requests,omitempty" json:"requests,omitempty"`
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

// HTTPExpect is what a response must be.
type HTTPExpect struct {
	// Status is the expected status code; 0 accepts any.
	Status int `yaml:"status,omitempty" json:"status,omitempty"`
	// Headers are expectations on response headers by name (case does
	// not matter); several values of a header are joined with ", ".
	Headers map[string]*Match `yaml:"headers,omitempty" json:"headers,omitempty"`
	// Body is an expectation on the response body.
	Body *HTTPBody `yaml:"body,omitempty" json:"body,omitempty"`
	// FromBackend requires that a lab backend produced the response: the
	// request carries a random X-Lab-Nonce header, and the response must
	// carry X-Backend-Proof, the nonce's hex SHA-256, which the backend
	// adds and no nginx configuration can compute. It tells a proxied
	// answer from one a configuration made up with `return`.
	FromBackend bool `yaml:"from_backend,omitempty" json:"from_backend,omitempty"`
}

// HTTPBody is an expectation on a response body: its text, or fields of
// it as JSON.
type HTTPBody struct {
	// Equals is the whole body.
	Equals *string `yaml:"equals,omitempty" json:"equals,omitempty"`
	// Contains is a substring of the body.
	Contains string `yaml:"contains,omitempty" json:"contains,omitempty"`
	// Matches is a regular expression the body matches.
	Matches string `yaml:"matches,omitempty" json:"matches,omitempty"`
	// JSON are expectations on fields of the body parsed as JSON, by
	// dotted path ("headers.X-Forwarded-Proto", "items.0.id").
	JSON map[string]*Match `yaml:"json,omitempty" json:"json,omitempty"`
}

// HTTPDistinct says which value of the responses must vary.
type HTTPDistinct struct {
	// Header names a response header.
	Header string `yaml:"header,omitempty" json:"header,omitempty"`
	// JSON is a dotted path into the body parsed as JSON.
	JSON string `yaml:"json,omitempty" json:"json,omitempty"`
	// AtLeast is how many different values there must be; default 2.
	AtLeast int `yaml:"at_least,omitempty" json:"at_least,omitempty"`
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
		if !slices.ContainsFunc(c.Requests, func(s *HTTPStep) bool { return s != nil && (s.Expect != nil || s.Distinct != nil) }) {
			errs = append(errs, errors.New("requests: no request has an expect or a distinct; the check would pass whatever the server answers"))
		}
		return errors.Join(errs...)
	}
	errs = append(errs, c.HTTPRequest.validate("")...)
	if c.Expect == nil {
		errs = append(errs, errors.New("expect: missing (what the response must be, e.g. expect: {status: 200})"))
	} else {
		errs = append(errs, c.Expect.validate("expect")...)
	}
	return errors.Join(errs...)
}

func (r *HTTPRequest) empty() bool {
	return r.Method == "" && r.Path == "" && len(r.Headers) == 0 && r.Body == ""
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
	for _, k := range sortedKeys(r.Headers) {
		if !headerNameRe.MatchString(k) {
			errs = append(errs, fmt.Errorf("%s: %q is not a header name", field(prefix, "headers"), k))
		}
	}
	return errs
}

func (s *HTTPStep) validate(prefix string) []error {
	errs := s.HTTPRequest.validate(prefix)
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

func (d *HTTPDistinct) atLeast() int {
	if d.AtLeast == 0 {
		return 2
	}
	return d.AtLeast
}

func (e *HTTPExpect) validate(prefix string) []error {
	var errs []error
	if e.Status != 0 && (e.Status < 100 || e.Status > 599) {
		errs = append(errs, fmt.Errorf("%s.status: %d is not an HTTP status", prefix, e.Status))
	}
	for _, k := range sortedKeys(e.Headers) {
		if !headerNameRe.MatchString(k) {
			errs = append(errs, fmt.Errorf("%s.headers: %q is not a header name", prefix, k))
		}
		if m := e.Headers[k]; m != nil {
			if err := m.validate(prefix + ".headers." + k); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if b := e.Body; b != nil {
		m := Match{Equals: b.Equals, Contains: b.Contains, Matches: b.Matches}
		if err := m.validate(prefix + ".body"); err != nil {
			errs = append(errs, err)
		}
		for _, k := range sortedKeys(b.JSON) {
			if m := b.JSON[k]; m != nil {
				if err := m.validate(prefix + ".body.json." + k); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	return errs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

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
				return Errored("the check's timeout passed during a pause between requests")
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
			resp, err := s.send(ctx, client, base)
			if err != nil {
				if ctx.Err() != nil {
					return Errored(fmt.Sprintf("%s: no answer within the check's timeout", what))
				}
				return Failed(fmt.Sprintf("%s: no HTTP answer (%s); is the server listening on its usual port?", what, shortNetErr(err)))
			}
			if s.Expect != nil {
				if msg := s.Expect.check(resp, env.Reveal()); msg != "" {
					return Outcome{Status: Fail, Message: what + ": " + msg, Output: resp.transcript()}
				}
			}
			if d := s.Distinct; d != nil {
				v, ok, msg := d.value(resp)
				if !ok {
					return Outcome{Status: Fail, Message: what + ": " + msg, Output: resp.transcript()}
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
	return Passed()
}

func (s *HTTPStep) describe() string {
	m, p := s.Method, s.Path
	if m == "" {
		m = http.MethodGet
	}
	if p == "" {
		p = "/"
	}
	return m + " " + p
}

func (s *HTTPStep) send(ctx context.Context, client *http.Client, base string) (*httpResponse, error) {
	method, p := s.Method, s.Path
	if method == "" {
		method = http.MethodGet
	}
	if p == "" {
		p = "/"
	}
	var body io.Reader
	if s.Body != "" {
		body = strings.NewReader(s.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+p, body)
	if err != nil {
		return nil, err
	}
	for _, k := range sortedKeys(s.Headers) {
		if strings.EqualFold(k, "Host") {
			req.Host = s.Headers[k]
			continue
		}
		req.Header.Set(k, s.Headers[k])
	}
	var nonce string
	if s.Expect != nil && s.Expect.FromBackend {
		var b [16]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		nonce = hex.EncodeToString(b[:])
		req.Header.Set(nonceHeader, nonce)
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
	return &httpResponse{proto: resp.Proto, status: resp.StatusCode, header: resp.Header, body: b, nonce: nonce}, nil
}

// The headers of FromBackend.
const (
	nonceHeader = "X-Lab-Nonce"
	proofHeader = "X-Backend-Proof"
)

// backendProof is what a lab backend answers to nonce.
func backendProof(nonce string) string {
	sum := sha256.Sum256([]byte(nonce))
	return hex.EncodeToString(sum[:])
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

// check returns "" when resp is as expected, else what is wrong.
func (e *HTTPExpect) check(resp *httpResponse, reveal bool) string {
	if e.Status != 0 && resp.status != e.Status {
		if reveal {
			return fmt.Sprintf("expected status %d, got %d", e.Status, resp.status)
		}
		return fmt.Sprintf("the status %d is not the expected one", resp.status)
	}
	// After the status, which says more when the upstream failed (502).
	if e.FromBackend && resp.header.Get(proofHeader) != backendProof(resp.nonce) {
		return "the answer did not come from a backend (it lacks the backend's " + proofHeader +
			" for this request's " + nonceHeader + "); is the request passed to the upstream with proxy_pass?"
	}
	for _, k := range sortedKeys(e.Headers) {
		m := e.Headers[k]
		if m == nil {
			m = &Match{}
		}
		vals := resp.header.Values(k)
		if msg := m.check(strings.Join(vals, ", "), len(vals) > 0, reveal); msg != "" {
			return "header " + http.CanonicalHeaderKey(k) + " " + msg
		}
	}
	if b := e.Body; b != nil {
		m := Match{Equals: b.Equals, Contains: b.Contains, Matches: b.Matches}
		if msg := m.check(string(resp.body), true, reveal); msg != "" {
			return "the body " + msg
		}
		if len(b.JSON) > 0 {
			doc, err := parseJSON(resp.body)
			if err != nil {
				return "the body is not JSON: " + err.Error()
			}
			for _, k := range sortedKeys(b.JSON) {
				m := b.JSON[k]
				if m == nil {
					m = &Match{}
				}
				v, ok := jsonField(doc, k)
				if msg := m.check(v, ok, reveal); msg != "" {
					return "JSON field " + k + " " + msg
				}
			}
		}
	}
	return ""
}

// value returns the value d looks at in resp; ok is false (with a message)
// when the response has none.
func (d *HTTPDistinct) value(resp *httpResponse) (v string, ok bool, msg string) {
	if d.Header != "" {
		vals := resp.header.Values(d.Header)
		if len(vals) == 0 {
			return "", false, "header " + http.CanonicalHeaderKey(d.Header) + " is missing"
		}
		return strings.Join(vals, ", "), true, ""
	}
	doc, err := parseJSON(resp.body)
	if err != nil {
		return "", false, "the body is not JSON: " + err.Error()
	}
	v, ok = jsonField(doc, d.JSON)
	if !ok {
		return "", false, "JSON field " + d.JSON + " is missing"
	}
	return v, true, ""
}

// check returns "" when seen holds enough different values.
func (d *HTTPDistinct) check(seen []string) string {
	set := map[string]bool{}
	var uniq []string
	for _, v := range seen {
		if !set[v] {
			set[v] = true
			uniq = append(uniq, quoteShort(v))
		}
	}
	if len(uniq) >= d.atLeast() {
		return ""
	}
	what := "JSON field " + d.JSON
	if d.Header != "" {
		what = "header " + http.CanonicalHeaderKey(d.Header)
	}
	return fmt.Sprintf("%s took %d different value(s) over %d responses (%s), expected at least %d",
		what, len(uniq), len(seen), strings.Join(uniq, ", "), d.atLeast())
}

func parseJSON(b []byte) (any, error) {
	var doc any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// jsonField returns the value at a dotted path of doc as text: strings as
// they are, numbers and booleans as written, objects and arrays as JSON.
func jsonField(doc any, path string) (string, bool) {
	cur := doc
	for _, part := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[part]
			if !ok {
				// Header names in echoed JSON may differ in case.
				for k, val := range v {
					if strings.EqualFold(k, part) {
						next, ok = val, true
						break
					}
				}
			}
			if !ok {
				return "", false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(v) {
				return "", false
			}
			cur = v[i]
		default:
			return "", false
		}
	}
	switch v := cur.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	case nil:
		return "null", true
	default:
		b, _ := json.Marshal(v)
		return string(b), true
	}
}

// transcript is the response as the learner would see it with curl -i,
// the body shortened.
func (r *httpResponse) transcript() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d %s\n", r.proto, r.status, http.StatusText(r.status))
	for _, k := range sortedKeys(r.header) {
		for _, v := range r.header[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	b.WriteString("\n")
	body := r.body
	if len(body) > httpOutputBody {
		body = body[:httpOutputBody]
	}
	b.Write(body)
	if len(r.body) > httpOutputBody {
		b.WriteString("\n… (body shortened)")
	}
	return b.String()
}
