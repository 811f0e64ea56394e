// Package identity holds accounts, roles and API tokens. A role grants; nothing else
// does: staff act only within their department, citizens only on their own requests.
package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/ident"
	"github.com/cetate/cetate/internal/store"
)

// Role is what a user may do.
type Role string

// The roles. Clerks keep the general registry; workers process their department's
// cases; heads lead a department; admins run the platform.
const (
	Citizen Role = "citizen"
	Clerk   Role = "clerk"
	Worker  Role = "worker"
	Head    Role = "head"
	Admin   Role = "admin"
	// System is the virtual civil servant: it has no account (ID 0) and acts on
	// every department's cases, each act recorded as the system's.
	System Role = "system"
)

// VirtualClerk is the user the virtual civil servant acts as.
var VirtualClerk = &User{Role: System, Name: "Funcționarul virtual", EmailVerified: true}

// ParseRole returns the role named s.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case Citizen, Clerk, Worker, Head, Admin:
		return r, nil
	}
	return "", fmt.Errorf("unknown role %q (citizen, clerk, worker, head or admin)", s)
}

// User is an account.
type User struct {
	ID            int64
	Email         string
	Role          Role
	Department    string // staff only
	Name          string
	CNP           string // set when the identity was verified at the counter or by eID
	CNPVerified   bool
	EmailVerified bool
	CreatedAt     time.Time
}

// IsStaff reports whether the user works for the city hall.
func (u *User) IsStaff() bool { return u != nil && u.Role != Citizen }

// SeesDepartment reports whether the user may act on the given department's cases.
func (u *User) SeesDepartment(dept string) bool {
	if u == nil {
		return false
	}
	return u.Role == Admin || u.Role == System || (u.Role != Citizen && u.Department != "" && u.Department == dept)
}

// NewUser is what CreateUser needs.
type NewUser struct {
	Email, Password string
	Role            Role
	Department      string
	Name            string
	CNP             string
	// EmailVerified is true for accounts made by an administrator; a citizen who
	// signs up proves the address by the link sent to it.
	EmailVerified bool
}

// Errors CreateUser returns for bad input; the CLI prints them as they are.
var (
	ErrInvalidEmail   = errors.New("invalid e-mail address")
	ErrWeakPassword   = errors.New("password must have at least 10 characters")
	ErrNeedDepartment = errors.New("workers and heads need a --department")
	ErrEmailTaken     = errors.New("an account with this e-mail already exists")
	ErrBadCredentials = errors.New("wrong e-mail or password")
	ErrInvalidToken   = errors.New("invalid or expired token")
)

// NormalizeEmail lowercases and trims an address, and checks it is one plain address.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || len(s) > 254 {
		return "", ErrInvalidEmail
	}
	return s, nil
}

// CreateUser stores a new account, recording the act in the audit log.
// actorID is who creates it (0 for the command line).
func CreateUser(ctx context.Context, db *store.DB, nu NewUser, actorID int64) (*User, error) {
	email, err := NormalizeEmail(nu.Email)
	if err != nil {
		return nil, err
	}
	if utf8.RuneCountInString(nu.Password) < 10 {
		return nil, ErrWeakPassword
	}
	if _, err := ParseRole(string(nu.Role)); err != nil {
		return nil, err
	}
	if (nu.Role == Worker || nu.Role == Head) && nu.Department == "" {
		return nil, ErrNeedDepartment
	}
	if nu.CNP != "" {
		if err := ident.CNP(nu.CNP); err != nil {
			return nil, fmt.Errorf("invalid CNP: %w", err)
		}
	}
	hash, err := HashPassword(nu.Password)
	if err != nil {
		return nil, err
	}
	u := &User{Email: email, Role: nu.Role, Department: nu.Department, Name: strings.TrimSpace(nu.Name),
		CNP: nu.CNP, CNPVerified: nu.CNP != "", EmailVerified: nu.EmailVerified, CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	err = db.Tx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO users (email, password_hash, role, department, name, cnp, cnp_verified, email_verified, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			u.Email, hash, string(u.Role), u.Department, u.Name, u.CNP, boolInt(u.CNPVerified), boolInt(u.EmailVerified), u.CreatedAt.UnixMicro()).Scan(&u.ID)
		if err = store.Map(err); errors.Is(err, store.ErrConflict) {
			return ErrEmailTaken
		} else if err != nil {
			return err
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: actorID, ActorRole: actorRole(actorID), Action: "user.create",
			Entity: "user", EntityID: fmt.Sprint(u.ID), Detail: "role=" + string(u.Role) + " department=" + u.Department})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func actorRole(id int64) string {
	if id == 0 {
		return "system"
	}
	return "admin"
}

const userColumns = `id, email, role, department, name, cnp, cnp_verified, email_verified, created_at`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (*User, error) {
	var u User
	var role string
	var verified, emailVerified, created int64
	dest := append([]any{&u.ID, &u.Email, &role, &u.Department, &u.Name, &u.CNP, &verified, &emailVerified, &created}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, store.Map(err)
	}
	u.Role, u.CNPVerified, u.EmailVerified, u.CreatedAt = Role(role), verified != 0, emailVerified != 0, time.UnixMicro(created).UTC()
	return &u, nil
}

// UserByID returns the enabled account with the given id, or store.ErrNotFound.
func UserByID(ctx context.Context, q store.Querier, id int64) (*User, error) {
	return scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1 AND disabled = 0`, id))
}

// UserByEmail returns the enabled account with the given e-mail, or store.ErrNotFound.
func UserByEmail(ctx context.Context, q store.Querier, email string) (*User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	return scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1 AND disabled = 0`, email))
}

// Login checks an e-mail and password and returns the account.
func Login(ctx context.Context, q store.Querier, email, password string) (*User, error) {
	var hash string
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = $1 AND disabled = 0`,
		strings.ToLower(strings.TrimSpace(email))), &hash)
	if errors.Is(err, store.ErrNotFound) {
		CheckPassword(dummyHash, password) // spend the same time, so timing does not reveal accounts
		return nil, ErrBadCredentials
	} else if err != nil {
		return nil, err
	}
	if !CheckPassword(hash, password) {
		return nil, ErrBadCredentials
	}
	return u, nil
}

var dummyHash, _ = HashPassword("cetate-dummy-password")

// tokenPrefix makes Cetate tokens recognisable to secret scanners.
const tokenPrefix = "cet_"

// CreateToken issues a bearer token for the user. Only its SHA-256 is stored, so a
// database leak does not leak usable tokens. ttl 0 means it does not expire.
func CreateToken(ctx context.Context, db *store.DB, userID int64, ttl time.Duration) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	now := time.Now().UTC()
	var expires int64
	if ttl > 0 {
		expires = now.Add(ttl).UnixMicro()
	}
	err := db.Tx(ctx, func(tx *store.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			userID, hashToken(token), now.UnixMicro(), expires).Scan(&id); err != nil {
			return store.Map(err)
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: userID, ActorRole: "user", Action: "token.create", Entity: "api_token", EntityID: fmt.Sprint(id)})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// Authenticate returns the user a bearer token belongs to, or ErrInvalidToken.
func Authenticate(ctx context.Context, q store.Querier, token string) (*User, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 100 {
		return nil, ErrInvalidToken
	}
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT u.id, u.email, u.role, u.department, u.name, u.cnp, u.cnp_verified, u.email_verified, u.created_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at = 0 AND (t.expires_at = 0 OR t.expires_at > $2) AND u.disabled = 0`,
		hashToken(token), time.Now().UnixMicro()))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrInvalidToken
	}
	return u, err
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
