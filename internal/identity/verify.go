package identity

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/ident"
	"github.com/cetate/cetate/internal/store"
)

// VerificationLegalBasis is why the city hall may check a citizen's identity
// document and keep their CNP: a task in the public interest.
const VerificationLegalBasis = "Legea 190/2018; Regulamentul (UE) 2016/679 art. 6 alin. (1) lit. e)"

// MaxDocumentLength bounds the description of the identity document seen.
const MaxDocumentLength = 100

// Errors of identity verification.
var (
	ErrNotCounterStaff = errors.New("only city hall staff may verify an identity")
	ErrNotCitizen      = errors.New("identities are verified on citizen accounts only")
	ErrInvalidCNP      = errors.New("invalid CNP")
	ErrDocument        = errors.New("describe the identity document seen: its type, series and number, in at most 100 characters")
	ErrAlreadyVerified = errors.New("the account's identity is already verified")
	ErrCNPTaken        = errors.New("this CNP is already verified on another account")
	ErrNotVerified     = errors.New("the account's identity is not verified")
	ErrReasonRequired  = errors.New("say why the verification is revoked, in at most 500 characters")
)

// Verification is how an account's CNP was confirmed: at a counter, by whom, when,
// and on which identity document.
type Verification struct {
	ID         int64
	UserID     int64
	Method     string // "counter"
	Document   string // e.g. "CI KX 123456"
	VerifiedBy int64
	VerifiedAt time.Time
}

// MayVerifyIdentity reports whether u may confirm a citizen's identity at a counter:
// any city hall staff member, never the virtual civil servant.
func MayVerifyIdentity(u *User) bool {
	return u != nil && (u.Role == Clerk || u.Role == Worker || u.Role == Head || u.Role == Admin)
}

// CheckDocument trims the description of an identity document and checks it names
// one: not empty, with a number, no control characters, at most MaxDocumentLength
// characters. It returns the description with runs of spaces made one.
func CheckDocument(s string) (string, error) {
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }) >= 0 {
		return "", ErrDocument
	}
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || utf8.RuneCountInString(s) > MaxDocumentLength || strings.IndexFunc(s, unicode.IsDigit) < 0 {
		return "", ErrDocument
	}
	return s, nil
}

// VerifyCNP records that staff saw the identity document of the holder of the
// citizen account citizenID and that the CNP on it is cnp: the account then carries
// a verified CNP, which services automated by the virtual civil servant and the
// participatory budget require. A verified CNP belongs to one account only; the
// act is audited with its legal basis. It returns the updated account.
func VerifyCNP(ctx context.Context, db *store.DB, staff *User, citizenID int64, cnp, document string) (*User, error) {
	if !MayVerifyIdentity(staff) {
		return nil, ErrNotCounterStaff
	}
	c, err := ident.NormalizeCNP(cnp)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidCNP, err)
	}
	doc, err := CheckDocument(document)
	if err != nil {
		return nil, err
	}
	var u *User
	err = db.Tx(ctx, func(tx *store.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1 AND disabled = 0`+tx.Dialect().ForUpdate(), citizenID))
		if err != nil {
			return err
		}
		if u.Role != Citizen {
			return ErrNotCitizen
		}
		if u.CNPVerified {
			return ErrAlreadyVerified
		}
		// Accounts made with a CNP by an administrator or the command line have no
		// verification row, so the accounts themselves are checked too; the unique
		// index below settles two counters confirming the same CNP at once.
		var other int64
		err = tx.QueryRowContext(ctx, `SELECT id FROM users WHERE cnp = $1 AND cnp_verified = 1 AND id <> $2 LIMIT 1`, c, u.ID).Scan(&other)
		if err = store.Map(err); err == nil {
			return ErrCNPTaken
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO identity_verifications (user_id, cnp, method, document, verified_by, verified_at)
			VALUES ($1, $2, 'counter', $3, $4, $5) RETURNING id`, u.ID, c, doc, staff.ID, time.Now().UnixMicro()).Scan(&id)
		if err = store.Map(err); errors.Is(err, store.ErrConflict) {
			return ErrCNPTaken
		} else if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET cnp = $1, cnp_verified = 1 WHERE id = $2`, c, u.ID); err != nil {
			return store.Map(err)
		}
		// The CNP and the document stay out of the log, which can never be erased.
		return audit.Append(ctx, tx, audit.Entry{ActorID: staff.ID, ActorRole: string(staff.Role), Action: "identity.verify",
			Entity: "user", EntityID: strconv.FormatInt(u.ID, 10), LegalBasis: VerificationLegalBasis,
			Detail: fmt.Sprintf("verification=%d method=counter", id)})
	})
	if err != nil {
		return nil, err
	}
	u.CNP, u.CNPVerified = c, true
	return u, nil
}

// RevokeCNPVerification undoes a verification made by mistake: the account loses
// its CNP, and the verification is kept, marked revoked with the reason. Only an
// administrator may do it; the act is audited.
func RevokeCNPVerification(ctx context.Context, db *store.DB, admin *User, userID int64, reason string) error {
	if admin == nil || admin.Role != Admin {
		return ErrNotAdmin
	}
	reason = strings.Join(strings.Fields(reason), " ")
	if reason == "" || utf8.RuneCountInString(reason) > 500 || strings.IndexFunc(reason, unicode.IsControl) >= 0 {
		return ErrReasonRequired
	}
	return db.Tx(ctx, func(tx *store.Tx) error {
		var verified int64
		if err := tx.QueryRowContext(ctx, `SELECT cnp_verified FROM users WHERE id = $1`+tx.Dialect().ForUpdate(), userID).Scan(&verified); err != nil {
			return store.Map(err)
		}
		if verified == 0 {
			return ErrNotVerified
		}
		now := time.Now().UnixMicro()
		if _, err := tx.ExecContext(ctx, `UPDATE identity_verifications SET revoked_at = $1, revoked_by = $2, revoke_reason = $3
			WHERE user_id = $4 AND revoked_at = 0`, now, admin.ID, reason, userID); err != nil {
			return store.Map(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET cnp = '', cnp_verified = 0 WHERE id = $1`, userID); err != nil {
			return store.Map(err)
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: admin.ID, ActorRole: string(admin.Role), Action: "identity.revoke",
			Entity: "user", EntityID: strconv.FormatInt(userID, 10), LegalBasis: VerificationLegalBasis, Detail: reason})
	})
}

// CurrentVerification returns the account's verification in force, or
// store.ErrNotFound (also for accounts given a CNP by an administrator).
func CurrentVerification(ctx context.Context, q store.Querier, userID int64) (*Verification, error) {
	var v Verification
	var at int64
	err := q.QueryRowContext(ctx, `SELECT id, user_id, method, document, verified_by, verified_at FROM identity_verifications
		WHERE user_id = $1 AND revoked_at = 0`, userID).Scan(&v.ID, &v.UserID, &v.Method, &v.Document, &v.VerifiedBy, &at)
	if err != nil {
		return nil, store.Map(err)
	}
	v.VerifiedAt = time.UnixMicro(at).UTC()
	return &v, nil
}
