package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cetate/cetate/internal/i18n"
	"github.com/cetate/cetate/internal/identity"
)

//go:embed templates/*.html
var templateFiles embed.FS

// views holds every page template, each parsed once with the layout.
type views struct {
	pages map[string]*template.Template
}

var funcs = template.FuncMap{
	"inc":  func(i int) int { return i + 1 },
	"join": strings.Join,
	"dec":  func(i int) int { return i - 1 },
	"eq1":  func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
	"has": func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	},
}

func parseViews() (*views, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	v := &views{pages: map[string]*template.Template{}}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/_*.html", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		v.pages[base] = t
	}
	return v, nil
}

// Page is what every template receives: the request's language and user, helpers
// to translate and format, and the page's own Data.
type Page struct {
	Lang      string
	Title     string
	User      *identity.User
	CSRF      string
	Path      string
	Query     string
	Data      any
	Errors    []FieldError // shown in the error summary
	Flash     string       // a key, shown once at the top
	static    *staticFiles
	Languages []string
}

// FieldError is a message for one form field, linked from the error summary.
type FieldError struct {
	Field   string
	Message string
}

// ErrorFor returns the message for a field, if any.
func (p *Page) ErrorFor(field string) string {
	for _, e := range p.Errors {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// T translates a key; args are name, value pairs.
func (p *Page) T(key string, args ...any) string {
	var params map[string]any
	if len(args) > 1 {
		params = map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			params[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	return i18n.T(p.Lang, key, params)
}

// Static returns the cache-busting URL of a static file.
func (p *Page) Static(name string) string { return p.static.url(name) }

// LangURL is the current page in another language.
func (p *Page) LangURL(lang string) string {
	q, _ := url.ParseQuery(p.Query)
	q.Set("lang", lang)
	return p.Path + "?" + q.Encode()
}

// Date formats a civil date or a time (in Bucharest) in the page's language.
func (p *Page) Date(t time.Time) string { return formatDate(p.Lang, t) }

// DateTime formats a time with hours and minutes, Bucharest time.
func (p *Page) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	local := t.In(bucharest)
	return formatDate(p.Lang, local) + ", " + local.Format("15:04")
}

// Number formats a number with the language's separators.
func (p *Page) Number(v any) string { return formatNumber(p.Lang, toFloat(v), -1) }

// Money formats an amount in lei.
func (p *Page) Money(v any) string {
	f := toFloat(v)
	decimals := 2
	if f == math.Trunc(f) {
		decimals = 0
	}
	return formatNumber(p.Lang, f, decimals) + " lei"
}

var bucharest = func() *time.Location {
	l, err := time.LoadLocation("Europe/Bucharest")
	if err != nil {
		return time.UTC
	}
	return l
}()

func formatDate(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if t.Hour() != 0 || t.Minute() != 0 || t.Location() != time.UTC {
		t = t.In(bucharest)
	}
	month := i18n.T(lang, "web.month."+strconv.Itoa(int(t.Month())), nil)
	switch lang {
	case "en":
		return fmt.Sprintf("%d %s %d", t.Day(), month, t.Year())
	case "hu":
		return fmt.Sprintf("%d. %s %d.", t.Year(), month, t.Day())
	}
	return fmt.Sprintf("%d %s %d", t.Day(), month, t.Year())
}

// formatNumber writes f with the language's grouping and decimal marks (ro: 1.234,5;
// en: 1,234.5; hu: 1 234,5); decimals < 0 means as many as needed.
func formatNumber(lang string, f float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(f), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	group, dec := ".", ","
	switch lang {
	case "en":
		group, dec = ",", "."
	case "hu":
		group, dec = "\u00a0", ","
	}
	var b strings.Builder
	if f < 0 {
		b.WriteString("−")
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteString(dec + frac)
	}
	return b.String()
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case int:
		return float64(n)
	case int64:
		return float64(n)
	case float64:
		return n
	}
	f, _ := strconv.ParseFloat(fmt.Sprint(v), 64)
	return f
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// render writes a page. titleKey is translated for <title> and the heading.
func (wb *Web) render(w http.ResponseWriter, r *http.Request, rq *request, name, titleKey string, data any, errs ...FieldError) error {
	t, ok := wb.views.pages[name]
	if !ok {
		return fmt.Errorf("no template %q", name)
	}
	p := &Page{Lang: rq.Lang, User: rq.User, CSRF: rq.CSRF, Path: r.URL.Path, Query: r.URL.RawQuery, Data: data,
		Errors: errs, static: wb.static, Languages: i18n.Languages}
	p.Title = i18n.T(rq.Lang, titleKey, nil)
	if c, err := r.Cookie(flashCookie); err == nil && i18n.Has(c.Value) {
		p.Flash = c.Value
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1})
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if err := t.Execute(buf, p); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Language", rq.Lang)
	_, err := w.Write(buf.Bytes())
	return err
}

// redirect sends the browser to url after a POST, with a message shown once.
func (wb *Web) redirect(w http.ResponseWriter, r *http.Request, to, flashKey string) error {
	if flashKey != "" {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: flashKey, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: wb.SecureCookies})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
