package checks

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// tlsEnv is a fake Env of a service that serves HTTPS at https, with the
// lab's files in files.
type tlsEnv struct {
	fakeEnv
	https string
	files map[string][]byte
}

func (e *tlsEnv) HTTPSURL() (string, error) {
	if e.https == "" {
		return "", errors.New("no https")
	}
	return e.https, nil
}

func (e *tlsEnv) LabFile(name string) ([]byte, error) {
	b, ok := e.files[name]
	if !ok {
		return nil, fmt.Errorf("lab file %q: file does not exist", name)
	}
	return b, nil
}

// testCert is a key pair and its certificate, in PEM and as tls wants it.
type testCert struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

// newCert makes a certificate for names, signed by parent (nil:
// self-signed), valid from notBefore to notAfter; ca makes it a CA.
func newCert(t *testing.T, cn string, names []string, parent *testCert, ca bool, notAfter time.Time) *testCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: cn},
		DNSNames:              names,
		NotBefore:             time.Now().Add(-2 * time.Hour),
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  ca,
	}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCert{cert: c, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// tlsServer serves /hsts (with the Host it was sent in X-Host) with cert,
// speaking the versions from min to max.
func tlsServer(t *testing.T, cert *testCert, min, max uint16) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Host", r.Host)
		w.Header().Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		w.Write([]byte("secure"))
	}))
	srv.TLS = &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{cert.cert.Raw}, PrivateKey: cert.key}},
		MinVersion:   min,
		MaxVersion:   max,
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestHTTPTLSRun(t *testing.T) {
	year := time.Now().AddDate(1, 0, 0)
	ca := newCert(t, "Lab CA", nil, nil, true, year)
	shop := newCert(t, "shop.example", []string{"shop.example", "www.shop.example"}, ca, false, year)
	self := newCert(t, "shop.example", []string{"shop.example"}, nil, false, year)
	expired := newCert(t, "shop.example", []string{"shop.example"}, ca, false, time.Now().Add(-time.Hour))
	otherCA := newCert(t, "Other CA", nil, nil, true, year)
	foreign := newCert(t, "shop.example", []string{"shop.example"}, otherCA, false, year)

	good := tlsServer(t, shop, tls.VersionTLS12, 0)
	legacy := tlsServer(t, shop, tls.VersionTLS10, 0)
	only12 := tlsServer(t, shop, tls.VersionTLS12, tls.VersionTLS12)
	// A port nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "https://" + l.Addr().String()
	l.Close()
	// A port that takes connections and closes them, as the engine's
	// proxy does for a published port nothing listens on.
	hangup, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hangup.Close() })
	go func() {
		for {
			c, err := hangup.Accept()
			if err != nil {
				return
			}
			c.Read(make([]byte, 4096)) // the ClientHello, so that the close is no reset
			c.Close()
		}
	}()
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)

	files := map[string][]byte{"fixtures/ca.pem": ca.pem, "fixtures/notes.txt": []byte("not a certificate")}
	hostIs := func(h string) *HTTPExpect {
		return &HTTPExpect{Status: 200, Headers: map[string]*HTTPHeader{"X-Host": {Match: Match{Equals: str(h)}}}}
	}
	tlsOf := func(name, min string) *HTTPTLS {
		return &HTTPTLS{CA: "fixtures/ca.pem", ServerName: name, MinVersion: min}
	}
	tests := []struct {
		name   string
		server string
		check  *HTTP
		want   Status
		msg    string
	}{
		{name: "the lab's certificate; Host is the server name", server: good,
			check: &HTTP{TLS: tlsOf("shop.example", ""), Expect: hostIs("shop.example")}, want: Pass},
		{name: "another name of the certificate", server: good,
			check: &HTTP{TLS: tlsOf("www.shop.example", ""), Expect: hostIs("www.shop.example")}, want: Pass},
		{name: "a Host of the check's own", server: good,
			check: &HTTP{TLS: tlsOf("shop.example", ""), HTTPRequest: HTTPRequest{Headers: map[string]string{"Host": "api.shop.example"}}, Expect: hostIs("api.shop.example")}, want: Pass},
		{name: "HSTS at least a year", server: good,
			check: &HTTP{TLS: tlsOf("shop.example", ""), Expect: &HTTPExpect{Headers: map[string]*HTTPHeader{
				"Strict-Transport-Security": {MinDirectives: map[string]uint64{"max-age": 31536000}, AllowDirectives: []string{"includeSubDomains", "preload"}}}}}, want: Pass},
		{name: "HSTS shorter than asked", server: good,
			check: &HTTP{TLS: tlsOf("shop.example", ""), Expect: &HTTPExpect{Headers: map[string]*HTTPHeader{
				"Strict-Transport-Security": {MinDirectives: map[string]uint64{"max-age": 100000000}, AllowDirectives: []string{"includeSubDomains"}}}}},
			want: Fail, msg: `header Strict-Transport-Security is "max-age=63072000; includeSubDomains"`},
		{name: "self-signed", server: tlsServer(t, self, tls.VersionTLS12, 0),
			check: &HTTP{TLS: tlsOf("shop.example", ""), Expect: hostIs("shop.example")},
			want:  Fail, msg: "the server's certificate (for shop.example, self-signed) is not signed by the lab CA (ca.pem)"},
		{name: "signed by another CA", server: tlsServer(t, foreign, tls.VersionTLS12, 0),
			check: &HTTP{TLS: tlsOf("shop.example", ""), Expect: hostIs("shop.example")},
			want:  Fail, msg: "(for shop.example, issued by Other CA) is not signed by the lab CA"},
		{name: "a name the certificate is not for", server: good,
			check: &HTTP{TLS: tlsOf("admin.example", ""), Expect: hostIs("admin.example")},
			want:  Fail, msg: "is not valid for admin.example"},
		{name: "expired", server: tlsServer(t, expired, tls.VersionTLS12, 0),
			check: &HTTP{TLS: tlsOf("shop.example", ""), Expect: hostIs("shop.example")},
			want:  Fail, msg: "has expired"},
		{name: "nothing listening", server: closed,
			check: &HTTP{TLS: tlsOf("shop.example", ""), Expect: hostIs("shop.example")},
			want:  Fail, msg: "no HTTPS answer"},
		{name: "closed at once", server: "https://" + hangup.Addr().String(),
			check: &HTTP{TLS: tlsOf("shop.example", ""), Expect: hostIs("shop.example")},
			want:  Fail, msg: "no TLS handshake: the connection was closed before any answer"},
		{name: "plain HTTP on the HTTPS port", server: strings.Replace(plain.URL, "http:", "https:", 1),
			check: &HTTP{TLS: tlsOf("shop.example", ""), Expect: hostIs("shop.example")},
			want:  Fail, msg: "port 443 answers, but not with TLS"},
		{name: "TLS 1.2 and newer only", server: good,
			check: &HTTP{TLS: tlsOf("shop.example", "TLSv1.2"), Expect: hostIs("shop.example")}, want: Pass},
		{name: "TLS 1.1 accepted where it must be refused", server: legacy,
			check: &HTTP{TLS: tlsOf("shop.example", "TLSv1.2"), Expect: hostIs("shop.example")},
			want:  Fail, msg: "a client that speaks at most TLSv1.1 was accepted; only TLSv1.2 and newer may be"},
		{name: "TLS 1.3 refused where it must be accepted", server: only12,
			check: &HTTP{TLS: tlsOf("shop.example", "TLSv1.3"), Expect: hostIs("shop.example")},
			want:  Fail, msg: "a client that speaks TLSv1.3 was refused"},
		{name: "the lab's CA file is missing", server: good,
			check: &HTTP{TLS: &HTTPTLS{CA: "fixtures/nope.pem", ServerName: "shop.example"}, Expect: hostIs("shop.example")},
			want:  Error, msg: `tls.ca: lab file "fixtures/nope.pem"`},
		{name: "the lab's CA file holds no certificate", server: good,
			check: &HTTP{TLS: &HTTPTLS{CA: "fixtures/notes.txt", ServerName: "shop.example"}, Expect: hostIs("shop.example")},
			want:  Error, msg: "holds no PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.check.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			env := &tlsEnv{fakeEnv: fakeEnv{reveal: true}, https: tt.server, files: files}
			out := tt.check.Run(context.Background(), env)
			if out.Status != tt.want || !strings.Contains(out.Message, tt.msg) {
				t.Fatalf("Run = %v %q, want %v containing %q", out.Status, out.Message, tt.want, tt.msg)
			}
		})
	}
}

