package documents

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"os"
	"time"

	"software.sslmate.com/src/go-pkcs12"
)

// Signer holds the institution's private key and certificate chain. It is
// safe for concurrent use: Sign does not change it.
type Signer struct {
	key   crypto.Signer
	cert  *x509.Certificate
	chain []*x509.Certificate // intermediates, leaf excluded
}

// Certificate returns the signing (leaf) certificate; pass it to Verify as
// the trusted certificate when checking documents this Signer made.
func (s *Signer) Certificate() *x509.Certificate { return s.cert }

// LoadSigner reads a PKCS#12 file with one private key, its certificate and
// optionally intermediate certificates. The key must match the certificate.
func LoadSigner(p12Path, password string) (*Signer, error) {
	data, err := os.ReadFile(p12Path)
	if err != nil {
		return nil, fmt.Errorf("documents: read key file: %w", err)
	}
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return nil, fmt.Errorf("documents: decode PKCS#12 %s: %w", p12Path, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("documents: key of type %T cannot sign", key)
	}
	pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return nil, errors.New("documents: private key does not match the certificate")
	}
	return &Signer{key: signer, cert: cert, chain: chain}, nil
}

// InitDevKeys writes a new self-signed RSA-3072 certificate for commonName,
// valid three years, with digitalSignature and nonRepudiation key usage, as a
// PKCS#12 file (modern encryption) protected by password. It is for
// development and tests only: nobody else trusts it. It refuses to overwrite
// an existing file, so a real institution key is never clobbered.
func InitDevKeys(p12Path, password, commonName string) error {
	key, err := rsa.GenerateKey(rand.Reader, 3072)
	if err != nil {
		return fmt.Errorf("documents: generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	ski := sha256.Sum256(pubDER)
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: commonName, Country: []string{"RO"}, Organization: []string{commonName}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(3, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		BasicConstraintsValid: true,
		SubjectKeyId:          ski[:20],
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return fmt.Errorf("documents: create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return err
	}
	p12, err := pkcs12.Modern.Encode(key, cert, nil, password)
	if err != nil {
		return fmt.Errorf("documents: encode PKCS#12: %w", err)
	}
	f, err := os.OpenFile(p12Path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("documents: create key file: %w", err)
	}
	if _, err := f.Write(p12); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
