// Package notify tells citizens and staff what happened. Messages go into an outbox
// in the same transaction as the change they announce, so a message is sent if and
// only if the change committed; delivery (e-mail, in-app) reads the outbox later and
// renders the text in the recipient's language.
package notify

import (
	"context"
	"encoding/json"
	"time"

	"github.com/cetate/cetate/internal/store"
)

// Message is one notification waiting in the outbox. Kind names the template
// (e.g. "case.extended"); Params fill it.
type Message struct {
	UserID int64
	Email  string
	CaseID int64
	Kind   string
	Params map[string]any
}

// Enqueue puts m in the outbox inside tx.
func Enqueue(ctx context.Context, tx *store.Tx, m Message) error {
	params, err := json.Marshal(m.Params)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO outbox (user_id, email, case_id, kind, params, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		store.NullID(m.UserID), m.Email, store.NullID(m.CaseID), m.Kind, string(params), time.Now().UnixMicro())
	return store.Map(err)
}

// Pending is a message with its outbox id.
type Pending struct {
	ID int64
	Message
	CreatedAt time.Time
}

// ForCase returns the messages about a case, oldest first.
func ForCase(ctx context.Context, q store.Querier, caseID int64) ([]Pending, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, COALESCE(user_id, 0), email, kind, params, created_at FROM outbox WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Pending
	for rows.Next() {
		var p Pending
		var params string
		var at int64
		if err := rows.Scan(&p.ID, &p.UserID, &p.Email, &p.Kind, &params, &at); err != nil {
			return nil, err
		}
		p.CaseID, p.CreatedAt = caseID, time.UnixMicro(at).UTC()
		json.Unmarshal([]byte(params), &p.Params)
		out = append(out, p)
	}
	return out, rows.Err()
}