// TestHTTPTLSNoEndpoint: a service with no HTTPS endpoint, or that cannot
// read the lab's files, is an error of the lab, not a failure.
func TestHTTPTLSNoEndpoint(t *testing.T) {
	check := &HTTP{TLS: &HTTPTLS{CA: "ca.pem", ServerName: "shop.example"}, Expect: &HTTPExpect{Status: 200}}
	tests := []struct {
		name string
		env  Env
		msg  string
	}{
		{"no HTTPS endpoint", &fakeEnv{}, "tls: this service has no HTTPS endpoint"},
		{"no published port", &tlsEnv{}, "no https"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := check.Run(context.Background(), tt.env)
			if out.Status != Error || !strings.Contains(out.Message, tt.msg) {
				t.Fatalf("Run = %v %q, want an error containing %q", out.Status, out.Message, tt.msg)
			}
		})
	}
}

func TestHTTPTLSValidate(t *testing.T) {
	ok := func() *HTTPTLS { return &HTTPTLS{CA: "fixtures/tls/ca.pem", ServerName: "shop.example"} }
	with := func(f func(*HTTPTLS)) *HTTP {
		c := ok()
		f(c)
		return &HTTP{TLS: c, Expect: &HTTPExpect{Status: 200}}
	}
	tests := []struct {
		name  string
		check *HTTP
		want  string
	}{
		{"valid", with(func(*HTTPTLS) {}), ""},
		{"valid with min_version", with(func(c *HTTPTLS) { c.MinVersion = "TLSv1.3" }), ""},
		{"no ca", with(func(c *HTTPTLS) { c.CA = "" }), "tls.ca: missing"},
		{"absolute ca", with(func(c *HTTPTLS) { c.CA = "/etc/ssl/ca.pem" }), `tls.ca: "/etc/ssl/ca.pem" must be a relative path inside the lab folder`},
		{"ca outside the lab", with(func(c *HTTPTLS) { c.CA = "../ca.pem" }), "must be a relative path"},
		{"no server name", with(func(c *HTTPTLS) { c.ServerName = "" }), "tls.server_name: missing"},
		{"server name with a port", with(func(c *HTTPTLS) { c.ServerName = "shop.example:443" }), `tls.server_name: "shop.example:443" is not a host name`},
		{"an address for a server name", with(func(c *HTTPTLS) { c.ServerName = "127.0.0.1" }), "is not a host name"},
		{"TLSv1 has nothing older to refuse", with(func(c *HTTPTLS) { c.MinVersion = "TLSv1" }), `tls.min_version: "TLSv1" is not one of TLSv1.1, TLSv1.2, TLSv1.3`},
		{"unknown version", with(func(c *HTTPTLS) { c.MinVersion = "1.2" }), `tls.min_version: "1.2"`},
		{"sent from a service", &HTTP{TLS: ok(), HTTPRequest: HTTPRequest{From: "app"}, Expect: &HTTPExpect{Status: 200}}, "tls: requests sent from a service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantValidate(t, tt.check, tt.want) })
	}
}

func TestHTTPStatusIn(t *testing.T) {
	srv := testServer(t)
	tests := []struct {
		name   string
		expect *HTTPExpect
		hidden bool
		want   Status
		msg    string
	}{
		{"one of them", &HTTPExpect{StatusIn: []int{301, 308}}, false, Pass, ""},
		{"none of them", &HTTPExpect{StatusIn: []int{302, 307, 308}}, false, Fail, "expected status 302, 307 or 308, got 301"},
		{"none of them, hidden", &HTTPExpect{StatusIn: []int{302, 307}}, true, Fail, "the status 301 is not one of the expected ones"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &HTTP{HTTPRequest: HTTPRequest{Path: "/old"}, Expect: tt.expect}
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			out := c.Run(context.Background(), &execEnv{fakeEnv: fakeEnv{reveal: !tt.hidden}, base: srv.URL})
			if out.Status != tt.want || !strings.Contains(out.Message, tt.msg) {
				t.Fatalf("Run = %v %q, want %v containing %q", out.Status, out.Message, tt.want, tt.msg)
			}
		})
	}
	for _, tt := range []struct {
		name   string
		expect *HTTPExpect
		want   string
	}{
		{"both status and status_in", &HTTPExpect{Status: 301, StatusIn: []int{308}}, "expect.status_in: set one of status and status_in"},
		{"not a status", &HTTPExpect{StatusIn: []int{301, 3080}}, "expect.status_in: 3080 is not an HTTP status"},
	} {
		t.Run(tt.name, func(t *testing.T) { wantValidate(t, &HTTP{Expect: tt.expect}, tt.want) })
	}
}
