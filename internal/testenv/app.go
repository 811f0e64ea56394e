package testenv

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/config"
	"github.com/cetate/cetate/internal/identity"
)

// App returns a whole Cetate (Cluj-Napoca numbering) on a fresh database of kind k.
func App(t testing.TB, k Kind) *app.App {
	t.Helper()
	cfg := config.Config{DatabaseURL: URL(t, k), DataDir: sharedKeyDir(t), Institution: "cluj-napoca", MaxUploadMB: 25,
		SigningPassword: "cetate-test"}
	a, err := app.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open app on %s: %v", k, err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// EachApp runs fn on a fresh App on SQLite and on PostgreSQL.
func EachApp(t *testing.T, fn func(t *testing.T, a *app.App)) {
	t.Helper()
	for _, k := range []Kind{SQLite, Postgres} {
		t.Run(string(k), func(t *testing.T) { fn(t, App(t, k)) })
	}
}

var userSeq atomic.Int64

// User creates an account with a unique e-mail. department matters for staff only.
func User(t testing.TB, a *app.App, role identity.Role, department string) *identity.User {
	t.Helper()
	n := userSeq.Add(1)
	u, err := identity.CreateUser(context.Background(), a.DB, identity.NewUser{
		Email: fmt.Sprintf("%s%d@example.ro", role, n), Password: "Parola-Lunga-2026!", Role: role,
		Department: department, Name: fmt.Sprintf("Test %s %d", role, n), EmailVerified: true}, 0)
	if err != nil {
		t.Fatalf("create %s: %v", role, err)
	}
	return u
}

// Token returns a bearer token for u.
func Token(t testing.TB, a *app.App, u *identity.User) string {
	t.Helper()
	tok, err := identity.CreateToken(context.Background(), a.DB, u.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

var (
	keyDirOnce sync.Once
	keyDir     string
)

// sharedKeyDir is a data folder whose development signing key is made once per test
// binary (RSA key generation is slow) and removed at exit by the OS temp cleaner.
func sharedKeyDir(t testing.TB) string {
	keyDirOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cetate-keys-")
		if err != nil {
			t.Fatal(err)
		}
		keyDir = dir
	})
	return keyDir
}
