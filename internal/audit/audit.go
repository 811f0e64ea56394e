// Package audit keeps the append-only, hash-chained log of every write and of every
// read of personal data by staff, automation or another institution: who, when, what,
// which case, and under which legal basis. Each row's hash covers its content and the
// previous row's hash, so changing, removing or reordering a row breaks the chain from
// that row on, and Verify names it.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/store"
)

// Entry is one thing to record. ActorID 0 means the system or an anonymous caller.
type Entry struct {
	ActorID    int64
	ActorRole  string // citizen, clerk, worker, head, admin, system, anonymous
	Action     string // e.g. request.file, case.view, case.decide
	Entity     string // e.g. case, user, registry_entry
	EntityID   string
	CaseID     int64
	LegalBasis string // why the access is lawful, e.g. "OG 27/2002 art. 8"
	Detail     string
}

// Record is a stored Entry with its place in the chain.
type Record struct {
	Entry
	Seq      int64
	At       time.Time
	PrevHash string
	Hash     string
}

// Append adds e to the chain inside tx. The head row is locked for the rest of the
// transaction (FOR UPDATE on PostgreSQL; SQLite has one writer), so appends are
// serialized and the sequence has no gaps.
func Append(ctx context.Context, tx *store.Tx, e Entry) error {
	var last int64
	var prev string
	if h, ok := tx.Value(headKey{}).(head); ok {
		// This transaction already holds the head's lock and wrote it last.
		last, prev = h.seq, h.hash
	} else {
		err := tx.QueryRowContext(ctx, `SELECT last_seq, hash FROM audit_head WHERE id = 1`+tx.Dialect().ForUpdate()).Scan(&last, &prev)
		if err != nil {
			return fmt.Errorf("audit head: %w", store.Map(err))
		}
	}
	r := Record{Entry: e, Seq: last + 1, At: time.Now().UTC().Truncate(time.Microsecond), PrevHash: prev}
	r.Hash = r.computeHash()
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log
		(seq, at, actor_id, actor_role, action, entity, entity_id, case_id, legal_basis, detail, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		r.Seq, r.At.UnixMicro(), store.NullID(e.ActorID), e.ActorRole, e.Action, e.Entity, e.EntityID, store.NullID(e.CaseID),
		e.LegalBasis, e.Detail, r.PrevHash, r.Hash); err != nil {
		return fmt.Errorf("audit insert: %w", store.Map(err))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_head SET last_seq = $1, hash = $2 WHERE id = 1`, r.Seq, r.Hash); err != nil {
		return fmt.Errorf("audit head: %w", store.Map(err))
	}
	tx.SetValue(headKey{}, head{r.Seq, r.Hash})
	return nil
}

// headKey keeps the chain's head in the transaction that locked it.
type headKey struct{}

type head struct {
	seq  int64
	hash string
}

// Log appends e in a transaction of its own; used for reads, which have none.
func Log(ctx context.Context, db *store.DB, e Entry) error {
	return db.Tx(ctx, func(tx *store.Tx) error { return Append(ctx, tx, e) })
}

func (r *Record) computeHash() string {
	h := sha256.New()
	// Unit separators keep "ab"+"c" and "a"+"bc" apart.
	fields := []string{
		r.PrevHash, strconv.FormatInt(r.Seq, 10), strconv.FormatInt(r.At.UnixMicro(), 10),
		strconv.FormatInt(r.ActorID, 10), r.ActorRole, r.Action, r.Entity, r.EntityID,
		strconv.FormatInt(r.CaseID, 10), r.LegalBasis, r.Detail,
	}
	h.Write([]byte(strings.Join(fields, "\x1f")))
	return hex.EncodeToString(h.Sum(nil))
}

// Broken names the first row where the chain does not hold.
type Broken struct {
	Seq    int64
	Reason string
}

func (b *Broken) Error() string { return fmt.Sprintf("audit row %d: %s", b.Seq, b.Reason) }

// Verify walks the whole chain and returns the number of rows checked and the first
// broken row, or nil when the chain is intact.
func Verify(ctx context.Context, db *store.DB) (int64, *Broken, error) {
	rows, err := db.Read().QueryContext(ctx, `SELECT `+columns+` FROM audit_log ORDER BY seq`)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	var want int64 = 1
	prev := ""
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return 0, nil, err
		}
		switch {
		case r.Seq != want:
			return want - 1, &Broken{Seq: want, Reason: fmt.Sprintf("missing (next row found is %d): a row was removed or renumbered", r.Seq)}, nil
		case r.PrevHash != prev:
			return want - 1, &Broken{Seq: r.Seq, Reason: "does not follow the row before it: a row was removed, inserted or reordered"}, nil
		case r.computeHash() != r.Hash:
			return want - 1, &Broken{Seq: r.Seq, Reason: "content does not match its hash: the row was changed"}, nil
		}
		prev = r.Hash
		want++
	}
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	var lastSeq int64
	var headHash string
	if err := db.Read().QueryRowContext(ctx, `SELECT last_seq, hash FROM audit_head WHERE id = 1`).Scan(&lastSeq, &headHash); err != nil {
		return 0, nil, store.Map(err)
	}
	if lastSeq != want-1 || headHash != prev {
		return want - 1, &Broken{Seq: want, Reason: fmt.Sprintf("the log ends at row %d but its head records row %d: rows at the end were removed", want-1, lastSeq)}, nil
	}
	return want - 1, nil, nil
}

// ForCase returns the records about one case, oldest first: the citizen and the
// department see who read or changed it.
func ForCase(ctx context.Context, q store.Querier, caseID int64) ([]Record, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM audit_log WHERE case_id = $1 ORDER BY seq`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const columns = `seq, at, actor_id, actor_role, action, entity, entity_id, case_id, legal_basis, detail, prev_hash, hash`

func scan(rows *sql.Rows) (Record, error) {
	var r Record
	var at int64
	var actor, caseID sql.NullInt64
	err := rows.Scan(&r.Seq, &at, &actor, &r.ActorRole, &r.Action, &r.Entity, &r.EntityID, &caseID,
		&r.LegalBasis, &r.Detail, &r.PrevHash, &r.Hash)
	r.At = time.UnixMicro(at).UTC()
	r.ActorID, r.CaseID = actor.Int64, caseID.Int64
	return r, err
}
