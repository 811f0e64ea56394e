package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/ident"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
)

// identityData is the counter's screen for verifying a citizen's identity: find the
// account by its exact e-mail address, see whether its CNP is verified, and confirm
// the CNP on the identity document the citizen shows.
type identityData struct {
	adminBase
	Email        string         // as searched
	NotFound     bool           // the search found no citizen account
	Account      *identity.User // the citizen found
	Verification *identity.Verification
	VerifiedBy   string // the name of who verified it
	CNP          string // the verification form, kept on error
	Document     string
	Seen         bool
	Reason       string // the revocation form, kept on error
	MayRevoke    bool
}

// adminIdentity searches a citizen's account by its exact e-mail address: accounts
// are never listed, and each look at one is audited as a read of personal data.
func (wb *Web) adminIdentity(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !identity.MayVerifyIdentity(rq.User) {
		return errForbidden
	}
	d := &identityData{}
	if !r.URL.Query().Has("email") {
		return wb.renderIdentity(w, r, rq, d, http.StatusOK)
	}
	d.Email = strings.TrimSpace(r.URL.Query().Get("email"))
	email, err := identity.NormalizeEmail(d.Email)
	if err != nil {
		return wb.renderIdentity(w, r, rq, d, http.StatusUnprocessableEntity, fieldErr(rq, "email", "field.invalid_email"))
	}
	u, err := identity.UserByEmail(r.Context(), wb.app.DB.Read(), email)
	switch {
	case errors.Is(err, store.ErrNotFound) || err == nil && u.Role != identity.Citizen:
		// Whether an address has an account is itself personal data: the look is
		// audited even when it finds nothing, without the address.
		if err := audit.Log(r.Context(), wb.app.DB, audit.Entry{ActorID: rq.User.ID, ActorRole: string(rq.User.Role),
			Action: "identity.lookup", Entity: "user", LegalBasis: identity.VerificationLegalBasis, Detail: "no citizen account"}); err != nil {
			return err
		}
		d.NotFound = true
		return wb.renderIdentity(w, r, rq, d, http.StatusOK)
	case err != nil:
		return err
	}
	d.Account = u
	return wb.renderIdentity(w, r, rq, d, http.StatusOK)
}

