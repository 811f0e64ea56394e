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
		png, err := qrcode.Encode(l.VerifyURL, qrcode.Medium, 512)
		if err != nil {
			return nil, fmt.Errorf("documents: QR code: %w", err)
		}
		pdf.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
		pdf.ImageOptions("qr", 210-20-qrSize, 15, qrSize, qrSize, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
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
