package documents_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/testenv"
)

const diacritics = "ăâîșț ĂÂÎȘȚ"

func sampleLetter() documents.Letter {
	return documents.Letter{
		Institution: "Primăria Municipiului Cluj-Napoca",
		Department:  "Direcția Taxe și Impozite Locale",
		Title:       "Certificat de atestare fiscală",
		Number:      "DTIL/2026/001234",
		InReplyTo:   "CN/2026/000987",
		Date:        time.Date(2026, 11, 23, 10, 30, 0, 0, time.UTC),
		Recipient:   "Ștefan Țurcanu, str. Mărăști nr. 5",
		Paragraphs: []string{
			"Test de diacritice: " + diacritics + ".",
			"Ca urmare a cererii dumneavoastră, vă comunicăm situația obligațiilor fiscale la data emiterii.",
		},
		Table: [][]string{
			{"Impozit", "Scadență", "Sumă (lei)"},
			{"Clădiri", "31.03.2026", "0,00"},
			{"Teren", "30.09.2026", "12,50"},
		},
		Signer:     "Ioana Mureșan",
		SignerRole: "Director executiv",
		VerifyURL:  "https://cetate.example.ro/verificare/DTIL-2026-001234",
	}
}

var (
	devOnce   sync.Once
	devSigner *documents.Signer
	devErr    error
)

// signer makes one development key per test binary (RSA-3072 generation is slow).
func signer(t testing.TB) *documents.Signer {
	t.Helper()
	devOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cetate-keys")
		if err != nil {
			devErr = err
			return
		}
		p := filepath.Join(dir, "dev.p12")
		if devErr = documents.InitDevKeys(p, "parolă-test", "Primăria Municipiului Cluj-Napoca (dezvoltare)"); devErr != nil {
			return
		}
		devSigner, devErr = documents.LoadSigner(p, "parolă-test")
		os.RemoveAll(dir)
	})
	if devErr != nil {
		t.Fatal(devErr)
	}
	return devSigner
}

func signedLetter(t *testing.T) []byte {
	t.Helper()
	pdf, err := documents.Render(sampleLetter())
	if err != nil {
		t.Fatal(err)
	}
	out, err := signer(t).Sign(pdf, "Răspuns la cererea CN/2026/000987", "Cluj-Napoca", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, pdf) {
		t.Fatal("signing must append to the original document, not rewrite it")
	}
	return out
}

func poppler(t *testing.T, tool string, args ...string) (string, error) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		testenv.Unavailable(t, tool+" (poppler-utils)")
	}
	out, err := exec.Command(tool, args...).CombinedOutput()
	return string(out), err
}

func write(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInitDevKeysRefusesToOverwrite(t *testing.T) {
	p := write(t, "existing.p12", []byte("not a key"))
	if err := documents.InitDevKeys(p, "x", "x"); err == nil {
		t.Fatal("InitDevKeys overwrote an existing file")
	}
	if _, err := documents.LoadSigner(p, "x"); err == nil {
		t.Fatal("LoadSigner accepted garbage")
	}
}

func TestLoadSignerWrongPassword(t *testing.T) {
	p := filepath.Join(t.TempDir(), "k.p12")
	if err := documents.InitDevKeys(p, "corectă", "Test"); err != nil {
		t.Fatal(err)
	}
	if _, err := documents.LoadSigner(p, "greșită"); err == nil {
		t.Fatal("LoadSigner accepted a wrong password")
	}
	s, err := documents.LoadSigner(p, "corectă")
	if err != nil {
		t.Fatal(err)
	}
	c := s.Certificate()
	if c.NotAfter.Sub(c.NotBefore) < 3*365*24*time.Hour {
		t.Errorf("certificate valid only %v", c.NotAfter.Sub(c.NotBefore))
	}
}

func TestSignedPDFValidates(t *testing.T) {
	signed := signedLetter(t)
	s := signer(t)

	info, err := documents.Verify(signed, s.Certificate())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if info.Signer != s.Certificate().Subject.CommonName || time.Since(info.SignedAt) > time.Minute {
		t.Errorf("Verify info = %+v", info)
	}

	out, err := poppler(t, "pdfsig", write(t, "signed.pdf", signed))
	t.Logf("pdfsig:\n%s", out)
	if err != nil {
		t.Fatalf("pdfsig: %v", err)
	}
	for _, want := range []string{
		"Signature #1:",
		"Signature Validation: Signature is Valid.",
		"Total document signed",
		"Signature Type: ETSI.CAdES.detached",
		"Signer Certificate Common Name: " + s.Certificate().Subject.CommonName,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("pdfsig output lacks %q", want)
		}
	}
}

