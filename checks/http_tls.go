package checks

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"
)

// HTTPSURLer is implemented by an Env whose service serves HTTPS:
// HTTPSURL is its https://host:port, where an http check with tls sends
// its requests.
type HTTPSURLer interface {
	HTTPSURL() (string, error)
}

// LabFiler is implemented by an Env that reads the lab's own files (its
// fixtures), from the catalog rather than a service, out of the
// submission's reach.
type LabFiler interface {
	LabFile(name string) ([]byte, error)
}

// HTTPTLS sends an http check's requests over HTTPS, to the service's
// HTTPS port (nginx: 443), and verifies the server's certificate against
// the lab's own CA: a certificate that CA did not sign, one for another
// name, or an expired one fails the check with a sentence saying which.
// Each request's Host header defaults to ServerName.
//
//	checks:
//	- name: https-home
//	  type: http
//	  service: web
//	  tls:
//	    ca: fixtures/tls/ca.pem      # a PEM file of the lab folder
//	    server_name: shop.example    # SNI, and the name the certificate must be for
//	    min_version: TLSv1.2         # TLSv1.2 accepted, TLSv1.1 refused
//	  path: /
//	  expect: {status: 200}
//
// The certificate is checked in a handshake of its own before the
// requests, and so are the versions: one at MinVersion must succeed, one
// offering at most the version below it must fail. The requests then use
// TLS 1.2 or newer, as current clients do; a redirect from plain HTTP is
// checked by a check without tls (its Location header).
type HTTPTLS struct {
	// CA is a PEM file of the lab folder (a fixture) holding the
	// certificates the server's chain must end in; the only roots
	// trusted. `lab validate` checks that it is there and holds one.
	CA string `yaml:"ca" json:"ca"`
	// ServerName is sent in the handshake (SNI); the certificate must be
	// valid for it.
	ServerName string `yaml:"server_name" json:"server_name"`
	// MinVersion is the oldest protocol the server must accept
	// (TLSv1.1, TLSv1.2 or TLSv1.3, as nginx's ssl_protocols spells
	// them): a handshake at that version must succeed and one at most
	// the version below it must be refused.
	MinVersion string `yaml:"min_version,omitempty" json:"min_version,omitempty"`
}

// tlsVersions are the protocol versions min_version takes, oldest first.
var tlsVersions = []struct {
	name string
	v    uint16
}{
	{"TLSv1", tls.VersionTLS10},
	{"TLSv1.1", tls.VersionTLS11},
	{"TLSv1.2", tls.VersionTLS12},
	{"TLSv1.3", tls.VersionTLS13},
}

// tlsVersion returns the index of name in tlsVersions, or -1.
func tlsVersion(name string) int {
	return slices.IndexFunc(tlsVersions, func(v struct {
		name string
		v    uint16
	}) bool {
		return v.name == name
	})
}

var serverNameRe = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)

func (t *HTTPTLS) validate() []error {
	var errs []error
	switch {
	case t.CA == "":
		errs = append(errs, errors.New(`tls.ca: missing (a PEM file of the lab folder with the CA that signs the server's certificate, e.g. fixtures/tls/ca.pem)`))
	case !fs.ValidPath(t.CA):
		errs = append(errs, fmt.Errorf(`tls.ca: %q must be a relative path inside the lab folder (no "..", no leading /)`, t.CA))
	}
	switch {
	case t.ServerName == "":
		errs = append(errs, errors.New("tls.server_name: missing (the host name the certificate is for, e.g. shop.example)"))
	case !serverNameRe.MatchString(t.ServerName) || net.ParseIP(t.ServerName) != nil:
		errs = append(errs, fmt.Errorf("tls.server_name: %q is not a host name (lowercase, such as shop.example)", t.ServerName))
	}
	if t.MinVersion != "" && tlsVersion(t.MinVersion) < 1 {
		errs = append(errs, fmt.Errorf("tls.min_version: %q is not one of TLSv1.1, TLSv1.2, TLSv1.3", t.MinVersion))
	}
	return errs
}

// ParseCA reads the certificates of a PEM file: the pool to trust, or
// why the file holds none.
func ParseCA(pem []byte) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
	}
	return pool, nil
}

// config returns the client configuration of the check's requests: the
// lab CA as the only root, the server name, TLS 1.2 or newer as any
// current client.
func (t *HTTPTLS) config(env Env) (*tls.Config, error) {
	lf, ok := env.(LabFiler)
	if !ok {
		return nil, errors.New("tls: this service cannot read the lab's files")
	}
	b, err := lf.LabFile(t.CA)
	if err != nil {
		return nil, fmt.Errorf("tls.ca: %w", err)
	}
	pool, err := ParseCA(b)
	if err != nil {
		return nil, fmt.Errorf("tls.ca: %s: %w", t.CA, err)
	}
	return &tls.Config{RootCAs: pool, ServerName: t.ServerName, MinVersion: tls.VersionTLS12}, nil
}

// httpsBase returns the service's https://host:port.
func httpsBase(env Env) (string, error) {
	h, ok := env.(HTTPSURLer)
	if !ok {
		return "", errors.New("tls: this service has no HTTPS endpoint")
	}
	return h.HTTPSURL()
}