// renderIdentity shows the screen; showing an account is audited each time.
func (wb *Web) renderIdentity(w http.ResponseWriter, r *http.Request, rq *request, d *identityData, status int, errs ...FieldError) error {
	ctx, u := r.Context(), rq.User
	d.adminBase, d.MayRevoke = wb.adminBase(r, rq), u.Role == identity.Admin
	if a := d.Account; a != nil {
		if err := audit.Log(ctx, wb.app.DB, audit.Entry{ActorID: u.ID, ActorRole: string(u.Role), Action: "identity.lookup",
			Entity: "user", EntityID: strconv.FormatInt(a.ID, 10), LegalBasis: identity.VerificationLegalBasis}); err != nil {
			return err
		}
		v, err := identity.CurrentVerification(ctx, wb.app.DB.Read(), a.ID)
		switch {
		case err == nil:
			names, err := wb.userNames(ctx, []int64{v.VerifiedBy})
			if err != nil {
				return err
			}
			d.Verification, d.VerifiedBy = v, names[v.VerifiedBy]
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	if status != http.StatusOK {
		w.WriteHeader(status)
	}
	return wb.render(w, r, rq, "admin_identity", "identity.admin.title", d, errs...)
}

// citizenAccount loads the citizen account named in the path; other accounts are
// not handled here.
func (wb *Web) citizenAccount(r *http.Request) (*identity.User, error) {
	id, err := pathInt(r, "id")
	if err != nil {
		return nil, err
	}
	u, err := identity.UserByID(r.Context(), wb.app.DB.Read(), id)
	if err != nil {
		return nil, err
	}
	if u.Role != identity.Citizen {
		return nil, errNotFound
	}
	return u, nil
}

// cnpError is the translated reason a CNP typed at the counter is wrong.
func cnpError(rq *request, err error) FieldError {
	key := "field.invalid_cnp"
	switch {
	case errors.Is(err, ident.ErrChecksum):
		key = "field.invalid_cnp_checksum"
	case errors.Is(err, ident.ErrDate):
		key = "field.invalid_cnp_date"
	case errors.Is(err, ident.ErrCounty):
		key = "field.invalid_cnp_county"
	}
	return fieldErr(rq, "cnp", key)
}

// adminVerifyIdentity confirms the CNP of the citizen at the counter. Every field is
// checked first so that the clerk sees every mistake at once; the domain checks
// again and settles who else holds the CNP.
func (wb *Web) adminVerifyIdentity(w http.ResponseWriter, r *http.Request, rq *request) error {
	if !identity.MayVerifyIdentity(rq.User) {
		return errForbidden
	}
	a, err := wb.citizenAccount(r)
	if err != nil {
		return err
	}
	d := &identityData{Account: a, Email: a.Email, CNP: strings.TrimSpace(r.FormValue("cnp")),
		Document: strings.TrimSpace(r.FormValue("document")), Seen: r.FormValue("seen") != ""}
	var errs []FieldError
	if _, err := ident.NormalizeCNP(d.CNP); err != nil {
		errs = append(errs, cnpError(rq, err))
	}
	if _, err := identity.CheckDocument(d.Document); err != nil {
		errs = append(errs, fieldErr(rq, "document", "identity.admin.document_required"))
	}
	if !d.Seen {
		errs = append(errs, fieldErr(rq, "seen", "identity.admin.seen_required"))
	}
	if a.CNPVerified {
		errs = []FieldError{fieldErr(rq, "state", "identity.admin.already_verified")}
	}
	if len(errs) == 0 {
		_, err = identity.VerifyCNP(r.Context(), wb.app.DB, rq.User, a.ID, d.CNP, d.Document)
		switch {
		case err == nil:
			// The screen empties for the next person at the counter.
			return wb.redirect(w, r, "/admin/identitate", "identity.admin.verified")
		case errors.Is(err, identity.ErrCNPTaken):
			errs = append(errs, fieldErr(rq, "cnp", "identity.admin.cnp_taken"))
		case errors.Is(err, identity.ErrAlreadyVerified):
			errs = append(errs, fieldErr(rq, "state", "identity.admin.already_verified"))
		case errors.Is(err, identity.ErrNotCitizen), errors.Is(err, store.ErrNotFound):
			return errNotFound
		case errors.Is(err, identity.ErrNotCounterStaff):
			return errForbidden
		default:
			return err
		}
		if d.Account, err = identity.UserByID(r.Context(), wb.app.DB.Read(), a.ID); err != nil {
			return err
		}
	}
	return wb.renderIdentity(w, r, rq, d, http.StatusUnprocessableEntity, errs...)
}

// adminRevokeIdentity undoes a verification made by mistake (administrators only).
func (wb *Web) adminRevokeIdentity(w http.ResponseWriter, r *http.Request, rq *request) error {
	a, err := wb.citizenAccount(r)
	if err != nil {
		return err
	}
	d := &identityData{Account: a, Email: a.Email, Reason: strings.TrimSpace(r.FormValue("reason"))}
	err = identity.RevokeCNPVerification(r.Context(), wb.app.DB, rq.User, a.ID, d.Reason)
	switch {
	case errors.Is(err, identity.ErrReasonRequired):
		return wb.renderIdentity(w, r, rq, d, http.StatusUnprocessableEntity, fieldErr(rq, "reason", "identity.admin.reason_required"))
	case errors.Is(err, identity.ErrNotVerified):
		return wb.renderIdentity(w, r, rq, d, http.StatusUnprocessableEntity, fieldErr(rq, "state", "identity.admin.not_verified"))
	case errors.Is(err, identity.ErrNotAdmin):
		return errForbidden
	case err != nil:
		return err
	}
	return wb.redirect(w, r, "/admin/identitate", "identity.admin.revoked")
}
