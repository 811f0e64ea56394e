// Package store opens Cetate's database (SQLite by default, PostgreSQL on request),
// runs the migrations and runs functions in transactions. It is the only package that
// knows which database it talks to; the few differences live in dialect.go.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver (pure Go)
)

// DB is an open Cetate database. Writes go through Tx; reads may use Read.
// It is safe for concurrent use.
type DB struct {
	dialect Dialect
	write   *sql.DB // SQLite: one connection, so writers queue in Go instead of spinning on SQLITE_BUSY
	read    *sql.DB // SQLite: a pool of readers (WAL lets them run beside the writer)
	url     string

	// Transactions queue for the writer, which runs those waiting together in one
	// database transaction (group commit, see writer.go).
	queue   chan *txRequest
	stopped chan struct{}
	stmts   stmtCache
	reader  Querier // read, through prepared statements on SQLite

	stopCheckpoints, checkpointsDone chan struct{}
}

// Querier is what both *sql.DB and *sql.Tx offer; store functions take it so they
// run inside or outside a transaction alike.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Open opens the database named by url, or the embedded SQLite database in dataDir
// when url is empty. Accepted urls: postgres://… or postgresql://… for PostgreSQL;
// sqlite:PATH or file:PATH for a SQLite file. It does not migrate: call Migrate.
func Open(ctx context.Context, url, dataDir string) (*DB, error) {
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return openPostgres(ctx, url)
	case url == "":
		if dataDir == "" {
			dataDir = "data"
		}
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
		return openSQLite(ctx, filepath.Join(dataDir, "cetate.db"))
	case strings.HasPrefix(url, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(strings.TrimPrefix(url, "sqlite:"), "//"))
	case strings.HasPrefix(url, "file:"):
		return openSQLite(ctx, strings.TrimPrefix(url, "file:"))
	}
	return nil, fmt.Errorf("unsupported database url %q (use postgres://… or sqlite:PATH)", redact(url))
}

// SQLite tuned once, as PocketBase does: WAL so readers never block the writer,
// synchronous NORMAL (a commit survives a process crash; only an OS crash can lose the
// last transactions), foreign keys on, and a busy timeout for other processes such as
// the CLI writing while the server runs.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)"

func openSQLite(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create data folder: %w", err)
		}
	}
	// BEGIN IMMEDIATE takes the write lock at the start of a transaction, so a
	// transaction never fails half-way on a lock upgrade.
	// wal_autocheckpoint(0): the writer never stops to copy the WAL back into the
	// database file and fsync it; checkpointLoop does that beside it (writer.go).
	w, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas+"&_txlock=immediate&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		return nil, err
	}
	// Transactions run one at a time on the writer goroutine (writer.go); the second
	// connection prepares statements for the cache while the first is in a transaction.
	w.SetMaxOpenConns(2)
	w.SetMaxIdleConns(2)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	db := &DB{dialect: SQLite, write: w, read: r, url: "sqlite:" + path}
	if err := db.ping(ctx); err != nil {
		db.write.Close()
		db.read.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.reader = &readPool{db: r}
	db.startWriter()
	return db, nil
}

func openPostgres(ctx context.Context, url string) (*DB, error) {
	p, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	p.SetMaxOpenConns(24)
	p.SetMaxIdleConns(24)
	p.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{dialect: Postgres, write: p, read: p, reader: p, url: url}
	if err := db.ping(ctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("open %s: %w", redact(url), err)
	}
	db.startWriter()
	return db, nil
}

func (db *DB) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.write.PingContext(ctx); err != nil {
		return err
	}
	return db.read.PingContext(ctx)
}

// Ping reports whether the database answers; /readyz uses it.
func (db *DB) Ping(ctx context.Context) error { return db.ping(ctx) }

// Close closes every connection.
func (db *DB) Close() error {
	db.stopWriter()
	if p, ok := db.reader.(*readPool); ok {
		p.stmts.close()
	}
	db.stmts.close()
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Dialect tells which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Read returns the pool for queries outside a transaction.
func (db *DB) Read() Querier { return db.reader }

// Write returns the writer pool, for the rare statement that needs no transaction.
func (db *DB) Write() Querier { return db.write }

// Tx is a transaction with hooks that run after a successful commit (notifications,
// metrics): what happens after commit never happens for work that was rolled back.
type Tx struct {
	*sql.Tx
	db     *DB
	after  []func()
	values map[any]any
}

// Value returns what SetValue stored under key in this transaction. Values are
// forgotten when a grouped function rolls back to its savepoint, so a domain may
// keep there what it read under a row lock (the audit chain's head) and trust it.
func (tx *Tx) Value(key any) any { return tx.values[key] }

// SetValue stores v under key for the rest of the transaction.
func (tx *Tx) SetValue(key, v any) {
	if tx.values == nil {
		tx.values = map[any]any{}
	}
	tx.values[key] = v
}

// AfterCommit registers f to run once the transaction has committed.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// Dialect tells which database the transaction runs on.
func (tx *Tx) Dialect() Dialect { return tx.db.dialect }

// ExecContext runs a statement in the transaction (prepared once per SQL text on SQLite).
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := tx.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.Tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := tx.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query returning at most one row in the transaction.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := tx.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.Tx.QueryRowContext(ctx, query, args...)
}

// Tx runs fn in a transaction and commits if fn returns nil. A commit that returned
// nil is durable (see sqlitePragmas for the one caveat on SQLite). fn may share its
// database transaction with others waiting at the same moment, each inside its own
// savepoint: its changes commit or roll back exactly as if alone.
func (db *DB) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	if db.queue != nil {
		return db.groupTx(ctx, fn)
	}
	for attempt := 1; ; attempt++ {
		err := db.runTx(ctx, fn)
		if attempt < maxAttempts && Retryable(err) {
			continue
		}
		return err
	}
}

func (db *DB) runTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return Map(err)
	}
	tx := &Tx{Tx: sqlTx, db: db}
	if err := runFn(fn, tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return Map(err)
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// redact hides the password of a database url in messages.
func redact(url string) string {
	at := strings.LastIndex(url, "@")
	scheme := strings.Index(url, "://")
	if at < 0 || scheme < 0 || at < scheme {
		return url
	}
	userinfo := url[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		return url[:scheme+3] + userinfo[:i] + ":***" + url[at:]
	}
	return url
}
