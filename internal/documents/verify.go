package documents

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/smallstep/pkcs7"
)

// MaxVerifySize bounds the documents Verify accepts, so a hostile upload
// cannot make it hash or copy gigabytes.
const MaxVerifySize = 64 << 20

// Info describes a signature Verify accepted.
type Info struct {
	Signer   string    // common name of the signing certificate
	SignedAt time.Time // the signed signing-time attribute
}

// ErrInvalidSignature is wrapped by every error Verify returns for a
// document that is not validly signed (as opposed to one it cannot read).
var ErrInvalidSignature = errors.New("documents: invalid signature")

var reByteRange = regexp.MustCompile(`^\[\s*(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s*\]`)

// Verify checks the last signature in pdf: its /ByteRange covers the whole
// file except the /Contents hex string, the CMS message digest matches those
// bytes, the CMS signature is valid, it carries signing-time and a
// signing-certificate-v2 matching the signer, and the signing certificate is
// trusted or was issued by trusted. It is not a full PDF validator: it only
// looks at the bytes the signature protects, which are the whole file.
// It never panics on arbitrary input.
func Verify(pdf []byte, trusted *x509.Certificate) (Info, error) {
	if trusted == nil {
		return Info{}, errors.New("documents: no trusted certificate")
	}
	if len(pdf) > MaxVerifySize {
		return Info{}, fmt.Errorf("documents: document larger than %d bytes", MaxVerifySize)
	}
	i := bytes.LastIndex(pdf, []byte("/ByteRange"))
	if i < 0 {
		return Info{}, fmt.Errorf("%w: document is not signed", ErrInvalidSignature)
	}
	m := reByteRange.FindSubmatch(bytes.TrimLeft(pdf[i+len("/ByteRange"):], " \r\n\t"))
	if m == nil {
		return Info{}, fmt.Errorf("%w: malformed /ByteRange", ErrInvalidSignature)
	}
	var br [4]int
	for k := range br {
		br[k], _ = strconv.Atoi(string(m[k+1])) // 12 digits cannot overflow
	}
	a, b, c, d := br[0], br[1], br[2], br[3]
	if a != 0 || b < 1 || c < b+2 || c+d != len(pdf) || pdf[b] != '<' || pdf[c-1] != '>' {
		return Info{}, fmt.Errorf("%w: /ByteRange does not cover the whole document", ErrInvalidSignature)
	}
	hexSig := pdf[b+1 : c-1]
	der := make([]byte, hex.DecodedLen(len(hexSig)))
	if _, err := hex.Decode(der, hexSig); err != nil {
		return Info{}, fmt.Errorf("%w: /Contents is not hex", ErrInvalidSignature)
	}
	// The reserved room is padded with zeros after the DER value.
	var raw asn1.RawValue
	rest, err := asn1.Unmarshal(der, &raw)
	if err != nil {
		return Info{}, fmt.Errorf("%w: /Contents is not DER: %v", ErrInvalidSignature, err)
	}
	if len(bytes.Trim(rest, "\x00")) != 0 {
		return Info{}, fmt.Errorf("%w: data after the signature", ErrInvalidSignature)
	}
	p7, err := pkcs7.Parse(der[:len(der)-len(rest)])
	if err != nil {
		return Info{}, fmt.Errorf("%w: %v", ErrInvalidSignature, err)
	}
	signed := make([]byte, 0, b+d)
	signed = append(signed, pdf[:b]...)
	signed = append(signed, pdf[c:]...)
	p7.Content = signed
	cert := p7.GetOnlySigner()
	if cert == nil {
		return Info{}, fmt.Errorf("%w: expected exactly one signer with its certificate", ErrInvalidSignature)
	}
	if err := p7.Verify(); err != nil {
		return Info{}, fmt.Errorf("%w: %v", ErrInvalidSignature, err)
	}
	var at time.Time
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &at); err != nil {
		return Info{}, fmt.Errorf("%w: no signing-time: %v", ErrInvalidSignature, err)
	}
	var ess signingCertificateV2
	if err := p7.UnmarshalSignedAttribute(oidSigningCertificateV2, &ess); err != nil || len(ess.Certs) == 0 ||
		!bytes.Equal(ess.Certs[0].CertHash, certHash(cert)) {
		return Info{}, fmt.Errorf("%w: missing or wrong signing-certificate-v2", ErrInvalidSignature)
	}
	if !cert.Equal(trusted) {
		roots, inter := x509.NewCertPool(), x509.NewCertPool()
		roots.AddCert(trusted)
		for _, c := range p7.Certificates {
			inter.AddCert(c)
		}
		_, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
		if err != nil {
			return Info{}, fmt.Errorf("%w: signer not trusted: %v", ErrInvalidSignature, err)
		}
	}
	return Info{Signer: cert.Subject.CommonName, SignedAt: at}, nil
}