func TestChangedByteFails(t *testing.T) {
	signed := signedLetter(t)
	s := signer(t)
	contents := bytes.LastIndex(signed, []byte("/Contents <"))
	cases := map[string]int{
		// Inside the original document (the Info dictionary's /Producer key
		// becomes /producer: same length, so only the digest can notice).
		"original document": bytes.Index(signed, []byte("/Producer")) + 1,
		// Inside the first page's content stream (compressed drawing).
		"page content": bytes.Index(signed, []byte("stream\n")) + 20,
		// Inside the incremental update, after the signature value.
		"signature dictionary": bytes.LastIndex(signed, []byte("/Location")) + 1,
		"final trailer":        bytes.LastIndex(signed, []byte("/Root")) + 1,
	}
	for name, i := range cases {
		t.Run(name, func(t *testing.T) {
			if i <= 20 || (i > contents && i < contents+len("/Contents <")+32768) {
				t.Fatalf("bad test position %d", i)
			}
			tampered := bytes.Clone(signed)
			tampered[i] ^= 0x20
			if _, err := documents.Verify(tampered, s.Certificate()); !errors.Is(err, documents.ErrInvalidSignature) {
				t.Errorf("Verify on tampered document: %v, want ErrInvalidSignature", err)
			}
			out, _ := poppler(t, "pdfsig", write(t, "tampered.pdf", tampered))
			t.Logf("pdfsig on tampered document:\n%s", out)
			if strings.Contains(out, "Signature is Valid") || !strings.Contains(out, "Signature Validation: Digest Mismatch.") {
				t.Error("pdfsig does not report the tampered document's digest mismatch")
			}
		})
	}

	// A byte appended after the signed range is not covered.
	if _, err := documents.Verify(append(bytes.Clone(signed), ' '), s.Certificate()); err == nil {
		t.Error("Verify accepted bytes appended after the signature")
	}
}

func TestVerifyRejectsOtherSigner(t *testing.T) {
	signed := signedLetter(t)
	p := filepath.Join(t.TempDir(), "other.p12")
	if err := documents.InitDevKeys(p, "x", "Altă instituție"); err != nil {
		t.Fatal(err)
	}
	other, err := documents.LoadSigner(p, "x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := documents.Verify(signed, other.Certificate()); !errors.Is(err, documents.ErrInvalidSignature) {
		t.Errorf("Verify with another institution's certificate: %v", err)
	}
}

func TestRenderedTextHasDiacriticsAndNumber(t *testing.T) {
	signed := signedLetter(t)
	l := sampleLetter()
	out, err := poppler(t, "pdftotext", "-enc", "UTF-8", write(t, "l.pdf", signed), "-")
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	for _, want := range []string{diacritics, l.Number, l.InReplyTo, l.Department, "23.11.2026", "Sumă (lei)", l.VerifyURL, l.Signer} {
		if !strings.Contains(out, want) {
			t.Errorf("pdftotext output lacks %q:\n%s", want, out)
		}
	}
}

func TestRenderNeedsNumberAndDate(t *testing.T) {
	l := sampleLetter()
	l.Number = ""
	if _, err := documents.Render(l); err == nil {
		t.Error("Render accepted a letter without a number")
	}
}

func TestSignRejectsNonPDF(t *testing.T) {
	s := signer(t)
	for _, in := range [][]byte{nil, []byte("%PDF-1.4\n"), []byte("hello world, this is not a pdf at all")} {
		if _, err := s.Sign(in, "", "", time.Now()); err == nil {
			t.Errorf("Sign(%q) succeeded", in)
		}
	}
	// Signing twice is refused: the first signature's form is already there.
	if _, err := s.Sign(signedLetter(t), "", "", time.Now()); err == nil {
		t.Error("Sign accepted an already signed document")
	}
}

func TestVerifyBadInput(t *testing.T) {
	s := signer(t)
	signed := signedLetter(t)
	cases := map[string][]byte{
		"empty":     nil,
		"garbage":   []byte("garbage /ByteRange [0 1 2 3] /Contents <00>"),
		"truncated": signed[:len(signed)/2],
		"unsigned":  signed[:bytes.LastIndex(signed, []byte("/ByteRange"))-200],
		"huge":      make([]byte, documents.MaxVerifySize+1),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := documents.Verify(in, s.Certificate()); err == nil {
				t.Error("Verify succeeded")
			}
		})
	}
}

// FuzzVerify checks Verify never panics; run longer with
// go test -run XXX -fuzz FuzzVerify -fuzztime 30s ./internal/documents
func FuzzVerify(f *testing.F) {
	pdf, err := documents.Render(sampleLetter())
	if err != nil {
		f.Fatal(err)
	}
	s := signer(f)
	signed, err := s.Sign(pdf, "r", "l", time.Now())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(signed)
	f.Add([]byte("/ByteRange [0 1 3 0]<>"))
	f.Add([]byte("/ByteRange [0 2 6 0]x<30>"))
	f.Fuzz(func(t *testing.T, in []byte) {
		_, _ = documents.Verify(in, s.Certificate())
	})
}

// TestLongLetterSigns covers a letter over several pages, without a QR code
// or table: the signature field goes on the first page and still covers all.
func TestLongLetterSigns(t *testing.T) {
	l := sampleLetter()
	l.VerifyURL, l.Table = "", nil
	for range 60 {
		l.Paragraphs = append(l.Paragraphs, strings.Repeat("Paragraf lung, cu diacritice: ăâîșț. ", 8))
	}
	pdf, err := documents.Render(l)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := signer(t).Sign(pdf, "", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := documents.Verify(signed, signer(t).Certificate()); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	info, _ := poppler(t, "pdfinfo", write(t, "long.pdf", signed))
	if !strings.Contains(info, "Pages:") || strings.Contains(info, "Pages:           1\n") {
		t.Errorf("expected several pages:\n%s", info)
	}
	out, _ := poppler(t, "pdfsig", write(t, "long.pdf", signed))
	if !strings.Contains(out, "Signature is Valid.") || !strings.Contains(out, "Total document signed") {
		t.Errorf("pdfsig:\n%s", out)
	}
}
