package store

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// stmtCache keeps the writer's prepared statements by SQL text, so SQLite parses each
// statement of a hot path once instead of in every transaction (PostgreSQL's driver
// already caches them per connection). It holds at most maxStmts statements; SQL built
// from variable text is simply not cached once full.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

const maxStmts = 256

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

func (tx *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	db := tx.db
	if db.dialect != SQLite {
		return nil
	}
	db.stmts.mu.Lock()
	st, ok := db.stmts.m[query]
	if !ok && len(db.stmts.m) < maxStmts {
		// Prepared on the pool, not the transaction: a statement prepared through a
		// transaction is closed at its commit. Tx.StmtContext then prepares it once
		// on each writer connection and reuses it.
		// The other connection may be held by a write waiting for the lock this
		// transaction holds (an autocommit statement on Write()): wait for it only
		// briefly, then run this one statement unprepared rather than deadlock until
		// the busy timeout.
		pctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		var err error
		st, err = db.write.PrepareContext(pctx, query)
		cancel()
		if err == nil {
			if db.stmts.m == nil {
				db.stmts.m = map[string]*sql.Stmt{}
			}
			db.stmts.m[query] = st
		}
	}
	db.stmts.mu.Unlock()
	if st == nil {
		return nil
	}
	return tx.Tx.StmtContext(ctx, st)
}

// readPool answers queries on SQLite's reader pool through statements prepared once
// per SQL text (database/sql prepares each on a connection the first time it runs there).
type readPool struct {
	db    *sql.DB
	stmts stmtCache
}

func (p *readPool) prepared(ctx context.Context, query string) *sql.Stmt {
	p.stmts.mu.Lock()
	defer p.stmts.mu.Unlock()
	if st, ok := p.stmts.m[query]; ok {
		return st
	}
	if len(p.stmts.m) >= maxStmts {
		return nil
	}
	st, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the query itself will report the error
	}
	if p.stmts.m == nil {
		p.stmts.m = map[string]*sql.Stmt{}
	}
	p.stmts.m[query] = st
	return st
}

func (p *readPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := p.prepared(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return p.db.ExecContext(ctx, query, args...)
}

func (p *readPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

func (p *readPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}
