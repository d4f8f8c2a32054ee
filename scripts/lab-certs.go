//go:build ignore

// lab-certs writes the TLS fixtures of the nginx-tls lab into a folder:
//
//	go run scripts/lab-certs.go labs/nginx-tls/fixtures/tls
//
// ca.pem is a lab CA made for the lab alone, whose key is thrown away at
// once (nobody can sign another certificate with it); shop.example.crt and
// .key are the server certificate that CA signs, for shop.example and
// www.shop.example; selfsigned.crt and .key a self-signed certificate for
// the same names, the wrong one. They are test keys of a lab, never anyone's
// real key, and are committed so that every learner and `lab test` grades
// against the same files with no tool to run.
//
// They are valid from 2000 to 2100, a century, so that the lab never
// expires while it is in use and a machine whose clock is wrong by years
// still accepts them: a lab that starts failing on a date, or on one
// learner's laptop, is worse than a long-lived test certificate, which
// protects nothing.
package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

var (
	notBefore = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	notAfter  = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	names     = []string{"shop.example", "www.shop.example"}
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run scripts/lab-certs.go DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	caKey := key()
	ca := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{Organization: []string{"labrunner"}, CommonName: "labrunner nginx-tls lab CA"},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER := sign(ca, ca, caKey, caKey)
	write(dir, "ca.pem", "CERTIFICATE", caDER)

	leaf := func() (*x509.Certificate, *rsa.PrivateKey) {
		k := key()
		return &x509.Certificate{
			SerialNumber: serial(),
			Subject:      pkix.Name{CommonName: names[0]},
			DNSNames:     names,
			NotBefore:    notBefore,
			NotAfter:     notAfter,
			KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
			ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		}, k
	}
	caCert, err := x509.ParseCertificate(caDER)
	check(err)
	shop, shopKey := leaf()
	write(dir, "shop.example.crt", "CERTIFICATE", sign(shop, caCert, shopKey, caKey))
	write(dir, "shop.example.key", "PRIVATE KEY", pkcs8(shopKey))
	self, selfKey := leaf()
	self.Subject.Organization = []string{"old test server"}
	write(dir, "selfsigned.crt", "CERTIFICATE", sign(self, self, selfKey, selfKey))
	write(dir, "selfsigned.key", "PRIVATE KEY", pkcs8(selfKey))
}

func key() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	check(err)
	return k
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	check(err)
	return n
}

func sign(tmpl, parent *x509.Certificate, k, by *rsa.PrivateKey) []byte {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &k.PublicKey, by)
	check(err)
	return der
}

func pkcs8(k *rsa.PrivateKey) []byte {
	b, err := x509.MarshalPKCS8PrivateKey(k)
	check(err)
	return b
}

func write(dir, name, typ string, der []byte) {
	check(os.MkdirAll(dir, 0o755))
	check(os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o644))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
