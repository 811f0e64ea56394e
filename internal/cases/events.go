package cases

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
)

// Event is one step of a case's timeline.
type Event struct {
	ID         int64
	At         time.Time
	ActorID    int64
	ActorRole  string
	Kind       string // filed, assigned, info_requested, info_answered, extended, decided, closed, withdrawn
	StatusFrom Status
	StatusTo   Status
	Reason     string
	Data       map[string]any
}

func nowMicro() int64 { return time.Now().UTC().UnixMicro() }

func addEvent(ctx context.Context, tx *store.Tx, caseID int64, actor *identity.User, kind string, from, to Status, reason string, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return err
	}
	var actorID int64
	role := "system"
	if actor != nil {
		actorID, role = actor.ID, string(actor.Role)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO case_events (case_id, at, actor_id, actor_role, kind, status_from, status_to, reason, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, caseID, nowMicro(), store.NullID(actorID), role, kind, string(from), string(to), reason, string(raw))
	return store.Map(err)
}

// Timeline returns the events of a case, oldest first.
func Timeline(ctx context.Context, q store.Querier, caseID int64) ([]Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, at, actor_id, actor_role, kind, status_from, status_to, reason, data
		FROM case_events WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at int64
		var actor sql.NullInt64
		var from, to, data string
		if err := rows.Scan(&e.ID, &at, &actor, &e.ActorRole, &e.Kind, &from, &to, &e.Reason, &data); err != nil {
			return nil, err
		}
		e.At, e.ActorID, e.StatusFrom, e.StatusTo = time.UnixMicro(at).UTC(), actor.Int64, Status(from), Status(to)
		json.Unmarshal([]byte(data), &e.Data)
		out = append(out, e)
	}
	return out, rows.Err()
}

// FileInfo describes a file attached to a case.
type FileInfo struct {
	ID          int64
	Field       string
	Name        string
	Hash        string
	Size        int64
	ContentType string
	UploadedAt  time.Time
}

// Files returns the files attached to a case.
func Files(ctx context.Context, q store.Querier, caseID int64) ([]FileInfo, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, field, name, blob_hash, size, content_type, uploaded_at FROM case_files WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FileInfo
	for rows.Next() {
		var f FileInfo
		var at int64
		if err := rows.Scan(&f.ID, &f.Field, &f.Name, &f.Hash, &f.Size, &f.ContentType, &at); err != nil {
			return nil, err
		}
		f.UploadedAt = time.UnixMicro(at).UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}
