// Package web is the portal and the back office in the browser: server-rendered
// pages that work without JavaScript. Handlers parse, call a domain and render; the
// routes are declared in one list with the access each needs (deny by default).
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
)

// Web serves the HTML pages.
type Web struct {
	app    *app.App
	log    *slog.Logger
	views  *views
	static *staticFiles
	limits *limiter // anonymous status look-ups and reset e-mails, per client address
	// SecureCookies marks cookies Secure; on unless Cetate is served over plain HTTP
	// on a loopback address (development).
	SecureCookies bool
	// BaseURL is the public address used in e-mailed links, e.g. https://portal.example.ro.
	BaseURL string
}

// New parses every template and reads the static files; a broken template stops the
// start instead of failing a request.
func New(a *app.App, log *slog.Logger) (*Web, error) {
	v, err := parseViews()
	if err != nil {
		return nil, err
	}
	st, err := loadStatic()
	if err != nil {
		return nil, err
	}
	return &Web{app: a, log: log, views: v, static: st, limits: newLimiter(10, time.Minute)}, nil
}

// access says who may open a page.
type access int

const (
	public  access = iota
	citizen        // signed-in citizen
	staff          // clerk, worker, head, admin
	admin          // admin only
)

type handler func(w http.ResponseWriter, r *http.Request, rq *request) error

type route struct {
	pattern string
	access  access
	h       handler
}

func (wb *Web) routes() []route {
	return []route{
		{"GET /{$}", public, wb.home},
		{"GET /cautare", public, wb.search},
		{"GET /servicii", public, wb.browse},
		{"GET /servicii/{code}", public, wb.service},
		{"GET /urmarire", public, wb.lookupForm},
		{"POST /urmarire", public, wb.lookup},
		{"GET /autentificare", public, wb.signInForm},
		{"POST /autentificare", public, wb.signIn},
		{"POST /iesire", public, wb.signOut},
		{"GET /inregistrare", public, wb.signUpForm},
		{"POST /inregistrare", public, wb.signUp},
		{"GET /confirmare-email", public, wb.verifyEmail},
		{"GET /parola-uitata", public, wb.forgotForm},
		{"POST /parola-uitata", public, wb.forgot},
		{"GET /parola-noua", public, wb.resetForm},
		{"POST /parola-noua", public, wb.reset},
		{"GET /accesibilitate", public, wb.accessibility},
		{"GET /verify", public, wb.verifyForm},
		{"GET /verify/{code}", public, wb.verifyCode},
		{"POST /verify", public, wb.verifyUpload},

		{"POST /servicii/{code}/cerere", citizen, wb.startDraft},
		{"GET /ciorne", citizen, wb.drafts},
		{"GET /ciorne/{id}/pas/{step}", citizen, wb.draftStep},
		{"POST /ciorne/{id}/pas/{step}", citizen, wb.saveStep},
		{"GET /ciorne/{id}/verificare", citizen, wb.checkAnswers},
		{"POST /ciorne/{id}/trimitere", citizen, wb.submitDraft},
		{"POST /ciorne/{id}/stergere", citizen, wb.deleteDraft},
		{"GET /cereri", citizen, wb.myRequests},
		{"GET /cereri/{id}", citizen, wb.myRequest},
		{"GET /cereri/{id}/documente/{doc}", citizen, wb.myDocument},
		{"POST /cereri/{id}/raspuns", citizen, wb.answer},
		{"POST /cereri/{id}/retragere", citizen, wb.withdraw},
		{"POST /cereri/{id}/anulare-programare", citizen, wb.cancelMeeting},
	}
}

// Register adds the pages to mux.
func (wb *Web) Register(mux *http.ServeMux) {
	for _, rt := range slices.Concat(wb.routes(), wb.adminRoutes(), wb.budgetRoutes(), wb.adminBudgetRoutes()) {
		mux.Handle(rt.pattern, wb.wrap(rt))
	}
	mux.Handle("GET /static/{file}", wb.static)
	mux.Handle("/", wb.wrap(route{"", public, func(w http.ResponseWriter, r *http.Request, rq *request) error {
		return errNotFound
	}}))
}

// request is what every handler knows about the request beyond *http.Request.
type request struct {
	Lang  string
	User  *identity.User
	CSRF  string
	token string // session cookie value
}

type ctxKey struct{}

