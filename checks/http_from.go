package checks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"strings"
)

// NetworkURLer is implemented by an Env whose service is reachable on the
// lab's network: NetworkURL is its base URL there ("http://web"), which
// a request sent `from` another service uses.
type NetworkURLer interface {
	NetworkURL() (string, error)
}

// backendClient is the command that sends a request from inside a lab
// backend's container (images/backend, `backend fetch`).
var backendClient = []string{"/usr/local/bin/backend", "fetch"}

// Placeholders of a request's headers and a step's expectations, filled
// for each request: $nonce is a fresh random token (a Host that differs
// every time: "$nonce.shop.example"), $client the address the request
// came from as the server sees it (only with from).
const (
	placeholderNonce  = "$nonce"
	placeholderClient = "$client"
)

func randomToken() (string, error) {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// fill replaces the placeholders in s; quote escapes the values (for a
// regular expression).
func fill(s string, vars map[string]string, quote bool) string {
	for k, v := range vars {
		if quote {
			v = regexp.QuoteMeta(v)
		}
		s = strings.ReplaceAll(s, k, v)
	}
	return s
}

func fillMatch(m *Match, vars map[string]string) *Match {
	if m == nil {
		return nil
	}
	c := *m
	if c.Equals != nil {
		v := fill(*c.Equals, vars, false)
		c.Equals = &v
	}
	c.Contains = fill(c.Contains, vars, false)
	c.Matches = fill(c.Matches, vars, true)
	return &c
}

// filled returns e with its placeholders replaced.
func (e *HTTPExpect) filled(vars map[string]string) *HTTPExpect {
	if e == nil || len(vars) == 0 {
		return e
	}
	c := *e
	c.Headers = map[string]*HTTPHeader{}
	for k, h := range e.Headers {
		if h == nil {
			c.Headers[k] = nil
			continue
		}
		hc := *h
		hc.Match = *fillMatch(&h.Match, vars)
		c.Headers[k] = &hc
	}
	if e.Body != nil {
		b := *e.Body
		t := fillMatch(&Match{Equals: b.Equals, Contains: b.Contains, Matches: b.Matches}, vars)
		b.Equals, b.Contains, b.Matches = t.Equals, t.Contains, t.Matches
		b.JSON = map[string]*Match{}
		for k, m := range e.Body.JSON {
			b.JSON[k] = fillMatch(m, vars)
		}
		c.Body = &b
	}
	return &c
}

// usesClient reports whether e or the request's headers name $client.
func (s *HTTPStep) usesClient() bool {
	b, _ := json.Marshal(struct {
		H map[string]string
		E *HTTPExpect
	}{s.Headers, s.Expect})
	return strings.Contains(string(b), placeholderClient)
}

// fetchAnswer is what `backend fetch` prints.
type fetchAnswer struct {
	Status    int                 `json:"status"`
	Proto     string              `json:"proto"`
	Headers   map[string][]string `json:"headers"`
	Body      []byte              `json:"body"`
	LocalAddr string              `json:"local_addr"`
	Error     string              `json:"error,omitempty"`
}

// sendFrom sends req from inside the lab service from, as a client with
// an address of its own; it returns the response and that address.
func sendFrom(ctx context.Context, env Env, from, method, target string, headers map[string]string, body string) (*httpResponse, string, error) {
	self, ok := env.(NetworkURLer)
	if !ok {
		return nil, "", errors.New("this service cannot be reached from another one")
	}
	base, err := self.NetworkURL()
	if err != nil {
		return nil, "", err
	}
	client, err := env.Service(from)
	if err != nil {
		return nil, "", err
	}
	in, err := json.Marshal(map[string]any{"method": method, "url": strings.TrimRight(base, "/") + target, "headers": headers, "body": body})
	if err != nil {
		return nil, "", err
	}
	res, err := client.Exec(ctx, backendClient, ExecOptions{User: "nobody", Stdin: string(in)})
	if err != nil {
		return nil, "", fmt.Errorf("send the request from %s: %w", from, err)
	}
	var a fetchAnswer
	if res.ExitCode != 0 || json.Unmarshal([]byte(res.Stdout), &a) != nil {
		return nil, "", fmt.Errorf("send the request from %s: exit %d: %s", from, res.ExitCode, strings.TrimSpace(res.Stderr))
	}
	if a.Error != "" {
		return nil, a.LocalAddr, errors.New(a.Error)
	}
	return &httpResponse{proto: a.Proto, status: a.Status, header: http.Header(maps.Clone(a.Headers)), body: a.Body}, a.LocalAddr, nil
}
