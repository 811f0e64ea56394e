package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/notify"
	"github.com/cetate/cetate/internal/store"
)

type accountForm struct {
	Email, Name, Next string
	Token             string
	Sent              bool
}

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return ""
	}
	return next
}

func (wb *Web) signInForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return wb.render(w, r, rq, "signin", "web.signin.title", &accountForm{Next: safeNext(r.URL.Query().Get("next"))})
}

// signIn checks the password with throttling and starts a new session (never reusing
// one the browser already had).
func (wb *Web) signIn(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := &accountForm{Email: strings.TrimSpace(r.FormValue("email")), Next: safeNext(r.FormValue("next"))}
	password := r.FormValue("password")
	var errs []FieldError
	if f.Email == "" {
		errs = append(errs, FieldError{"email", rq.t("web.signin.email_required")})
	}
	if password == "" {
		errs = append(errs, FieldError{"password", rq.t("web.signin.password_required")})
	}
	if len(errs) == 0 {
		u, err := identity.SignIn(r.Context(), wb.app.DB, f.Email, password, clientIP(r))
		switch {
		case errors.Is(err, identity.ErrThrottled):
			errs = append(errs, FieldError{"email", rq.t("web.signin.throttled")})
		case errors.Is(err, identity.ErrBadCredentials):
			errs = append(errs, FieldError{"email", rq.t("web.signin.bad_credentials")})
		case err != nil:
			return err
		case !u.EmailVerified:
			errs = append(errs, FieldError{"email", rq.t("web.signin.unverified")})
		default:
			if rq.token != "" {
				identity.EndSession(r.Context(), wb.app.DB, rq.token)
			}
			token, err := identity.CreateSession(r.Context(), wb.app.DB, u.ID)
			if err != nil {
				return err
			}
			wb.setSession(w, token)
			next := f.Next
			if next == "" {
				next = "/cereri"
				if u.IsStaff() {
					next = "/admin"
				}
			}
			return wb.redirect(w, r, next, "web.signin.welcome")
		}
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	return wb.render(w, r, rq, "signin", "web.signin.title", f, errs...)
}

func (wb *Web) signOut(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.token != "" {
		if err := identity.EndSession(r.Context(), wb.app.DB, rq.token); err != nil {
			return err
		}
	}
	wb.clearSession(w)
	return wb.redirect(w, r, "/", "web.signout.done")
}

func (wb *Web) signUpForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return wb.render(w, r, rq, "signup", "web.signup.title", &accountForm{})
}

