package documents

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/store"
)

// Issued is a signed answer the city hall issued.
type Issued struct {
	ID           int64
	CaseID       int64
	EntryID      int64 // the outgoing registry entry it carries the number of
	Number       string
	Code         string // public verification code, printed and in the QR
	Kind         string // e.g. the service's name
	Holder       string // the applicant's name; only initials are shown publicly
	Department   string
	SHA256       string
	IssuedAt     time.Time
	RevokedAt    time.Time
	RevokeReason string
}

// NewCode returns a random verification code that is easy to read out and type.
func NewCode() string {
	b := make([]byte, 10)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// Save stores a signed PDF (as a blob, by its SHA-256) and its record, inside tx.
func Save(ctx context.Context, tx *store.Tx, d *Issued, pdf []byte) error {
	sum := sha256.Sum256(pdf)
	d.SHA256 = hex.EncodeToString(sum[:])
	if d.IssuedAt.IsZero() {
		d.IssuedAt = time.Now().UTC()
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (hash, size, content_type, data, created_at) VALUES ($1, $2, 'application/pdf', $3, $4)
		ON CONFLICT (hash) DO NOTHING`, d.SHA256, len(pdf), pdf, d.IssuedAt.UnixMicro()); err != nil {
		return store.Map(err)
	}
	return store.Map(tx.QueryRowContext(ctx, `INSERT INTO issued_documents (case_id, entry_id, number, code, kind, holder, department, sha256, issued_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, d.CaseID, d.EntryID, d.Number, d.Code, d.Kind, d.Holder, d.Department,
		d.SHA256, d.IssuedAt.UnixMicro()).Scan(&d.ID))
}

const issuedColumns = `id, case_id, entry_id, number, code, kind, holder, department, sha256, issued_at, revoked_at, revoke_reason`

func scanIssued(row interface{ Scan(...any) error }) (*Issued, error) {
	var d Issued
	var issued, revoked int64
	if err := row.Scan(&d.ID, &d.CaseID, &d.EntryID, &d.Number, &d.Code, &d.Kind, &d.Holder, &d.Department, &d.SHA256,
		&issued, &revoked, &d.RevokeReason); err != nil {
		return nil, store.Map(err)
	}
	d.IssuedAt = time.UnixMicro(issued).UTC()
	if revoked != 0 {
		d.RevokedAt = time.UnixMicro(revoked).UTC()
	}
	return &d, nil
}

// ForCase lists the documents issued for a case.
func ForCase(ctx context.Context, q store.Querier, caseID int64) ([]*Issued, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+issuedColumns+` FROM issued_documents WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Issued
	for rows.Next() {
		d, err := scanIssued(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ByCode finds a document by its verification code, or store.ErrNotFound.
func ByCode(ctx context.Context, q store.Querier, code string) (*Issued, error) {
	return scanIssued(q.QueryRowContext(ctx, `SELECT `+issuedColumns+` FROM issued_documents WHERE code = $1`, strings.ToLower(strings.TrimSpace(code))))
}

// BySHA256 finds a document by the SHA-256 of its exact bytes, or store.ErrNotFound.
func BySHA256(ctx context.Context, q store.Querier, sum string) (*Issued, error) {
	return scanIssued(q.QueryRowContext(ctx, `SELECT `+issuedColumns+` FROM issued_documents WHERE sha256 = $1`, sum))
}

// PDF returns the signed file of a document.
func PDF(ctx context.Context, q store.Querier, d *Issued) ([]byte, error) {
	var data []byte
	err := q.QueryRowContext(ctx, `SELECT data FROM blobs WHERE hash = $1`, d.SHA256).Scan(&data)
	return data, store.Map(err)
}

// Initials shows a holder's name as initials only ("Ion Popescu" → "I. P."), for the
// public verification page.
func Initials(name string) string {
	var parts []string
	for _, w := range strings.Fields(name) {
		r := []rune(w)
		parts = append(parts, strings.ToUpper(string(r[0]))+".")
	}
	return strings.Join(parts, " ")
}

// RevokeForCase revokes, inside tx, every valid document of a case: the
// verification page then shows them as revoked.
func RevokeForCase(ctx context.Context, tx *store.Tx, caseID int64, reason string) error {
	_, err := tx.ExecContext(ctx, `UPDATE issued_documents SET revoked_at = $1, revoke_reason = $2 WHERE case_id = $3 AND revoked_at = 0`,
		time.Now().UnixMicro(), reason, caseID)
	return store.Map(err)
}

// OfCase returns document docID if it was issued for caseID, or store.ErrNotFound:
// callers check the case is the reader's first, then ask for its document.
func OfCase(ctx context.Context, q store.Querier, caseID, docID int64) (*Issued, error) {
	return scanIssued(q.QueryRowContext(ctx, `SELECT `+issuedColumns+` FROM issued_documents WHERE id = $1 AND case_id = $2`, docID, caseID))
}
