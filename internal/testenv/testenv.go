// Package testenv gives tests their databases and decides, alone, when a test may
// skip: outside CI a missing PostgreSQL or browser skips; under CI=true it fails.
package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/cetate/cetate/internal/store"
)

// PostgresEnv names the variable holding a PostgreSQL URL for tests.
const PostgresEnv = "CETATE_TEST_POSTGRES"

// InCI reports whether the tests run under CI=true, where nothing may skip.
func InCI() bool { return os.Getenv("CI") == "true" }

// Unavailable skips the test outside CI and fails it under CI=true: a missing
// database or browser must not turn a CI run green.
func Unavailable(t testing.TB, what string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s is required under CI=true but is not available", what)
	}
	t.Skipf("%s not available; skipped outside CI", what)
}

// Kind is one database the suites run on.
type Kind string

const (
	SQLite   Kind = "sqlite"
	Postgres Kind = "postgres"
)

// EachDB runs fn once on a fresh, migrated SQLite database and once on a fresh,
// migrated PostgreSQL schema (when CETATE_TEST_POSTGRES is set; required under CI).
func EachDB(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, k := range []Kind{SQLite, Postgres} {
		t.Run(string(k), func(t *testing.T) {
			fn(t, Open(t, k))
		})
	}
}

// Open returns a fresh, migrated database of the given kind, closed when the test ends.
func Open(t testing.TB, k Kind) *store.DB {
	t.Helper()
	u := URL(t, k)
	db, err := store.Open(context.Background(), u, "")
	if err != nil {
		t.Fatalf("open %s: %v", k, err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", k, err)
	}
	return db
}

// URL returns the URL of a fresh, empty database of kind k: a SQLite file in a
// temporary folder, or a new schema in the test PostgreSQL database (dropped at the end).
func URL(t testing.TB, k Kind) string {
	t.Helper()
	if k == SQLite {
		return "sqlite:" + t.TempDir() + "/cetate.db"
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		Unavailable(t, "PostgreSQL ("+PostgresEnv+")")
	}
	schema := "t_" + randomHex(8)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("postgres: create schema: %v", err)
	}
	t.Cleanup(func() {
		if a, err := sql.Open("pgx", base); err == nil {
			a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("postgres url: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema) // pgx sends unknown parameters as run-time settings
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