// signUp creates a citizen account and e-mails a link to verify the address.
func (wb *Web) signUp(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := &accountForm{Email: strings.TrimSpace(r.FormValue("email")), Name: strings.TrimSpace(r.FormValue("name"))}
	password := r.FormValue("password")
	var errs []FieldError
	if f.Name == "" || len([]rune(f.Name)) > 200 {
		errs = append(errs, FieldError{"name", rq.t("web.signup.name_required")})
	}
	if _, err := identity.NormalizeEmail(f.Email); err != nil {
		errs = append(errs, FieldError{"email", rq.t("field.invalid_email")})
	}
	if len([]rune(password)) < 10 {
		errs = append(errs, FieldError{"password", rq.t("web.signup.password_short")})
	} else if password != r.FormValue("password2") {
		errs = append(errs, FieldError{"password2", rq.t("web.signup.password_mismatch")})
	}
	if len(errs) == 0 {
		u, err := identity.CreateUser(r.Context(), wb.app.DB, identity.NewUser{Email: f.Email, Password: password,
			Role: identity.Citizen, Name: f.Name}, 0)
		switch {
		case errors.Is(err, identity.ErrEmailTaken):
			// Say the same as for a new address, so the form does not reveal who has
			// an account; the owner gets an e-mail saying so instead.
			f.Sent = true
			return wb.render(w, r, rq, "signup", "web.signup.title", f)
		case err != nil:
			return err
		}
		if err := wb.sendLink(r, rq, u, identity.PurposeVerify, 24*time.Hour, "/confirmare-email", "account.verify"); err != nil {
			return err
		}
		f.Sent = true
		return wb.render(w, r, rq, "signup", "web.signup.title", f)
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	return wb.render(w, r, rq, "signup", "web.signup.title", f, errs...)
}

// sendLink e-mails a one-time link (through the outbox) to the user.
func (wb *Web) sendLink(r *http.Request, rq *request, u *identity.User, purpose string, ttl time.Duration, path, kind string) error {
	token, err := identity.CreateEmailToken(r.Context(), wb.app.DB, u.ID, purpose, ttl)
	if err != nil {
		return err
	}
	link := wb.baseURL(r) + path + "?token=" + url.QueryEscape(token)
	return wb.app.DB.Tx(r.Context(), func(tx *store.Tx) error {
		return notify.Enqueue(r.Context(), tx, notify.Message{UserID: u.ID, Email: u.Email, Kind: kind,
			Params: map[string]any{"link": link, "lang": rq.Lang, "name": u.Name}})
	})
}

func (wb *Web) baseURL(r *http.Request) string {
	if wb.BaseURL != "" {
		return strings.TrimRight(wb.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (wb *Web) verifyEmail(w http.ResponseWriter, r *http.Request, rq *request) error {
	_, err := identity.UseEmailToken(r.Context(), wb.app.DB, r.URL.Query().Get("token"), identity.PurposeVerify, "")
	if errors.Is(err, identity.ErrInvalidLink) {
		w.WriteHeader(http.StatusBadRequest)
		return wb.render(w, r, rq, "error", "web.verify.invalid_title", errorPage{Message: "web.verify.invalid_text"})
	}
	if err != nil {
		return err
	}
	return wb.redirect(w, r, "/autentificare", "web.verify.done")
}

func (wb *Web) forgotForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return wb.render(w, r, rq, "forgot", "web.forgot.title", &accountForm{})
}

// forgot sends a reset link if the address has an account, and says the same either way.
func (wb *Web) forgot(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := &accountForm{Email: strings.TrimSpace(r.FormValue("email"))}
	if _, err := identity.NormalizeEmail(f.Email); err != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
		return wb.render(w, r, rq, "forgot", "web.forgot.title", f, FieldError{"email", rq.t("field.invalid_email")})
	}
	if !wb.limits.allow("reset:" + clientIP(r)) {
		return errTooMany
	}
	u, err := identity.UserByEmail(r.Context(), wb.app.DB.Read(), f.Email)
	if err == nil {
		if err := wb.sendLink(r, rq, u, identity.PurposeReset, time.Hour, "/parola-noua", "account.reset"); err != nil {
			return err
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	f.Sent = true
	return wb.render(w, r, rq, "forgot", "web.forgot.title", f)
}

func (wb *Web) resetForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return wb.render(w, r, rq, "reset", "web.reset.title", &accountForm{Token: r.URL.Query().Get("token")})
}

func (wb *Web) reset(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := &accountForm{Token: r.FormValue("token")}
	password := r.FormValue("password")
	var errs []FieldError
	if len([]rune(password)) < 10 {
		errs = append(errs, FieldError{"password", rq.t("web.signup.password_short")})
	} else if password != r.FormValue("password2") {
		errs = append(errs, FieldError{"password2", rq.t("web.signup.password_mismatch")})
	}
	if len(errs) == 0 {
		_, err := identity.UseEmailToken(r.Context(), wb.app.DB, f.Token, identity.PurposeReset, password)
		if errors.Is(err, identity.ErrInvalidLink) {
			w.WriteHeader(http.StatusBadRequest)
			return wb.render(w, r, rq, "error", "web.verify.invalid_title", errorPage{Message: "web.verify.invalid_text"})
		}
		if err != nil {
			return err
		}
		wb.clearSession(w)
		return wb.redirect(w, r, "/autentificare", "web.reset.done")
	}
	w.WriteHeader(http.StatusUnprocessableEntity)
	return wb.render(w, r, rq, "reset", "web.reset.title", f, errs...)
}

// parseRomanianDate reads dd.mm.yyyy, the way dates are printed on Romanian receipts.
func parseRomanianDate(s string) (time.Time, error) {
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) != 3 || len(parts[2]) != 4 {
		return time.Time{}, errors.New("not dd.mm.yyyy")
	}
	if len(parts[0]) == 1 {
		parts[0] = "0" + parts[0]
	}
	if len(parts[1]) == 1 {
		parts[1] = "0" + parts[1]
	}
	return calendar.ParseDate(parts[2] + "-" + parts[1] + "-" + parts[0])
}
