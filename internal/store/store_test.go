package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

// Both databases must map the same failures to the same sentinels.
func TestErrorsMapAlike(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		insert := func(tx *store.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO register_counters (register, year, last_seq) VALUES ($1, $2, $3)`, "general", 2026, 1)
			return store.Map(err)
		}
		if err := db.Tx(ctx, insert); err != nil {
			t.Fatalf("first insert: %v", err)
		}
		if err := db.Tx(ctx, insert); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate insert: got %v, want ErrConflict", err)
		}
		var n int
		err := store.Map(db.Read().QueryRowContext(ctx, `SELECT last_seq FROM register_counters WHERE register = $1`, "nope").Scan(&n))
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing row: got %v, want ErrNotFound", err)
		}
	})
}

// A failed transaction leaves nothing behind, and after-commit hooks run only on commit.
func TestTxRollsBackAndHooks(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ran := 0
		boom := errors.New("boom")
		err := db.Tx(ctx, func(tx *store.Tx) error {
			tx.AfterCommit(func() { ran++ })
			if _, err := tx.ExecContext(ctx, `INSERT INTO register_counters (register, year, last_seq) VALUES ('x', 2026, 1)`); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) || ran != 0 {
			t.Fatalf("got err %v ran %d", err, ran)
		}
		var n int
		db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM register_counters`).Scan(&n)
		if n != 0 {
			t.Fatalf("rolled-back row is visible: %d", n)
		}
		if err := db.Tx(ctx, func(tx *store.Tx) error { tx.AfterCommit(func() { ran++ }); return nil }); err != nil || ran != 1 {
			t.Fatalf("commit hook: err %v ran %d", err, ran)
		}
		if v, err := db.MigrationVersion(ctx); err != nil || v < 1 {
			t.Fatalf("version %d %v", v, err)
		}
	})
}
