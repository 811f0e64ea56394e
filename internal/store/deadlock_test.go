package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

// A statement outside any transaction (Write()) that waits for the lock a group
// transaction holds must not stop that transaction from preparing a statement it
// has not seen before: on SQLite both used the writer's second connection, and they
// waited for each other until the busy timeout failed one of them.
func TestTransactionDoesNotWaitForAWriteWaitingForIt(t *testing.T) {
	db := testenv.Open(t, testenv.SQLite)
	ctx := context.Background()
	if _, err := db.Write().ExecContext(ctx, `CREATE TABLE waiting (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	inTx, release := make(chan struct{}), make(chan struct{})
	txErr := make(chan error, 1)
	go func() {
		txErr <- db.Tx(ctx, func(tx *store.Tx) error {
			close(inTx)
			<-release // by now the statement below waits for this transaction's lock
			_, err := tx.ExecContext(ctx, `INSERT INTO waiting (x) VALUES (1) -- first time seen`)
			return err
		})
	}()
	<-inTx
	go func() {
		time.Sleep(200 * time.Millisecond) // let the outside write take the connection and wait
		close(release)
	}()
	if _, err := db.Write().ExecContext(ctx, `INSERT INTO waiting (x) VALUES (2)`); err != nil {
		t.Fatalf("the outside write: %v", err)
	}
	if err := <-txErr; err != nil {
		t.Fatalf("the transaction: %v", err)
	}
	var n int
	db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM waiting`).Scan(&n)
	if n != 2 {
		t.Fatalf("%d rows, want 2", n)
	}
}
