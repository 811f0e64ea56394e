package identity_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

func TestPasswordHash(t *testing.T) {
	h, err := identity.HashPassword("Parola-Lunga-2026!")
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q %v", h, err)
	}
	h2, _ := identity.HashPassword("Parola-Lunga-2026!")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if !identity.CheckPassword(h, "Parola-Lunga-2026!") || identity.CheckPassword(h, "parola-lunga-2026!") {
		t.Fatal("CheckPassword accepts the wrong password or refuses the right one")
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA", strings.Replace(h, "m=19456", "m=x", 1)} {
		if identity.CheckPassword(bad, "Parola-Lunga-2026!") {
			t.Fatalf("malformed hash %q accepted", bad)
		}
	}
}

func TestAccountsAndTokens(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		nu := identity.NewUser{Email: " Ion@Example.RO ", Password: "Parola-Lunga-2026!", Role: identity.Citizen, Name: "Ion Popescu", CNP: "1920822296090"}
		u, err := identity.CreateUser(ctx, db, nu, 0)
		if err != nil || u.Email != "ion@example.ro" || !u.CNPVerified {
			t.Fatalf("create: %v %+v", err, u)
		}
		bad := []struct {
			name string
			nu   identity.NewUser
			want error
		}{
			{"taken", nu, identity.ErrEmailTaken},
			{"email", identity.NewUser{Email: "Ion <ion@x.ro>", Password: "Parola-Lunga-2026!", Role: identity.Citizen}, identity.ErrInvalidEmail},
			{"short password", identity.NewUser{Email: "a@x.ro", Password: "scurta", Role: identity.Citizen}, identity.ErrWeakPassword},
			{"worker without department", identity.NewUser{Email: "w@x.ro", Password: "Parola-Lunga-2026!", Role: identity.Worker}, identity.ErrNeedDepartment},
		}
		for _, b := range bad {
			if _, err := identity.CreateUser(ctx, db, b.nu, 0); !errors.Is(err, b.want) {
				t.Errorf("%s: got %v, want %v", b.name, err, b.want)
			}
		}
		if _, err := identity.CreateUser(ctx, db, identity.NewUser{Email: "c@x.ro", Password: "Parola-Lunga-2026!", Role: identity.Citizen, CNP: "1920822296091"}, 0); err == nil {
			t.Error("invalid CNP accepted")
		}
		if _, err := identity.Login(ctx, db.Read(), "ION@example.ro", "Parola-Lunga-2026!"); err != nil {
			t.Fatalf("login: %v", err)
		}
		for _, pw := range []string{"wrong-password!", ""} {
			if _, err := identity.Login(ctx, db.Read(), "ion@example.ro", pw); !errors.Is(err, identity.ErrBadCredentials) {
				t.Fatalf("login with %q: %v", pw, err)
			}
		}
		if _, err := identity.Login(ctx, db.Read(), "nobody@example.ro", "Parola-Lunga-2026!"); !errors.Is(err, identity.ErrBadCredentials) {
			t.Fatalf("unknown account: %v", err)
		}

		tok, err := identity.CreateToken(ctx, db, u.ID, 0)
		if err != nil || !strings.HasPrefix(tok, "cet_") {
			t.Fatalf("token %q %v", tok, err)
		}
		if got, err := identity.Authenticate(ctx, db.Read(), tok); err != nil || got.ID != u.ID {
			t.Fatalf("authenticate: %v", err)
		}
		var stored int
		db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1`, tok).Scan(&stored)
		if stored != 0 {
			t.Fatal("the token is stored in clear")
		}
		for _, forged := range []string{"", "cet_", tok + "x", "Bearer " + tok, strings.Repeat("cet_", 40)} {
			if _, err := identity.Authenticate(ctx, db.Read(), forged); !errors.Is(err, identity.ErrInvalidToken) {
				t.Errorf("token %q: %v", forged, err)
			}
		}
		short, _ := identity.CreateToken(ctx, db, u.ID, time.Millisecond)
		time.Sleep(5 * time.Millisecond)
		if _, err := identity.Authenticate(ctx, db.Read(), short); !errors.Is(err, identity.ErrInvalidToken) {
			t.Fatalf("expired token accepted: %v", err)
		}
	})
}

func TestRolesSeeDepartments(t *testing.T) {
	worker := &identity.User{Role: identity.Worker, Department: "urbanism"}
	admin := &identity.User{Role: identity.Admin}
	citizen := &identity.User{Role: identity.Citizen, Department: "urbanism"}
	if !worker.SeesDepartment("urbanism") || worker.SeesDepartment("taxe-locale") {
		t.Error("worker")
	}
	if !admin.SeesDepartment("taxe-locale") || citizen.SeesDepartment("urbanism") || (*identity.User)(nil).SeesDepartment("x") {
		t.Error("admin, citizen or nobody")
	}
	if _, err := identity.ParseRole("mayor"); err == nil {
		t.Error("unknown role accepted")
	}
}
