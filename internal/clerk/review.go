package clerk

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/store"
)

// ErrAlreadyReviewed means the step has been reviewed before.
var ErrAlreadyReviewed = errors.New("this automated step has already been reviewed")

// Review records a person's review of an automated step. With reverse, an automated
// decision is undone: the case goes back to processing (cases.Reopen) and the
// documents issued for it are revoked. Both the review and the reversal are recorded
// and audited. The reviewer must see the case (staff of its department).
func (w *Worker) Review(ctx context.Context, u *identity.User, caseID, stepID int64, reverse bool, note string) error {
	note = strings.TrimSpace(note)
	if note == "" {
		return cases.ErrReasonRequired
	}
	c, err := w.cases.Get(ctx, u, caseID) // scoped: the wrong staff get ErrNotFound
	if err != nil {
		return err
	}
	var outcome string
	var reviewed int64
	err = w.db.Read().QueryRowContext(ctx, `SELECT outcome, reviewed_at FROM clerk_steps WHERE id = $1 AND case_id = $2`, stepID, c.ID).Scan(&outcome, &reviewed)
	if err != nil {
		return store.Map(err)
	}
	if reviewed != 0 {
		return ErrAlreadyReviewed
	}
	if reverse && c.Status == cases.Decided {
		if _, err := w.cases.Reopen(ctx, u, c.ID, note); err != nil {
			return err
		}
	}
	return w.db.Tx(ctx, func(tx *store.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE clerk_steps SET reviewed_by = $1, reviewed_at = $2, review_note = $3 WHERE id = $4 AND reviewed_at = 0`,
			u.ID, time.Now().UnixMicro(), note, stepID)
		if err != nil {
			return store.Map(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrAlreadyReviewed
		}
		action := "clerk.review.confirm"
		if reverse {
			action = "clerk.review.reverse"
			if err := documents.RevokeForCase(ctx, tx, c.ID, note); err != nil {
				return err
			}
			if err := releaseHolds(ctx, tx, c.ID); err != nil {
				return err
			}
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: action, Entity: "clerk_step",
			EntityID: strconv.FormatInt(stepID, 10), CaseID: c.ID, Detail: note})
	})
}

// releaseHolds gives back what a reversed automatic decision took for the case: a
// booked meeting slot, a parking place. Cases that took nothing are left alone.
func releaseHolds(ctx context.Context, tx *store.Tx, caseID int64) error {
	if _, err := sources.CancelBooking(ctx, tx, caseID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return sources.CancelSubscription(ctx, tx, caseID)
}
