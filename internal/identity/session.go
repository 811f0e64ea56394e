package identity

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/store"
)

// Session lifetimes: a session ends after SessionIdle without use, and in any case
// SessionMax after sign-in.
const (
	SessionIdle = 2 * time.Hour
	SessionMax  = 12 * time.Hour
)

// ErrNoSession means the session cookie names no live session.
var ErrNoSession = errors.New("no session")

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// CreateSession starts a browser session for the user and returns the value for its
// cookie. Only its SHA-256 is stored. Signing in always makes a new session, so a
// session id planted before sign-in is worthless after it.
func CreateSession(ctx context.Context, db *store.DB, userID int64) (string, error) {
	token, err := randomToken()
	if err != nil {
		return "", err
	}
	now := time.Now().UTC()
	err = db.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)`,
			hashToken(token), userID, now.UnixMicro(), now.Add(SessionMax).UnixMicro(), now.UnixMicro()); err != nil {
			return store.Map(err)
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: userID, ActorRole: "user", Action: "session.start", Entity: "user", EntityID: fmt.Sprint(userID)})
	})
	return token, err
}

// SessionUser returns the user of a live session and refreshes its idle timer at most
// once a minute (so reading pages does not write on every request).
func SessionUser(ctx context.Context, db *store.DB, token string) (*User, error) {
	if len(token) < 20 || len(token) > 100 {
		return nil, ErrNoSession
	}
	now := time.Now().UTC()
	var lastSeen int64
	u, err := scanUser(db.Read().QueryRowContext(ctx, `SELECT u.id, u.email, u.role, u.department, u.name, u.cnp, u.cnp_verified, u.email_verified, u.created_at, s.last_seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.disabled = 0`,
		hashToken(token), now.UnixMicro(), now.Add(-SessionIdle).UnixMicro()), &lastSeen)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, err
	}
	if now.Sub(time.UnixMicro(lastSeen)) > time.Minute {
		db.Write().ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2`, now.UnixMicro(), hashToken(token))
	}
	return u, nil
}

// EndSession signs a session out.
func EndSession(ctx context.Context, db *store.DB, token string) error {
	_, err := db.Write().ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hashToken(token))
	return store.Map(err)
}

// Sign-in throttling: after too many failures for one address or from one network
// address in the window, sign-in is refused until the window has passed.
const (
	ThrottleWindow     = 15 * time.Minute
	MaxFailuresPerUser = 5
	MaxFailuresPerIP   = 30
)

// ErrThrottled means sign-in is refused for now because of repeated failures.
var ErrThrottled = errors.New("too many failed sign-in attempts")

// SignIn checks credentials with throttling and records the attempt. The caller
// then creates a session.
func SignIn(ctx context.Context, db *store.DB, email, password, ip string) (*User, error) {
	email, _ = NormalizeEmail(email)
	since := time.Now().Add(-ThrottleWindow).UnixMicro()
	var byUser, byIP int
	if err := db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM login_attempts WHERE email = $1 AND at > $2 AND ok = 0`, email, since).Scan(&byUser); err != nil {
		return nil, err
	}
	if err := db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM login_attempts WHERE ip = $1 AND at > $2 AND ok = 0`, ip, since).Scan(&byIP); err != nil {
		return nil, err
	}
	if byUser >= MaxFailuresPerUser || byIP >= MaxFailuresPerIP {
		return nil, ErrThrottled
	}
	u, err := Login(ctx, db.Read(), email, password)
	ok := err == nil
	if _, werr := db.Write().ExecContext(ctx, `INSERT INTO login_attempts (email, ip, at, ok) VALUES ($1, $2, $3, $4)`,
		email, ip, time.Now().UnixMicro(), boolInt(ok)); werr != nil {
		return nil, werr
	}
	return u, err
}

// Purposes of e-mail tokens.
const (
	PurposeVerify = "verify"
	PurposeReset  = "reset"
)

// ErrInvalidLink means an e-mail link is unknown, used or expired.
var ErrInvalidLink = errors.New("invalid or expired link")

// CreateEmailToken makes a one-time token for a link sent by e-mail.
func CreateEmailToken(ctx context.Context, db *store.DB, userID int64, purpose string, ttl time.Duration) (string, error) {
	token, err := randomToken()
	if err != nil {
		return "", err
	}
	now := time.Now().UTC()
	_, err = db.Write().ExecContext(ctx, `INSERT INTO email_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		hashToken(token), userID, purpose, now.UnixMicro(), now.Add(ttl).UnixMicro())
	return token, store.Map(err)
}

// UseEmailToken spends a token and returns its user. With a reset token, newPassword
// becomes the password and every session of the user ends; with a verify token the
// address is marked verified.
func UseEmailToken(ctx context.Context, db *store.DB, token, purpose, newPassword string) (*User, error) {
	if purpose == PurposeReset && len([]rune(newPassword)) < 10 {
		return nil, ErrWeakPassword
	}
	var hash string
	if purpose == PurposeReset {
		var err error
		if hash, err = HashPassword(newPassword); err != nil {
			return nil, err
		}
	}
	var userID int64
	err := db.Tx(ctx, func(tx *store.Tx) error {
		now := time.Now().UnixMicro()
		err := tx.QueryRowContext(ctx, `UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 AND used_at = 0 AND expires_at > $1 RETURNING user_id`,
			now, hashToken(token), purpose).Scan(&userID)
		if err != nil {
			if errors.Is(store.Map(err), store.ErrNotFound) {
				return ErrInvalidLink
			}
			return store.Map(err)
		}
		switch purpose {
		case PurposeVerify:
			_, err = tx.ExecContext(ctx, `UPDATE users SET email_verified = 1 WHERE id = $1`, userID)
		case PurposeReset:
			if _, err = tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, email_verified = 1 WHERE id = $2`, hash, userID); err == nil {
				_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
			}
		}
		if err != nil {
			return store.Map(err)
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: userID, ActorRole: "user", Action: "account." + purpose, Entity: "user", EntityID: fmt.Sprint(userID)})
	})
	if err != nil {
		return nil, err
	}
	return UserByID(ctx, db.Read(), userID)
}
