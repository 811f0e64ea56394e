package documents_test

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/cetate/cetate/internal/documents"
)

// The QR code printed on a document, rasterised as a printer or phone sees it,
// reads back as the document's verification link.
func TestQRCodeReadsBackTheVerificationLink(t *testing.T) {
	l := sampleLetter()
	pdf, err := documents.Render(l)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if out, err := poppler(t, "pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", write(t, "letter.pdf", pdf), filepath.Join(dir, "page")); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
	if len(matches) != 1 {
		t.Fatalf("rasterised pages: %v", matches)
	}
	f, err := os.Open(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no readable QR code on the page: %v", err)
	}
	if res.GetText() != l.VerifyURL {
		t.Fatalf("QR code reads %q, want %q", res.GetText(), l.VerifyURL)
	}
}
