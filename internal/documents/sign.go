package documents

// Why the PDF signature is written by hand: none of the libraries the module
// proxy serves writes a PAdES signature (digitorus/pdfsign is not served;
// pdfcpu only validates; fpdf only writes fresh documents). The incremental
// update itself is small when we control the input: Render makes a classic
// cross-reference-table PDF, so we append a few objects, an xref section and
// a trailer pointing back with /Prev, leaving every original byte in place.
//
// Why smallstep/pkcs7: it builds detached SignedData with content-type,
// message-digest and signing-time signed attributes and lets us add
// ESS signing-certificate-v2 (RFC 5035), which PAdES B-B requires, as an extra
// signed attribute. Its signing-time is the clock at signing; the `at`
// argument of Sign sets the PDF /M entry and must agree with it closely.

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
	"unicode/utf16"

	"github.com/smallstep/pkcs7"
)

// contentsSize is the room reserved for the CMS signature, in bytes (the
// PDF holds twice as many hex digits). A certificate chain of a few RSA-4096
// certificates fits.
const contentsSize = 16 << 10

// byteRangeWidth is the room reserved inside /ByteRange [ ... ].
const byteRangeWidth = 48

var (
	oidSigningCertificateV2 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}

	reStartXref = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	reSize      = regexp.MustCompile(`/Size\s+(\d+)`)
	reRoot      = regexp.MustCompile(`/Root\s+(\d+)\s+0\s+R`)
	rePages     = regexp.MustCompile(`/Pages\s+(\d+)\s+0\s+R`)
	reKids      = regexp.MustCompile(`/Kids\s*\[\s*(\d+)\s+0\s+R`)
)

// essCertIDv2 and signingCertificateV2 are the RFC 5035 structures; the hash
// algorithm is left out because SHA-256 is its DEFAULT.
type essCertIDv2 struct {
	CertHash []byte
}

type signingCertificateV2 struct {
	Certs []essCertIDv2
}

