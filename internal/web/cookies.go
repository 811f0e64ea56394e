package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/cetate/cetate/internal/i18n"
)

const (
	sessionCookie = "cetate_session"
	csrfCookie    = "cetate_csrf"
	langCookie    = "cetate_lang"
	flashCookie   = "cetate_flash"
)

// language picks the page language: ?lang= (remembered in a cookie), then the
// cookie, then the browser's Accept-Language, then Romanian.
func (wb *Web) language(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l != "" {
		for _, x := range i18n.Languages {
			if x == l {
				http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
					HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: wb.SecureCookies})
				return l
			}
		}
	}
	if c, err := r.Cookie(langCookie); err == nil {
		for _, x := range i18n.Languages {
			if x == c.Value {
				return x
			}
		}
	}
	return i18n.Match(r.Header.Get("Accept-Language"))
}

// csrfToken returns the browser's CSRF token, setting one if it has none. Forms carry
// it in a hidden field and POSTs must return it (double-submit): a page on another
// site can neither read the cookie nor set it, and SameSite keeps it off cross-site
// requests anyway.
func (wb *Web) csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: wb.SecureCookies})
	// Make it visible to this request's own reading too.
	r.AddCookie(&http.Cookie{Name: csrfCookie, Value: token})
	return token
}

// checkCSRF refuses a POST whose form token does not match the cookie, or that comes
// from another origin.
func (wb *Web) checkCSRF(r *http.Request, rq *request) error {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return errCSRF
		}
	}
	c, err := r.Cookie(csrfCookie)
	if err != nil {
		return errCSRF
	}
	// Multipart forms: reading the field parses the body, bounded by the caller's limit.
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		r.Body = http.MaxBytesReader(nil, r.Body, wb.maxBody())
		got = r.FormValue("csrf")
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(c.Value)) != 1 {
		return errCSRF
	}
	return nil
}

func (wb *Web) maxBody() int64 { return int64(wb.app.Config.MaxUploadMB) << 20 }

// setSession sets the session cookie: HttpOnly, SameSite=Lax (links from e-mails keep
// the session), Secure outside local development.
func (wb *Web) setSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: wb.SecureCookies})
}

func (wb *Web) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: wb.SecureCookies})
}

// limiter allows n events per key in each window (a fixed window per key), in memory:
// enough against guessing from one address; several replicas each keep their own.
type limiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	seen   map[string]*bucket
}

type bucket struct {
	start time.Time
	count int
}

func newLimiter(n int, window time.Duration) *limiter {
	return &limiter{n: n, window: window, seen: map[string]*bucket{}}
}

// allow records an event for key and reports whether it is within the limit.
func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if len(l.seen) > 100_000 { // forget everything rather than grow without bound
		l.seen = map[string]*bucket{}
	}
	b, ok := l.seen[key]
	if !ok || now.Sub(b.start) > l.window {
		l.seen[key] = &bucket{start: now, count: 1}
		return true
	}
	b.count++
	return b.count <= l.n
}

func (rq *request) t(key string) string { return i18n.T(rq.Lang, key, nil) }

// i18nT translates with name, value pairs.
func i18nT(lang, key string, args ...any) string {
	p := &Page{Lang: lang}
	return p.T(key, args...)
}
