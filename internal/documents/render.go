package documents

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"time"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// DejaVu covers every Romanian (and Hungarian) letter, comma-below ș ț
// included, which the PDF standard fonts do not.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

// Letter is the content of an answer document.
type Letter struct {
	Institution string // e.g. "Primăria Municipiului Cluj-Napoca"
	Department  string // issuing department, e.g. "Direcția Taxe și Impozite Locale"
	Title       string // e.g. "Certificat de atestare fiscală"

	Number    string // outgoing registry number
	InReplyTo string // the request's registry number, if any
	Date      time.Time

	Recipient  string
	Paragraphs []string   // body text, plain, with diacritics
	Table      [][]string // optional rows (e.g. debts); the first row is the header

	Signer, SignerRole string
	VerifyURL          string // encoded in the QR code and printed
}

// romanianDate formats t as Romanian documents do: 23.11.2026.
func romanianDate(t time.Time) string { return t.Format("02.01.2006") }

// Render lays out l as an A4 PDF with embedded fonts, a QR code of VerifyURL
// and a footer carrying the number, date and verification link on every
// page. The output is a classic cross-reference-table PDF, which Sign needs.
func Render(l Letter) ([]byte, error) {
	if l.Number == "" || l.Date.IsZero() {
		return nil, errors.New("documents: a letter needs a number and a date")
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(l.Date)
	pdf.SetModificationDate(l.Date)
	pdf.SetTitle(l.Title, true)
	pdf.SetAuthor(l.Institution, true)
	pdf.SetCreator("Cetate", true)
	pdf.SetProducer("Cetate", true)
	pdf.SetLang("ro-RO")
	pdf.AddUTF8FontFromBytes("DejaVu", "", fontRegular)
	pdf.AddUTF8FontFromBytes("DejaVu", "B", fontBold)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 30)

	footer := fmt.Sprintf("Nr. %s din %s", l.Number, romanianDate(l.Date))
	if l.VerifyURL != "" {
		footer += " · Verificare: " + l.VerifyURL
	}
	pdf.SetFooterFunc(func() {
		pdf.SetY(-20)
		pdf.SetFont("DejaVu", "", 7.5)
		pdf.SetTextColor(80, 80, 80)
		pdf.MultiCell(0, 3.5, footer, "T", "L", false)
		pdf.CellFormat(0, 3.5, fmt.Sprintf("Pagina %d", pdf.PageNo()), "", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()

	// Header: institution and department on the left, QR code on the right.
	const qrSize = 30.0
	if l.VerifyURL != "" {
		// Drawn as vector squares rather than a PNG: sharp at any zoom or print
		// size, and no image to encode and decode for every document.
		qr, err := qrcode.New(l.VerifyURL, qrcode.Medium)
		if err != nil {
			return nil, fmt.Errorf("documents: QR code: %w", err)
		}
		bits := qr.Bitmap() // includes the quiet zone
		module := qrSize / float64(len(bits))
		pdf.SetFillColor(0, 0, 0)
		for y, row := range bits {
			for x := 0; x < len(row); x++ {
				if !row[x] {
					continue
				}
				run := x // one rectangle per horizontal run of dark modules
				for x+1 < len(row) && row[x+1] {
					x++
				}
				pdf.Rect(210-20-qrSize+float64(run)*module, 15+float64(y)*module, float64(x-run+1)*module, module, "F")
			}
		}
	}
	textW := 210 - 40 - qrSize - 5
	pdf.SetFont("DejaVu", "B", 12)
	pdf.MultiCell(textW, 6, l.Institution, "", "L", false)
	pdf.SetFont("DejaVu", "", 10)
	if l.Department != "" {
		pdf.MultiCell(textW, 5, l.Department, "", "L", false)
	}
	ref := fmt.Sprintf("Nr. %s din %s", l.Number, romanianDate(l.Date))
	if l.InReplyTo != "" {
		ref += fmt.Sprintf("\nLa cererea nr. %s", l.InReplyTo)
	}
	pdf.Ln(2)
	pdf.MultiCell(textW, 5, ref, "", "L", false)
	if y := 15 + qrSize + 5; pdf.GetY() < y {
		pdf.SetY(y)
	}

	if l.Recipient != "" {
		pdf.Ln(4)
		pdf.MultiCell(0, 5, "Către: "+l.Recipient, "", "L", false)
	}
	pdf.Ln(6)
	pdf.SetFont("DejaVu", "B", 14)
	pdf.MultiCell(0, 7, l.Title, "", "C", false)
	pdf.Ln(4)

	pdf.SetFont("DejaVu", "", 11)
	for _, p := range l.Paragraphs {
		pdf.MultiCell(0, 5.5, p, "", "J", false)
		pdf.Ln(2.5)
	}

	if len(l.Table) > 0 {
		pdf.Ln(2)
		cols := 0
		for _, row := range l.Table {
			cols = max(cols, len(row))
		}
		w := (210 - 40) / float64(cols)
		pdf.SetFillColor(225, 225, 225) // header row; fpdf's default fill is black
		for i, row := range l.Table {
			style := ""
			if i == 0 {
				style = "B"
			}
			pdf.SetFont("DejaVu", style, 9.5)
			for c := range cols {
				cell := ""
				if c < len(row) {
					cell = row[c]
				}
				pdf.CellFormat(w, 6.5, cell, "1", 0, "L", i == 0, 0, "")
			}
			pdf.Ln(-1)
		}
		pdf.Ln(4)
	}

	pdf.Ln(8)
	pdf.SetFont("DejaVu", "", 11)
	if l.SignerRole != "" {
		pdf.MultiCell(0, 5.5, l.SignerRole, "", "R", false)
	}
	if l.Signer != "" {
		pdf.SetFont("DejaVu", "B", 11)
		pdf.MultiCell(0, 5.5, l.Signer, "", "R", false)
	}
	pdf.SetFont("DejaVu", "", 8)
	pdf.MultiCell(0, 4.5, "Document semnat electronic.", "", "R", false)

	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("documents: render PDF: %w", err)
	}
	return out.Bytes(), nil
}