// handshake connects to base and shakes hands with cfg. It returns "" when
// the server's certificate is the lab's and the versions are as
// min_version says, else what is wrong, for the learner; err is a
// deadline or interruption.
func (t *HTTPTLS) handshake(ctx context.Context, base string, cfg *tls.Config) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	addr := u.Host
	if err := shake(ctx, addr, cfg); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return t.explain(err), nil
	}
	i := tlsVersion(t.MinVersion)
	if i < 1 {
		return "", nil
	}
	at := cfg.Clone()
	at.MinVersion, at.MaxVersion = tlsVersions[i].v, tlsVersions[i].v
	if err := shake(ctx, addr, at); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return fmt.Sprintf("a client that speaks %s was refused (%s); %s and newer must be accepted", tlsVersions[i].name, shortTLSErr(err), tlsVersions[i].name), nil
	}
	// Whether the older protocol is spoken, whatever the certificate.
	below := &tls.Config{ServerName: t.ServerName, InsecureSkipVerify: true, MinVersion: tls.VersionTLS10, MaxVersion: tlsVersions[i-1].v}
	err = shake(ctx, addr, below)
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	if err == nil {
		return fmt.Sprintf("a client that speaks at most %s was accepted; only %s and newer may be (ssl_protocols)", tlsVersions[i-1].name, tlsVersions[i].name), nil
	}
	return "", nil
}

// shake makes one TLS handshake with the server at addr and closes the
// connection.
func shake(ctx context.Context, addr string, cfg *tls.Config) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	d := &tls.Dialer{NetDialer: &net.Dialer{}, Config: cfg}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	return conn.Close()
}

// explain says why the handshake with the lab's settings failed.
func (t *HTTPTLS) explain(err error) string {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.As(err, &unknown):
		return fmt.Sprintf("the server's certificate (%s) is not signed by the lab CA (%s); serve the certificate the lab provides", describeCert(unknown.Cert), path.Base(t.CA))
	case errors.As(err, &host):
		return fmt.Sprintf("the server's certificate (%s) is not valid for %s; serve the certificate for that name", describeCert(host.Certificate), t.ServerName)
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return fmt.Sprintf("the server's certificate (%s) has expired or is not valid yet", describeCert(invalid.Cert))
	case errors.As(err, &verify):
		return "the server's certificate was not accepted: " + verify.Err.Error()
	}
	var op *net.OpError
	var record tls.RecordHeaderError
	switch {
	case errors.As(err, &op) && op.Op == "dial":
		return "no HTTPS answer (" + shortTLSErr(err) + "); is the server listening with ssl on port 443?"
	case errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET):
		// A published port with nothing behind it: the engine's proxy
		// takes the connection, then closes it.
		return "no TLS handshake: the connection was closed before any answer; is the server listening with ssl on port 443 (listen 443 ssl)?"
	case errors.As(err, &record):
		return "port 443 answers, but not with TLS (plain HTTP?); the server must listen with ssl there (listen 443 ssl)"
	}
	return "no TLS handshake (" + shortTLSErr(err) + "); is the server listening with ssl on port 443, with a certificate and its key?"
}

// describeCert names a certificate by its subject and issuer.
func describeCert(c *x509.Certificate) string {
	if c == nil {
		return "unknown"
	}
	subject := c.Subject.CommonName
	if subject == "" && len(c.DNSNames) > 0 {
		subject = c.DNSNames[0]
	}
	s := "for " + strings.Join(append([]string{subject}, others(c.DNSNames, subject)...), ", ")
	if c.Issuer.String() == c.Subject.String() {
		return s + ", self-signed"
	}
	return s + ", issued by " + c.Issuer.CommonName
}

func others(names []string, not string) []string {
	var out []string
	for _, n := range names {
		if n != not {
			out = append(out, n)
		}
	}
	return out
}

// shortTLSErr is a handshake error without the address in front.
func shortTLSErr(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		err = op.Err
	}
	return shortNetErr(err)
}

// prepare readies tr for the check's HTTPS requests: it returns the
// service's HTTPS base URL, or the outcome of a check that cannot go on
// (no endpoint, the lab's CA unreadable: an error; the server's
// certificate or protocols wrong: a failure).
func (t *HTTPTLS) prepare(ctx context.Context, env Env, tr *http.Transport) (string, *Outcome) {
	base, err := httpsBase(env)
	if err != nil {
		o := Errored(err.Error())
		return "", &o
	}
	cfg, err := t.config(env)
	if err != nil {
		o := Errored(err.Error())
		return "", &o
	}
	msg, err := t.handshake(ctx, base, cfg)
	switch {
	case overLimit(ctx, err):
		o := Errored("the TLS handshake: " + pastLimit(ctx, "the check", "given up"))
		return "", &o
	case err != nil:
		o := interrupted
		return "", &o
	case msg != "":
		o := Failed(msg)
		return "", &o
	}
	tr.TLSClientConfig = cfg
	return base, nil
}
