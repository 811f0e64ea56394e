package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"

	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/store"
)

// verifyData is what the public verification page shows about a document: never
// more than the holder's initials.
type verifyData struct {
	Code        string
	Found       bool
	Checked     bool // a file was uploaded
	Unchanged   bool
	Institution string
	Number      string
	Kind        string
	Department  string
	Initials    string
	IssuedAt    string
	Revoked     bool
}

func (wb *Web) verifyView(rq *request, d *documents.Issued) *verifyData {
	v := &verifyData{Code: d.Code, Found: true, Institution: wb.app.Registry.Institution().Name, Number: d.Number, Kind: d.Kind,
		Initials: documents.Initials(d.Holder), IssuedAt: formatDate(rq.Lang, d.IssuedAt), Revoked: !d.RevokedAt.IsZero(), Department: d.Department}
	if dep, ok := wb.app.Catalog.Department(d.Department); ok {
		v.Department = dep.Name.In(rq.Lang)
	}
	return v
}

// verifyCode shows the document a QR code or printed link points to.
func (wb *Web) verifyCode(w http.ResponseWriter, r *http.Request, rq *request) error {
	code := r.PathValue("code")
	if len(code) > 64 {
		return errNotFound
	}
	d, err := documents.ByCode(r.Context(), wb.app.DB.Read(), code)
	if errors.Is(err, store.ErrNotFound) {
		w.WriteHeader(http.StatusNotFound)
		return wb.render(w, r, rq, "verify", "web.verify_doc.title", &verifyData{Code: code})
	}
	if err != nil {
		return err
	}
	return wb.render(w, r, rq, "verify", "web.verify_doc.title", wb.verifyView(rq, d))
}

func (wb *Web) verifyForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return wb.render(w, r, rq, "verify", "web.verify_doc.title", &verifyData{})
}

// verifyUpload tells whether an uploaded PDF is, byte for byte, a document the city
// hall issued, and checks its signature.
func (wb *Web) verifyUpload(w http.ResponseWriter, r *http.Request, rq *request) error {
	file, _, err := r.FormFile("file")
	if err != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
		return wb.render(w, r, rq, "verify", "web.verify_doc.title", &verifyData{}, FieldError{"file", rq.t("web.verify_doc.file_required")})
	}
	data, err := io.ReadAll(io.LimitReader(file, documents.MaxVerifySize+1))
	file.Close()
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	d, err := documents.BySHA256(r.Context(), wb.app.DB.Read(), hex.EncodeToString(sum[:]))
	if errors.Is(err, store.ErrNotFound) || (err == nil && wb.app.Clerk.Issuer != nil && !verifies(data, wb)) {
		return wb.render(w, r, rq, "verify", "web.verify_doc.title", &verifyData{Checked: true})
	}
	if err != nil {
		return err
	}
	v := wb.verifyView(rq, d)
	v.Checked, v.Unchanged = true, true
	return wb.render(w, r, rq, "verify", "web.verify_doc.title", v)
}

func verifies(pdf []byte, wb *Web) bool {
	_, err := documents.Verify(pdf, wb.app.Clerk.Issuer.Signer.Certificate())
	return err == nil
}
