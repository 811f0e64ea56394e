package cases

import (
	"context"
	"strconv"
	"time"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
)

// OpenFile returns a file attached to a case u may see, with its content, or
// store.ErrNotFound. A staff member's read is written to the audit log with the
// service's legal basis, as a view of the case is.
func (cs *Cases) OpenFile(ctx context.Context, u *identity.User, caseID, fileID int64) (FileInfo, []byte, error) {
	c, err := cs.get(ctx, cs.db.Read(), u, caseID, "")
	if err != nil {
		return FileInfo{}, nil, err
	}
	var f FileInfo
	var at int64
	var data []byte
	err = cs.db.Read().QueryRowContext(ctx, `SELECT f.id, f.field, f.name, f.blob_hash, f.size, f.content_type, f.uploaded_at, b.data
		FROM case_files f JOIN blobs b ON b.hash = f.blob_hash WHERE f.id = $1 AND f.case_id = $2`, fileID, c.ID).
		Scan(&f.ID, &f.Field, &f.Name, &f.Hash, &f.Size, &f.ContentType, &at, &data)
	if err != nil {
		return FileInfo{}, nil, store.Map(err)
	}
	f.UploadedAt = time.UnixMicro(at).UTC()
	if u.IsStaff() {
		basis := ""
		if svc, ok := cs.catalog.Service(c.Service); ok {
			basis = svc.LegalBasis
		}
		if err := audit.Log(ctx, cs.db, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "case.file.view",
			Entity: "case_file", EntityID: strconv.FormatInt(f.ID, 10), CaseID: c.ID, LegalBasis: basis, Detail: f.Name}); err != nil {
			return FileInfo{}, nil, err
		}
	}
	return f, data, nil
}
