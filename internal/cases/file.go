package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/catalog"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
)

// File is one uploaded file of a filing.
type File struct {
	Field string
	Name  string
	Data  []byte
}

// Filing is a request as submitted: by a citizen online, or by a clerk who registers
// paper received at the counter on the applicant's behalf.
type Filing struct {
	Service   string
	Fields    map[string]any
	Files     []File
	Applicant *identity.User // the citizen filing; nil when a clerk registers paper mail
	Clerk     *identity.User // the clerk registering it, if any
	Channel   string         // online, counter, post, email
	// Then, if set, runs inside the filing's transaction after the case is stored
	// (the portal removes the draft and queues the confirmation e-mail there).
	Then func(tx *store.Tx, c *Case) error
}

// File validates a filing and, if it is valid, stores the case, its registry entry
// (numbered in the same transaction), its files and the first timeline event. It
// returns *InvalidInput with every field error, having stored nothing, otherwise.
func (cs *Cases) File(ctx context.Context, f Filing) (*Case, error) {
	svc, ok := cs.catalog.Service(f.Service)
	if !ok {
		return nil, ErrUnknownService
	}
	if !svc.Enabled {
		return nil, ErrServiceDisabled
	}
	uploads := make([]catalog.Upload, len(f.Files))
	for i, file := range f.Files {
		uploads[i] = catalog.Upload{Field: file.Field, Name: file.Name, Size: int64(len(file.Data)), ContentType: catalog.SniffContentType(file.Data)}
	}
	values, errs := svc.ValidateInput(f.Fields, uploads)
	if len(errs) > 0 {
		return nil, &InvalidInput{Errors: errs}
	}
	dept, _ := cs.catalog.Department(svc.Department)
	compartment := ""
	if dept != nil {
		compartment = dept.Compartment
	}
	fieldsJSON, err := json.Marshal(values)
	if err != nil {
		return nil, err
	}
	var actor *identity.User
	channel := f.Channel
	switch {
	case f.Clerk != nil:
		actor = f.Clerk
		if channel == "" {
			channel = "counter"
		}
	case f.Applicant != nil:
		actor = f.Applicant
		channel = "online"
	default:
		return nil, ErrNotAllowed
	}
	applicantName := values["name"]
	if applicantName == "" && f.Applicant != nil {
		applicantName = f.Applicant.Name
	}
	var applicantID int64
	if f.Applicant != nil {
		applicantID = f.Applicant.ID
	}

	now := cs.now().UTC()
	c := &Case{Service: svc.Code, Department: svc.Department, ApplicantID: applicantID, ApplicantName: applicantName,
		Status: Registered, RegisteredOn: calendar.Civil(now), Term: svc.LegalTerm, Fields: values}
	c.LegalDeadline = cs.deadline(c)

	err = cs.db.Tx(ctx, func(tx *store.Tx) error {
		res, err := cs.registry.Reserve(ctx, tx, svc.Register, compartment, now)
		if err != nil {
			return err
		}
		c.Number, c.RegisteredAt, c.UpdatedAt = res.Number, res.At, res.At
		err = tx.QueryRowContext(ctx, `INSERT INTO cases (service, department, applicant_id, applicant_name, status, number,
			registered_at, registered_on, legal_deadline, term_days, term_working, fields, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
			c.Service, c.Department, store.NullID(c.ApplicantID), c.ApplicantName, string(c.Status), c.Number,
			res.At.UnixMicro(), calendar.FormatDate(c.RegisteredOn), calendar.FormatDate(c.LegalDeadline),
			c.Term.Days, boolInt(c.Term.Working), string(fieldsJSON), res.At.UnixMicro()).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("insert case: %w", store.Map(err))
		}
		if _, err := cs.registry.Insert(ctx, tx, res, registry.NewEntry{Direction: registry.Incoming, Department: c.Department,
			Subject: svc.Name.RO, Correspondent: applicantName, Channel: channel, CaseID: c.ID,
			CreatedBy: actor.ID, CreatedByRole: string(actor.Role)}); err != nil {
			return err
		}
		for i, file := range f.Files {
			if err := storeFile(ctx, tx, c.ID, file, uploads[i].ContentType, actor.ID); err != nil {
				return err
			}
		}
		if err := addEvent(ctx, tx, c.ID, actor, "filed", "", Registered, "", map[string]any{"channel": channel}); err != nil {
			return err
		}
		for _, hook := range cs.onFiled {
			if err := hook(ctx, tx, c); err != nil {
				return err
			}
		}
		if f.Then != nil {
			return f.Then(tx, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// storeFile keeps a file once by its content hash and links it to the case.
func storeFile(ctx context.Context, tx *store.Tx, caseID int64, f File, contentType string, by int64) error {
	sum := sha256.Sum256(f.Data)
	hash := hex.EncodeToString(sum[:])
	now := nowMicro()
	if _, err := tx.ExecContext(ctx, `INSERT INTO blobs (hash, size, content_type, data, created_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (hash) DO NOTHING`, hash, len(f.Data), contentType, f.Data, now); err != nil {
		return fmt.Errorf("store file: %w", store.Map(err))
	}
	name := strings.TrimSpace(f.Name)
	if name == "" {
		name = f.Field
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO case_files (case_id, field, name, blob_hash, size, content_type, uploaded_at, uploaded_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, caseID, f.Field, name, hash, len(f.Data), contentType, now, store.NullID(by))
	return store.Map(err)
}

func sniff(data []byte) string { return catalog.SniffContentType(data) }