func (wb *Web) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rq := &request{Lang: wb.language(w, r)}
		rq.CSRF = wb.csrfToken(w, r)
		if c, err := r.Cookie(sessionCookie); err == nil {
			u, err := identity.SessionUser(r.Context(), wb.app.DB, c.Value)
			if err == nil {
				rq.User, rq.token = u, c.Value
			} else if !errors.Is(err, identity.ErrNoSession) {
				wb.fail(w, r, rq, err)
				return
			}
		}
		err := wb.allowed(rt.access, rq)
		if err == nil && r.Method == http.MethodPost {
			err = wb.checkCSRF(r, rq)
		}
		if err == nil {
			r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, rq))
			err = rt.h(w, r, rq)
		}
		if err != nil {
			wb.fail(w, r, rq, err)
		}
	})
}

var (
	errNotFound  = errors.New("page not found")
	errForbidden = errors.New("forbidden")
	errSignIn    = errors.New("sign-in required")
	errCSRF      = errors.New("form expired")
)

func (wb *Web) allowed(a access, rq *request) error {
	switch a {
	case public:
		return nil
	case citizen:
		if rq.User == nil {
			return errSignIn
		}
		if rq.User.Role != identity.Citizen {
			return errForbidden
		}
	case staff:
		if rq.User == nil {
			return errSignIn
		}
		if !rq.User.IsStaff() {
			return errForbidden
		}
	case admin:
		if rq.User == nil {
			return errSignIn
		}
		if rq.User.Role != identity.Admin {
			return errForbidden
		}
	}
	return nil
}

// fail renders an error page with the right status; unknown errors are logged with
// a request id that the page shows, never their text.
func (wb *Web) fail(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	switch {
	case errors.Is(err, errSignIn):
		http.Redirect(w, r, "/autentificare?next="+urlQueryEscape(returnTo(r)), http.StatusSeeOther)
		return
	case errors.Is(err, errNotFound), errors.Is(err, store.ErrNotFound):
		w.WriteHeader(http.StatusNotFound)
		wb.render(w, r, rq, "error", "web.error.not_found.title", errorPage{Message: "web.error.not_found.text"})
	case errors.Is(err, errForbidden):
		w.WriteHeader(http.StatusForbidden)
		wb.render(w, r, rq, "error", "web.error.forbidden.title", errorPage{Message: "web.error.forbidden.text"})
	case errors.Is(err, errCSRF):
		w.WriteHeader(http.StatusForbidden)
		wb.render(w, r, rq, "error", "web.error.csrf.title", errorPage{Message: "web.error.csrf.text"})
	case errors.Is(err, errTooMany):
		w.Header().Set("Retry-After", "60")
		w.WriteHeader(http.StatusTooManyRequests)
		wb.render(w, r, rq, "error", "web.error.rate_limited.title", errorPage{Message: "error.rate_limited"})
	default:
		id := strconv.FormatInt(time.Now().UnixNano(), 36)
		wb.log.Error("page failed", "request_id", id, "method", r.Method, "path", r.URL.Path, "err", err)
		w.WriteHeader(http.StatusInternalServerError)
		wb.render(w, r, rq, "error", "web.error.internal.title", errorPage{Message: "error.internal", RequestID: id})
	}
}

type errorPage struct {
	Message   string
	RequestID string
}

func pathInt(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, errNotFound
	}
	return n, nil
}

// clientIP is the caller's address for throttling. Behind a proxy, set the proxy to
// overwrite X-Forwarded-For; Cetate takes its first address only from loopback peers.
func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndex(host, ":"); i >= 0 {
		host = host[:i]
	}
	host = strings.Trim(host, "[]")
	if host == "127.0.0.1" || host == "::1" {
		if f := r.Header.Get("X-Forwarded-For"); f != "" {
			return strings.TrimSpace(strings.Split(f, ",")[0])
		}
	}
	return host
}

func (rq *request) String() string { return fmt.Sprintf("lang=%s", rq.Lang) }

// returnTo is where to come back after signing in: the page itself for a GET; for a
// form sent when the session had ended, the page the form was on (a POST cannot be
// replayed by a redirect), if it is on this site.
func returnTo(r *http.Request) string {
	if r.Method == http.MethodGet {
		return r.URL.RequestURI()
	}
	if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host && safeNext(ref.RequestURI()) != "" {
		return ref.RequestURI()
	}
	return "/"
}
