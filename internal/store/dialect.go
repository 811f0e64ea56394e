package store

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names a supported database. SQL is written once, with $1 placeholders that
// both drivers accept; the differences that remain are the helpers in this file.
type Dialect int

const (
	// SQLite is the embedded default.
	SQLite Dialect = iota
	// Postgres is PostgreSQL, for production and several replicas.
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// ForUpdate is the row-lock suffix of a SELECT: PostgreSQL needs it; SQLite has one
// writer at a time, taken by BEGIN IMMEDIATE, so it needs nothing.
func (d Dialect) ForUpdate() string {
	if d == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// ErrNotFound means the row does not exist or the caller may not see it: store
// functions scope their queries by who asks, so both look the same.
var ErrNotFound = errors.New("not found")

// ErrConflict means a unique constraint refused the write.
var ErrConflict = errors.New("conflict")

// Map turns driver errors into the package's sentinels, and leaves others alone.
func Map(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return errors.Join(ErrConflict, err)
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return errors.Join(ErrConflict, err)
		}
	}
	if strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return errors.Join(ErrConflict, err)
	}
	return err
}

// NullID stores an optional reference: 0 means none, written as NULL so that
// foreign keys and COALESCE treat it as absent.
func NullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// ForUpdateSkipLocked is the suffix that lets several replicas claim different rows
// of a queue at once on PostgreSQL; SQLite has one writer and needs nothing.
func (d Dialect) ForUpdateSkipLocked() string {
	if d == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}
