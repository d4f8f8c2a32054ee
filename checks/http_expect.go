package checks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
)

// HTTPExpect is what a response must be.
type HTTPExpect struct {
	// Status is the expected status code; 0 accepts any.
	Status int `yaml:"status,omitempty" json:"status,omitempty"`
	// StatusIn are statuses of which the response's must be one, where
	// the task allows several ([301, 308]: a permanent redirect).
	StatusIn []int `yaml:"status_in,omitempty" json:"status_in,omitempty"`
	// Headers are expectations on response headers by name (case does
	// not matter); several values of a header are joined with ", ".
	// Compare structured headers by meaning (directives, media_type).
	Headers map[string]*HTTPHeader `yaml:"headers,omitempty" json:"headers,omitempty"`
	// Body is an expectation on the response body.
	Body *HTTPBody `yaml:"body,omitempty" json:"body,omitempty"`
	// FromBackend requires that a lab backend produced the response, body
	// included: the request carries a random X-Lab-Nonce header, and the
	// response must carry X-Backend-Proof, the hex SHA-256 of the nonce, a
	// newline and the body received, which the backend adds and no nginx
	// configuration can compute. It tells a proxied answer from one a
	// configuration made up with `return`, rewrote with `sub_filter`, or
	// paired with a proof borrowed from a subrequest (`auth_request`).
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
	// SameAs is a file in the service's container (read as root after the
	// response) the body must equal byte for byte: a page served from the
	// file, not a text a configuration returns.
	SameAs string `yaml:"same_as,omitempty" json:"same_as,omitempty"`
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

func (d *HTTPDistinct) atLeast() int {
	if d.AtLeast == 0 {
		return 2
	}
	return d.AtLeast
}

// text is the expectation on the body's text, as a Match.
func (b *HTTPBody) text() Match {
	return Match{Equals: b.Equals, Contains: b.Contains, Matches: b.Matches}
}

func (e *HTTPExpect) validate(prefix string) []error {
	var errs []error
	if e.Status != 0 && (e.Status < 100 || e.Status > 599) {
		errs = append(errs, fmt.Errorf("%s.status: %d is not an HTTP status", prefix, e.Status))
	}
	if e.Status != 0 && len(e.StatusIn) > 0 {
		errs = append(errs, fmt.Errorf("%s.status_in: set one of status and status_in", prefix))
	}
	for _, st := range e.StatusIn {
		if st < 100 || st > 599 {
			errs = append(errs, fmt.Errorf("%s.status_in: %d is not an HTTP status", prefix, st))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(e.Headers)) {
		if !headerNameRe.MatchString(k) {
			errs = append(errs, fmt.Errorf("%s.headers: %q is not a header name", prefix, k))
		}
		if h := e.Headers[k]; h != nil {
			if err := h.validate(prefix + ".headers." + k); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if b := e.Body; b != nil {
		m := b.text()
		if err := m.validate(prefix + ".body"); err != nil {
			errs = append(errs, err)
		}
		if b.SameAs != "" && !path.IsAbs(b.SameAs) {
			errs = append(errs, fmt.Errorf("%s.body.same_as: %q must be an absolute path", prefix, b.SameAs))
		}
		for _, k := range slices.Sorted(maps.Keys(b.JSON)) {
			if m := b.JSON[k]; m != nil {
				if err := m.validate(prefix + ".body.json." + k); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	return errs
}

// The headers of FromBackend.
const (
	nonceHeader = "X-Lab-Nonce"
	proofHeader = "X-Backend-Proof"
)

// backendProof is what a lab backend answers to nonce with body.
func backendProof(nonce string, body []byte) string {
	sum := sha256.Sum256(append([]byte(nonce+"\n"), body...))
	return hex.EncodeToString(sum[:])
}

// focus is the part of a response that explains a failure: the status
// line always; then one header's lines, or the body (with its
// Content-Type), or, by default, everything.
type focus struct {
	// header is the header that did not match.
	header string
	// headers shows the headers without the body.
	headers bool
	// body shows the body.
	body bool
}

// Focuses of a failure.
var (
	focusAll     = focus{headers: true, body: true}
	focusBody    = focus{body: true}
	focusHeaders = focus{headers: true}
)

// check returns "" when resp is as expected, else what is wrong, and the
// part of the response that shows it (for the transcript under the
// message).
func (e *HTTPExpect) check(ctx context.Context, env Env, resp *httpResponse, reveal bool) (string, focus) {
	if e.Status != 0 && resp.status != e.Status {
		// The body of an unexpected status (nginx's 404 or 502 page, an
		// error of the app) says why; its headers rarely do.
		if reveal {
			return fmt.Sprintf("expected status %d, got %d", e.Status, resp.status), focusBody
		}
		return fmt.Sprintf("the status %d is not the expected one", resp.status), focusBody
	}
	if len(e.StatusIn) > 0 && !slices.Contains(e.StatusIn, resp.status) {
		if reveal {
			return fmt.Sprintf("expected status %s, got %d", orList(e.StatusIn), resp.status), focusBody
		}
		return fmt.Sprintf("the status %d is not one of the expected ones", resp.status), focusBody
	}
	// After the status, which says more when the upstream failed (502).
	if e.FromBackend {
		switch proof := resp.header.Get(proofHeader); {
		case proof == backendProof(resp.nonce, resp.body):
		case proof == backendProof(resp.nonce, nil) || proof != "" && len(resp.body) > 0:
			return "the body is not the one the backend sent (its " + proofHeader + " covers another body: rewritten, or made up beside a borrowed proof); pass the backend's answer through unchanged", focusAll
		default:
			return "the answer did not come from a backend (it lacks the backend's " + proofHeader +
				" for this request's " + nonceHeader + "); is the request passed to the upstream with proxy_pass?", focusHeaders
		}
	}
	for _, k := range slices.Sorted(maps.Keys(e.Headers)) {
		h := e.Headers[k]
		if h == nil {
			h = &HTTPHeader{}
		}
		if msg := h.check(k, resp.header, reveal); msg != "" {
			return "header " + http.CanonicalHeaderKey(k) + " " + msg, focus{header: k}
		}
	}
	if b := e.Body; b != nil {
		m := b.text()
		if msg := m.check(string(resp.body), true, reveal); msg != "" {
			return "the body " + msg, focusBody
		}
		if b.SameAs != "" {
			content, err := readFile(ctx, env, b.SameAs)
			switch {
			case err != nil:
				return "the body could not be compared with " + b.SameAs + ": " + err.Error(), focus{}
			case content != string(resp.body):
				return "the body is not the content of " + b.SameAs + "; serve the file itself", focusBody
			}
		}
		if len(b.JSON) > 0 {
			doc, err := parseJSON(resp.body)
			if err != nil {
				return "the body is not JSON: " + err.Error(), focusBody
			}
			for _, k := range slices.Sorted(maps.Keys(b.JSON)) {
				m := b.JSON[k]
				if m == nil {
					m = &Match{}
				}
				v, ok := jsonField(doc, k)
				if msg := m.check(v, ok, reveal); msg != "" {
					return "JSON field " + k + " " + msg, focusBody
				}
			}
		}
	}
	return "", focus{}
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

// transcript is the response as the learner would see it with curl -i,
// cut to the part f names: the status line, then the headers (or the one
// header that did not match, or Content-Type before a body), then the
// body, shortened.
func (r *httpResponse) transcript(f focus) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d %s\n", r.proto, r.status, http.StatusText(r.status))
	switch {
	case f.header != "":
		vals := r.header.Values(f.header)
		for _, v := range vals {
			fmt.Fprintf(&b, "%s: %s\n", http.CanonicalHeaderKey(f.header), v)
		}
		if len(vals) == 0 {
			fmt.Fprintf(&b, "(no %s header)\n", http.CanonicalHeaderKey(f.header))
		}
		return b.String()
	case f.headers:
		for _, k := range slices.Sorted(maps.Keys(r.header)) {
			for _, v := range r.header[k] {
				fmt.Fprintf(&b, "%s: %s\n", k, v)
			}
		}
	case f.body:
		for _, v := range r.header.Values("Content-Type") {
			fmt.Fprintf(&b, "Content-Type: %s\n", v)
		}
	}
	if !f.body {
		return b.String()
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

// orList spells statuses as "301 or 308", "200, 201 or 204".
func orList(sts []int) string {
	var s []string
	for _, st := range sts {
		s = append(s, strconv.Itoa(st))
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
