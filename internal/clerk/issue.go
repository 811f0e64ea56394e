package clerk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/notify"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/store"
)

// Issuer turns an automatic decision into a signed PDF carrying the reply's
// registry number and a verification link.
type Issuer struct {
	Signer      *documents.Signer
	BaseURL     string // public address for the verification link; empty: http://127.0.0.1:8080
	Institution string
}

// issue makes, signs and stores the answer document of a decided case. It is
// idempotent: a case that already has a document gets no second one.
func (w *Worker) issue(ctx context.Context, c *cases.Case, paragraphs []string, table [][]string) error {
	if w.Issuer == nil {
		return nil
	}
	existing, err := documents.ForCase(ctx, w.db.Read(), c.ID)
	if err != nil || len(existing) > 0 {
		return err
	}
	entries, err := registry.ForCase(ctx, w.db.Read(), c.ID)
	if err != nil {
		return err
	}
	var reply registry.Entry
	for _, e := range entries {
		if e.Direction == registry.Outgoing && e.CancelledAt.IsZero() {
			reply = e
		}
	}
	if reply.ID == 0 {
		return fmt.Errorf("case %d has no registered reply", c.ID)
	}
	svc, _ := w.catalog.Service(c.Service)
	dept := c.Department
	if d, ok := w.catalog.Department(c.Department); ok {
		dept = d.Name.RO
	}
	base := strings.TrimRight(w.Issuer.BaseURL, "/")
	if base == "" {
		base = "http://127.0.0.1:8080"
	}
	code := documents.NewCode()
	title := c.Service
	if svc != nil {
		title = svc.Name.RO
	}
	pdf, err := documents.Render(documents.Letter{Institution: w.Issuer.Institution, Department: dept, Title: title,
		Number: reply.Number, InReplyTo: c.Number, Date: reply.RegisteredAt, Recipient: c.ApplicantName,
		Paragraphs: paragraphs, Table: table, Signer: "Funcționarul virtual al primăriei", SignerRole: "Emis automat",
		VerifyURL: base + "/verify/" + code})
	if err != nil {
		return err
	}
	signed, err := w.Issuer.Signer.Sign(pdf, "Răspuns la cererea "+c.Number, w.Issuer.Institution, time.Now())
	if err != nil {
		return err
	}
	d := &documents.Issued{CaseID: c.ID, EntryID: reply.ID, Number: reply.Number, Code: code, Kind: title,
		Holder: c.ApplicantName, Department: c.Department}
	return w.db.Tx(ctx, func(tx *store.Tx) error {
		if err := documents.Save(ctx, tx, d, signed); err != nil {
			return err
		}
		return notify.Enqueue(ctx, tx, notify.Message{UserID: c.ApplicantID, Email: c.Fields["email"], CaseID: c.ID, Kind: "document.issued",
			Params: map[string]any{"number": reply.Number, "service": c.Service, "service_name": title, "link": base + "/verify/" + code}})
	})
}
