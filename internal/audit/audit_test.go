package audit_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

func fill(t *testing.T, db *store.DB, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			errs <- audit.Log(context.Background(), db, audit.Entry{ActorID: int64(i%3 + 1), ActorRole: "worker",
				Action: "case.view", Entity: "case", EntityID: fmt.Sprint(i), CaseID: int64(i%5 + 1), LegalBasis: "OG 27/2002"})
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// The chain holds under concurrent appends, and Verify names the first row that was
// changed, removed or reordered.
func TestVerifyFindsTampering(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		fill(t, db, 40)
		n, broken, err := audit.Verify(ctx, db)
		if err != nil || broken != nil || n != 40 {
			t.Fatalf("clean chain: n=%d broken=%v err=%v", n, broken, err)
		}
		recs, err := audit.ForCase(ctx, db.Read(), 2)
		if err != nil || len(recs) != 8 {
			t.Fatalf("ForCase: %d records, err %v", len(recs), err)
		}

		// The log refuses updates and deletes; tampering needs the guard removed first.
		if _, err := db.Write().ExecContext(ctx, `UPDATE audit_log SET detail = 'x' WHERE seq = 3`); err == nil {
			t.Fatal("an UPDATE on audit_log was accepted")
		}
		dropGuards(t, db)

		tamper := []struct {
			name   string
			sql    []string
			seq    int64
			reason string
		}{
			{"changed", []string{`UPDATE audit_log SET detail = 'edited' WHERE seq = 7`}, 7, "changed"},
			{"removed", []string{`DELETE FROM audit_log WHERE seq = 12`}, 12, "removed"},
			{"reordered", []string{`UPDATE audit_log SET seq = -20 WHERE seq = 20`, `UPDATE audit_log SET seq = 20 WHERE seq = 21`, `UPDATE audit_log SET seq = 21 WHERE seq = -20`}, 20, "reordered"},
			{"tail removed", []string{`DELETE FROM audit_log WHERE seq = 40`}, 40, "removed"},
		}
		for _, tc := range tamper {
			t.Run(tc.name, func(t *testing.T) {
				snapshot(t, db, "save")
				defer snapshot(t, db, "restore")
				for _, q := range tc.sql {
					if _, err := db.Write().ExecContext(ctx, q); err != nil {
						t.Fatal(err)
					}
				}
				_, broken, err := audit.Verify(ctx, db)
				if err != nil {
					t.Fatal(err)
				}
				if broken == nil || broken.Seq != tc.seq || !strings.Contains(broken.Reason, tc.reason) {
					t.Fatalf("got %v, want row %d %s", broken, tc.seq, tc.reason)
				}
			})
		}
	})
}

func dropGuards(t *testing.T, db *store.DB) {
	stmts := []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`}
	if db.Dialect() == store.Postgres {
		stmts = []string{`DROP TRIGGER audit_log_no_change ON audit_log`}
	}
	for _, s := range stmts {
		if _, err := db.Write().ExecContext(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshot saves or restores the audit_log so that each tampering case starts clean.
func snapshot(t *testing.T, db *store.DB, op string) {
	ctx := context.Background()
	var stmts []string
	if op == "save" {
		stmts = []string{`DROP TABLE IF EXISTS audit_copy`, `CREATE TABLE audit_copy AS SELECT * FROM audit_log`}
	} else {
		stmts = []string{`DELETE FROM audit_log`, `INSERT INTO audit_log SELECT * FROM audit_copy`}
	}
	for _, s := range stmts {
		if _, err := db.Write().ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
}

// Appends that roll back (their transaction fails after appending) leave no trace
// and do not break the chain for the appends grouped with them.
func TestRolledBackAppendsLeaveTheChainIntact(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for i := 0; i < 60; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				err := db.Tx(ctx, func(tx *store.Tx) error {
					if err := audit.Append(ctx, tx, audit.Entry{ActorRole: "system", Action: "test", Entity: "x", EntityID: fmt.Sprint(i)}); err != nil {
						return err
					}
					if i%3 == 0 {
						return fmt.Errorf("refused %d", i)
					}
					return audit.Append(ctx, tx, audit.Entry{ActorRole: "system", Action: "test2", Entity: "x", EntityID: fmt.Sprint(i)})
				})
				if err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				}
			}(i)
		}
		wg.Wait()
		n, broken, err := audit.Verify(ctx, db)
		if err != nil || broken != nil || n != int64(2*ok) || ok != 40 {
			t.Fatalf("rows %d (want %d), broken %v, err %v", n, 2*ok, broken, err)
		}
	})
}
