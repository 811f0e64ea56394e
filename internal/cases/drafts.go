package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
)

// DraftLifetime is how long an unfinished request is kept after its last change; the
// portal states it beside the "save and continue later" button.
const DraftLifetime = 30 * 24 * time.Hour

// Draft is a request being written in the portal, page by page. Files already
// uploaded are kept (as blobs, by content hash) so they need not be sent again.
type Draft struct {
	ID        int64
	UserID    int64
	Service   string
	Fields    map[string]string
	Files     []DraftFile
	UpdatedAt time.Time
	ExpiresAt time.Time
}

// DraftFile is a file uploaded to a draft.
type DraftFile struct {
	Field       string `json:"field"`
	Name        string `json:"name"`
	Hash        string `json:"hash"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

// Uploads describes the draft's files for form validation.
func (d *Draft) Uploads() []catalog.Upload {
	out := make([]catalog.Upload, len(d.Files))
	for i, f := range d.Files {
		out[i] = catalog.Upload{Field: f.Field, Name: f.Name, Size: f.Size, ContentType: f.ContentType}
	}
	return out
}

// NewDraft starts a draft of a service for a citizen.
func (cs *Cases) NewDraft(ctx context.Context, u *identity.User, service string) (*Draft, error) {
	svc, ok := cs.catalog.Service(service)
	if !ok {
		return nil, ErrUnknownService
	}
	if !svc.Enabled {
		return nil, ErrServiceDisabled
	}
	if u == nil || u.Role != identity.Citizen {
		return nil, ErrNotAllowed
	}
	now := time.Now().UTC()
	d := &Draft{UserID: u.ID, Service: svc.Code, Fields: map[string]string{}, UpdatedAt: now, ExpiresAt: now.Add(DraftLifetime)}
	// Start from what the account already knows, so it is not asked again.
	for _, f := range svc.Fields {
		switch {
		case f.Key == "name" && u.Name != "":
			d.Fields["name"] = u.Name
		case f.Key == "email":
			d.Fields["email"] = u.Email
		case f.Type == catalog.FieldCNP && u.CNPVerified:
			d.Fields[f.Key] = u.CNP
		}
	}
	fields, _ := json.Marshal(d.Fields)
	err := cs.db.Write().QueryRowContext(ctx, `INSERT INTO drafts (user_id, service, fields, files, created_at, updated_at, expires_at)
		VALUES ($1, $2, $3, '[]', $4, $4, $5) RETURNING id`, u.ID, d.Service, string(fields), now.UnixMicro(), d.ExpiresAt.UnixMicro()).Scan(&d.ID)
	return d, store.Map(err)
}

// Draft returns one of the user's drafts that has not expired.
func (cs *Cases) Draft(ctx context.Context, u *identity.User, id int64) (*Draft, error) {
	if u == nil {
		return nil, store.ErrNotFound
	}
	return scanDraft(cs.db.Read().QueryRowContext(ctx, `SELECT id, user_id, service, fields, files, updated_at, expires_at
		FROM drafts WHERE id = $1 AND user_id = $2 AND expires_at > $3`, id, u.ID, time.Now().UnixMicro()))
}

// Drafts lists the user's unexpired drafts, newest first.
func (cs *Cases) Drafts(ctx context.Context, u *identity.User) ([]*Draft, error) {
	rows, err := cs.db.Read().QueryContext(ctx, `SELECT id, user_id, service, fields, files, updated_at, expires_at
		FROM drafts WHERE user_id = $1 AND expires_at > $2 ORDER BY updated_at DESC LIMIT 50`, u.ID, time.Now().UnixMicro())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Draft
	for rows.Next() {
		d, err := scanDraft(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func scanDraft(row interface{ Scan(...any) error }) (*Draft, error) {
	var d Draft
	var fields, files string
	var updated, expires int64
	if err := row.Scan(&d.ID, &d.UserID, &d.Service, &fields, &files, &updated, &expires); err != nil {
		return nil, store.Map(err)
	}
	d.UpdatedAt, d.ExpiresAt = time.UnixMicro(updated).UTC(), time.UnixMicro(expires).UTC()
	if err := json.Unmarshal([]byte(fields), &d.Fields); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(files), &d.Files); err != nil {
		return nil, err
	}
	return &d, nil
}

// SaveDraft stores the draft's fields, adds newly uploaded files (replacing earlier
// files of the same field), and extends its life.
func (cs *Cases) SaveDraft(ctx context.Context, u *identity.User, d *Draft, newFiles []File) error {
	return cs.db.Tx(ctx, func(tx *store.Tx) error {
		for _, f := range newFiles {
			sum := sha256.Sum256(f.Data)
			hash := hex.EncodeToString(sum[:])
			ct := catalog.SniffContentType(f.Data)
			if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (hash, size, content_type, data, created_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (hash) DO NOTHING`, hash, len(f.Data), ct, f.Data, nowMicro()); err != nil {
				return store.Map(err)
			}
			kept := d.Files[:0]
			for _, old := range d.Files {
				if old.Field != f.Field {
					kept = append(kept, old)
				}
			}
			d.Files = append(kept, DraftFile{Field: f.Field, Name: f.Name, Hash: hash, Size: int64(len(f.Data)), ContentType: ct})
		}
		fields, _ := json.Marshal(d.Fields)
		files, _ := json.Marshal(d.Files)
		now := time.Now().UTC()
		d.UpdatedAt, d.ExpiresAt = now, now.Add(DraftLifetime)
		res, err := tx.ExecContext(ctx, `UPDATE drafts SET fields = $1, files = $2, updated_at = $3, expires_at = $4 WHERE id = $5 AND user_id = $6`,
			string(fields), string(files), now.UnixMicro(), d.ExpiresAt.UnixMicro(), d.ID, u.ID)
		if err != nil {
			return store.Map(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return store.ErrNotFound
		}
		return nil
	})
}

// DeleteDraft removes a draft.
func (cs *Cases) DeleteDraft(ctx context.Context, u *identity.User, id int64) error {
	_, err := cs.db.Write().ExecContext(ctx, `DELETE FROM drafts WHERE id = $1 AND user_id = $2`, id, u.ID)
	return store.Map(err)
}

// FileDraft files a finished draft: the same validation and transaction as any
// filing, and the draft is removed in that transaction.
func (cs *Cases) FileDraft(ctx context.Context, u *identity.User, id int64, then func(tx *store.Tx, c *Case) error) (*Case, error) {
	d, err := cs.Draft(ctx, u, id)
	if err != nil {
		return nil, err
	}
	f := Filing{Service: d.Service, Applicant: u, Fields: map[string]any{}}
	for k, v := range d.Fields {
		if v != "" {
			f.Fields[k] = v
		}
	}
	for _, df := range d.Files {
		var data []byte
		if err := cs.db.Read().QueryRowContext(ctx, `SELECT data FROM blobs WHERE hash = $1`, df.Hash).Scan(&data); err != nil {
			return nil, fmt.Errorf("draft file %s: %w", df.Name, store.Map(err))
		}
		f.Files = append(f.Files, File{Field: df.Field, Name: df.Name, Data: data})
	}
	f.Then = func(tx *store.Tx, c *Case) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM drafts WHERE id = $1 AND user_id = $2`, id, u.ID); err != nil {
			return store.Map(err)
		}
		if then != nil {
			return then(tx, c)
		}
		return nil
	}
	return cs.File(ctx, f)
}
