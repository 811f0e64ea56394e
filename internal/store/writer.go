package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Group commit. SQLite has one writer at a time, and most of a small transaction's
// cost is its commit (writing the pages to the WAL). On PostgreSQL every filing
// locks its register's counter row (gapless numbers) and the audit chain's head until
// it commits, so filings follow one another at the pace of one commit's fsync. So the writer
// takes every transaction waiting when it becomes free, runs each inside a savepoint
// of one database transaction, and commits them together: each function's changes
// are kept or undone exactly as if it ran alone (ROLLBACK TO its
// savepoint), and no caller hears "committed" before the commit. Registry numbers
// stay gapless: a function rolled back to its savepoint gives its number back.
// database/sql and the driver offer nothing like it, hence this file.

// maxGroup bounds how many transactions share one commit, and so how long the
// first of them waits. It also bounds the savepoints open in one transaction
// (PostgreSQL keeps up to 64 subtransactions per backend in memory).
const maxGroup = 32

// savepoints are the names used in a group, one per member.
var savepoints = func() []string {
	out := make([]string, maxGroup)
	for i := range out {
		out[i] = fmt.Sprintf("g%d", i)
	}
	return out
}()

type txRequest struct {
	ctx   context.Context
	fn    func(*Tx) error
	done  chan error
	after []func()
}

var errClosed = errors.New("store: database closed")

func (db *DB) startWriter() {
	db.queue = make(chan *txRequest, maxGroup)
	db.stopped = make(chan struct{})
	go db.writeLoop()
	if db.dialect == SQLite {
		db.stopCheckpoints = make(chan struct{})
		db.checkpointsDone = make(chan struct{})
		go db.checkpointLoop()
	}
}

func (db *DB) stopWriter() {
	if db.queue == nil {
		return
	}
	close(db.queue)
	<-db.stopped
	if db.stopCheckpoints != nil {
		close(db.stopCheckpoints)
		<-db.checkpointsDone
		// Leave a small WAL behind: fold it into the database file now.
		db.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
}

// checkpointLoop copies the WAL back into the database file every half second, on
// the writer's second connection, so that commits never wait for it. PASSIVE never
// blocks the writer or the readers; it does what it can and the next round does the
// rest. While the WAL keeps growing past walLimit it waits for readers (RESTART),
// so it cannot grow without bound.
func (db *DB) checkpointLoop() {
	defer close(db.checkpointsDone)
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-db.stopCheckpoints:
			return
		case <-tick.C:
		}
		var busy, logPages, done int
		if err := db.write.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logPages, &done); err != nil {
			continue
		}
		if logPages > walLimit {
			db.write.Exec("PRAGMA wal_checkpoint(RESTART)")
		}
	}
}

// walLimit is the WAL size, in pages, past which checkpoints wait for readers.
const walLimit = 16 * 1024

var requestPool = sync.Pool{New: func() any { return &txRequest{done: make(chan error, 1)} }}

func (db *DB) groupTx(ctx context.Context, fn func(*Tx) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	req := requestPool.Get().(*txRequest)
	req.ctx, req.fn, req.after = ctx, fn, nil
	defer func() {
		if recover() != nil { // send on a closed queue: the database was closed
			err = errClosed
		}
	}()
	db.queue <- req
	err = <-req.done
	after := req.after
	req.ctx, req.fn, req.after = nil, nil, nil
	requestPool.Put(req)
	if err == nil {
		for _, f := range after {
			f()
		}
	}
	return err
}

func (db *DB) writeLoop() {
	defer close(db.stopped)
	batch := make([]*txRequest, 0, maxGroup)
	for first := range db.queue {
		batch = append(batch[:0], first)
	fill:
		for len(batch) < maxGroup {
			select {
			case r, ok := <-db.queue:
				if !ok {
					break fill
				}
				batch = append(batch, r)
			default:
				break fill
			}
		}
		db.runGroup(batch)
	}
}

// runGroup runs a batch in one transaction and answers every request.
func (db *DB) runGroup(batch []*txRequest) {
	results := make([]error, len(batch))
	ctx := context.Background()
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		for _, r := range batch {
			r.done <- Map(err)
		}
		return
	}
	tx := &Tx{Tx: sqlTx, db: db}
	committed := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		// One savepoint per function; a function that fails rolls back to its own.
		// On PostgreSQL they are never released (they end with the commit), which
		// saves a round trip per function.
		sp := savepoints[i]
		if _, err := tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
			db.abortGroup(sqlTx, batch, err)
			return
		}
		tx.after = nil
		if err := runFn(r.fn, tx); err != nil {
			if Retryable(err) {
				// Members of a group take their locks in no set order, so with another
				// replica writing PostgreSQL may pick the group as a deadlock victim.
				// Run each member again on its own, where the order is the member's.
				_ = sqlTx.Rollback()
				db.runAlone(batch)
				return
			}
			results[i] = err
			tx.values = nil // may describe rows the rollback undoes
			if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO "+sp); rerr != nil {
				db.abortGroup(sqlTx, batch, rerr)
				return
			}
		} else {
			r.after = tx.after
			committed++
		}
		if db.dialect == SQLite {
			// SQLite journals every page changed after an open savepoint, once per
			// savepoint: releasing each keeps the stack one deep. (On PostgreSQL
			// releasing costs a round trip, and open subtransactions cost nothing.)
			if _, err := tx.ExecContext(ctx, "RELEASE "+sp); err != nil {
				db.abortGroup(sqlTx, batch, err)
				return
			}
		}
	}
	if committed == 0 {
		err = sqlTx.Rollback()
	} else {
		err = sqlTx.Commit()
	}
	for i, r := range batch {
		switch {
		case results[i] != nil:
			r.done <- results[i]
		case err != nil && committed > 0:
			r.done <- Map(err)
		default:
			r.done <- nil
		}
	}
}

// maxAttempts bounds how often a transaction function is run again after a
// deadlock or serialization failure.
const maxAttempts = 4

// Retryable reports whether err is a deadlock or serialization failure, after which
// running the same transaction again is correct.
func Retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// runFn runs one function, turning a panic into an error so one bad request cannot
// take the writer, and everyone waiting on it, down.
func runFn(fn func(*Tx) error, tx *Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("store: transaction function panicked: %v\n%s", p, debug.Stack())
		}
	}()
	return fn(tx)
}

// runAlone runs each request of a batch in its own transaction, retried on
// deadlock, and answers it.
func (db *DB) runAlone(batch []*txRequest) {
	for _, r := range batch {
		var err error
		for attempt := 1; ; attempt++ {
			if err = r.ctx.Err(); err != nil {
				break
			}
			var after []func()
			err = db.runTx(r.ctx, func(tx *Tx) error {
				err := r.fn(tx)
				after = tx.after
				tx.after = nil // the requester runs them, as in a group
				return err
			})
			if err == nil {
				r.after = after
			}
			if attempt >= maxAttempts || !Retryable(err) {
				break
			}
		}
		r.done <- err
	}
}

func (db *DB) abortGroup(sqlTx *sql.Tx, batch []*txRequest, err error) {
	_ = sqlTx.Rollback()
	for _, r := range batch {
		r.done <- Map(err)
	}
}
