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

// Transactions that run at the same moment may share one commit on SQLite; each must
// still commit or roll back alone, and a panic in one must not harm the others.
func TestConcurrentTransactionsStayApart(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const n = 200
		errs := make(chan error, n)
		for i := 0; i < n; i++ {
			go func(i int) {
				errs <- db.Tx(ctx, func(tx *store.Tx) error {
					var seq int
					if err := tx.QueryRowContext(ctx, `INSERT INTO register_counters (register, year, last_seq) VALUES ('g', 2026, 1)
						ON CONFLICT (register, year) DO UPDATE SET last_seq = register_counters.last_seq + 1 RETURNING last_seq`).Scan(&seq); err != nil {
						return err
					}
					if _, err := tx.ExecContext(ctx, `INSERT INTO register_counters (register, year, last_seq) VALUES ($1, 2026, $2)`, "row", i); err != nil {
						return store.Map(err)
					}
					switch i % 10 {
					case 3:
						return errors.New("refused")
					case 7:
						panic("boom")
					}
					return nil
				})
			}(i)
		}
		failed := 0
		for i := 0; i < n; i++ {
			if err := <-errs; err != nil {
				failed++
			}
		}
		// Every transaction inserts ("row", 2026): only the first to commit can succeed;
		// all others conflict, are refused or panic, and leave nothing behind.
		var rows, last int
		db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM register_counters WHERE register = 'row'`).Scan(&rows)
		db.Read().QueryRowContext(ctx, `SELECT last_seq FROM register_counters WHERE register = 'g'`).Scan(&last)
		if rows != 1 || failed != n-1 || last != 1 {
			t.Fatalf("rows=%d failed=%d counter=%d; want 1, %d, 1", rows, failed, last, n-1)
		}
		if err := db.Tx(ctx, func(tx *store.Tx) error { return nil }); err != nil {
			t.Fatalf("the writer is unusable after a panic: %v", err)
		}
	})
}