// Sign returns pdf with a PAdES B-B signature (/SubFilter /ETSI.CAdES.detached)
// appended as an incremental update: an invisible signature field on the
// first page, covering the whole file except the signature itself. pdf must be
// a classic-xref PDF such as Render makes, not yet signed. at is written as the
// dictionary's /M; the CMS signing-time attribute is the clock at signing.
// The original bytes are kept unchanged as a prefix of the result.
func (s *Signer) Sign(pdf []byte, reason, location string, at time.Time) ([]byte, error) {
	tr, err := readTrailer(pdf)
	if err != nil {
		return nil, err
	}
	catalog, err := tr.object(pdf, tr.root)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(catalog, []byte("/AcroForm")) {
		return nil, errors.New("documents: PDF already has a form; only unsigned Render output can be signed")
	}
	m := rePages.FindSubmatch(catalog)
	if m == nil {
		return nil, errors.New("documents: catalog has no /Pages")
	}
	pagesNum, _ := strconv.Atoi(string(m[1]))
	pages, err := tr.object(pdf, pagesNum)
	if err != nil {
		return nil, err
	}
	m = reKids.FindSubmatch(pages)
	if m == nil {
		return nil, errors.New("documents: page tree has no kids")
	}
	pageNum, _ := strconv.Atoi(string(m[1]))
	page, err := tr.object(pdf, pageNum)
	if err != nil {
		return nil, err
	}
	if bytes.Contains(page, []byte("/Annots")) {
		return nil, errors.New("documents: first page already has annotations")
	}

	sigNum, widgetNum, formNum := tr.size, tr.size+1, tr.size+2
	var buf bytes.Buffer
	buf.Write(pdf)
	if pdf[len(pdf)-1] != '\n' {
		buf.WriteByte('\n')
	}
	offsets := map[int]int{}

	offsets[sigNum] = buf.Len()
	fmt.Fprintf(&buf, "%d 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached\n", sigNum)
	brStart := buf.Len() + len("/ByteRange [")
	fmt.Fprintf(&buf, "/ByteRange [%s]\n", bytes.Repeat([]byte(" "), byteRangeWidth))
	buf.WriteString("/Contents ")
	contentsStart := buf.Len()
	buf.WriteByte('<')
	buf.Write(bytes.Repeat([]byte("0"), 2*contentsSize))
	buf.WriteByte('>')
	contentsEnd := buf.Len()
	fmt.Fprintf(&buf, "\n/M %s /Name %s /Reason %s /Location %s >>\nendobj\n",
		pdfDate(at), pdfText(s.cert.Subject.CommonName), pdfText(reason), pdfText(location))

	offsets[widgetNum] = buf.Len()
	fmt.Fprintf(&buf, "%d 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /T %s /V %d 0 R /F 132 /Rect [0 0 0 0] /P %d 0 R >>\nendobj\n",
		widgetNum, pdfText("Semnatura1"), sigNum, pageNum)

	offsets[formNum] = buf.Len()
	fmt.Fprintf(&buf, "%d 0 obj\n<< /Fields [%d 0 R] /SigFlags 3 >>\nendobj\n", formNum, widgetNum)

	offsets[tr.root] = buf.Len()
	fmt.Fprintf(&buf, "%d 0 obj\n%s /AcroForm %d 0 R >>\nendobj\n", tr.root, openDict(catalog), formNum)

	offsets[pageNum] = buf.Len()
	fmt.Fprintf(&buf, "%d 0 obj\n%s /Annots [%d 0 R] >>\nendobj\n", pageNum, openDict(page), widgetNum)

	xref := buf.Len()
	buf.WriteString("xref\n")
	for _, n := range []int{tr.root, pageNum} {
		fmt.Fprintf(&buf, "%d 1\n%010d 00000 n\r\n", n, offsets[n])
	}
	fmt.Fprintf(&buf, "%d 3\n", sigNum)
	for _, n := range []int{sigNum, widgetNum, formNum} {
		fmt.Fprintf(&buf, "%010d 00000 n\r\n", offsets[n])
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root %d 0 R", tr.size+3, tr.root)
	if tr.info != "" {
		fmt.Fprintf(&buf, " /Info %s", tr.info)
	}
	fmt.Fprintf(&buf, " /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", tr.startxref, xref)

	out := buf.Bytes()
	br := fmt.Sprintf("0 %d %d %d", contentsStart, contentsEnd, len(out)-contentsEnd)
	if len(br) > byteRangeWidth {
		return nil, errors.New("documents: PDF too large for the byte range placeholder")
	}
	copy(out[brStart:], br)

	signed := make([]byte, 0, contentsStart+len(out)-contentsEnd)
	signed = append(signed, out[:contentsStart]...)
	signed = append(signed, out[contentsEnd:]...)
	cms, err := s.cms(signed)
	if err != nil {
		return nil, err
	}
	if len(cms) > contentsSize {
		return nil, fmt.Errorf("documents: signature of %d bytes does not fit the %d reserved", len(cms), contentsSize)
	}
	hex.Encode(out[contentsStart+1:], cms)
	return out, nil
}

// cms makes the detached CAdES signature over data.
func (s *Signer) cms(data []byte) ([]byte, error) {
	sd, err := pkcs7.NewSignedData(data)
	if err != nil {
		return nil, err
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	ess := signingCertificateV2{Certs: []essCertIDv2{{CertHash: certHash(s.cert)}}}
	err = sd.AddSignerChain(s.cert, s.key, s.chain, pkcs7.SignerInfoConfig{
		ExtraSignedAttributes: []pkcs7.Attribute{{Type: oidSigningCertificateV2, Value: ess}},
	})
	if err != nil {
		return nil, fmt.Errorf("documents: CMS signature: %w", err)
	}
	sd.Detach()
	return sd.Finish()
}

// trailer is what Sign needs from the original PDF's last trailer.
type trailer struct {
	size, root, startxref int
	info                  string // "n 0 R" or empty
	offsets               map[int]int
}

var reInfo = regexp.MustCompile(`/Info\s+(\d+\s+0\s+R)`)

// readTrailer parses the classic xref table and trailer at the end of pdf.
func readTrailer(pdf []byte) (*trailer, error) {
	if len(pdf) < 32 || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return nil, errors.New("documents: not a PDF")
	}
	tail := pdf[max(0, len(pdf)-1024):]
	m := reStartXref.FindSubmatch(tail)
	if m == nil {
		return nil, errors.New("documents: no startxref")
	}
	sx, err := strconv.Atoi(string(m[1]))
	if err != nil || sx <= 0 || sx >= len(pdf) || !bytes.HasPrefix(pdf[sx:], []byte("xref")) {
		return nil, errors.New("documents: only classic xref tables are supported")
	}
	tpos := bytes.Index(pdf[sx:], []byte("trailer"))
	if tpos < 0 {
		return nil, errors.New("documents: no trailer")
	}
	section, trail := pdf[sx+4:sx+tpos], pdf[sx+tpos:]
	if bytes.Contains(trail, []byte("/Prev")) || bytes.Contains(trail, []byte("/Encrypt")) {
		return nil, errors.New("documents: updated or encrypted PDFs are not supported")
	}
	tr := &trailer{startxref: sx, offsets: map[int]int{}}
	if m := reSize.FindSubmatch(trail); m != nil {
		tr.size, _ = strconv.Atoi(string(m[1]))
	}
	if m := reRoot.FindSubmatch(trail); m != nil {
		tr.root, _ = strconv.Atoi(string(m[1]))
	}
	if m := reInfo.FindSubmatch(trail); m != nil {
		tr.info = string(m[1])
	}
	if tr.size <= 0 || tr.root <= 0 {
		return nil, errors.New("documents: trailer lacks /Size or /Root")
	}
	// Subsections: "first count" followed by count 20-byte entries.
	fields := bytes.Fields(section)
	for i := 0; i+1 < len(fields); {
		first, err1 := strconv.Atoi(string(fields[i]))
		count, err2 := strconv.Atoi(string(fields[i+1]))
		if err1 != nil || err2 != nil || count < 0 || i+2+3*count > len(fields) {
			return nil, errors.New("documents: malformed xref table")
		}
		for k := range count {
			e := fields[i+2+3*k:]
			if string(e[2]) == "n" {
				off, _ := strconv.Atoi(string(e[0]))
				tr.offsets[first+k] = off
			}
		}
		i += 2 + 3*count
	}
	return tr, nil
}

// object returns the body of object n (between "obj" and "endobj"), which
// must be a dictionary without a stream.
func (tr *trailer) object(pdf []byte, n int) ([]byte, error) {
	off, ok := tr.offsets[n]
	if !ok || off <= 0 || off >= len(pdf) {
		return nil, fmt.Errorf("documents: object %d not in xref", n)
	}
	head := fmt.Appendf(nil, "%d 0 obj", n)
	if !bytes.HasPrefix(pdf[off:], head) {
		return nil, fmt.Errorf("documents: xref offset of object %d is wrong", n)
	}
	body := pdf[off+len(head):]
	end := bytes.Index(body, []byte("endobj"))
	if end < 0 {
		return nil, fmt.Errorf("documents: object %d has no endobj", n)
	}
	body = bytes.TrimSpace(body[:end])
	if !bytes.HasPrefix(body, []byte("<<")) || !bytes.HasSuffix(body, []byte(">>")) || bytes.Contains(body, []byte("stream")) {
		return nil, fmt.Errorf("documents: object %d is not a plain dictionary", n)
	}
	return body, nil
}

// openDict returns dict without its closing ">>", ready for more entries.
func openDict(dict []byte) []byte { return bytes.TrimSuffix(dict, []byte(">>")) }

// pdfText encodes s as a PDF text string: UTF-16BE with a byte-order mark,
// in hex, so diacritics survive and nothing needs escaping.
func pdfText(s string) string {
	var b bytes.Buffer
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteByte('>')
	return b.String()
}

// pdfDate formats t as a PDF date string, D:YYYYMMDDHHmmSS+HH'mm'.
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("(D:%s%c%02d'%02d')", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

// certHash is the SHA-256 of a certificate, as signing-certificate-v2 holds it.
func certHash(c *x509.Certificate) []byte {
	h := sha256.Sum256(c.Raw)
	return h[:]
}
