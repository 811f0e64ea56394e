package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/server"
	"github.com/cetate/cetate/internal/testenv"
)

// browser is a cookie-keeping HTTP client that reads pages like a person without
// JavaScript: it follows redirects and submits forms with their CSRF token.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
	last string
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar}}
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	b.last = string(body)
	return resp.StatusCode, b.last
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// post submits a form from the last page (its CSRF token) with values.
func (b *browser) post(path string, values url.Values) (int, string) {
	b.t.Helper()
	m := csrfRe.FindStringSubmatch(b.last)
	if m == nil {
		b.t.Fatalf("no CSRF token on the page before POST %s", path)
	}
	values.Set("csrf", m[1])
	resp, err := b.c.PostForm(b.base+path, values)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	b.last = string(body)
	return resp.StatusCode, b.last
}

func (b *browser) postMultipart(path string, values map[string]string, field, name string, data []byte) (int, string) {
	b.t.Helper()
	m := csrfRe.FindStringSubmatch(b.last)
	if m == nil {
		b.t.Fatalf("no CSRF token before POST %s", path)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", m[1])
	for k, v := range values {
		mw.WriteField(k, v)
	}
	if data != nil {
		fw, _ := mw.CreateFormFile(field, name)
		fw.Write(data)
	}
	mw.Close()
	resp, err := b.c.Post(b.base+path, mw.FormDataContentType(), &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	b.last = string(body)
	return resp.StatusCode, b.last
}

func start(t *testing.T, a *app.App) string {
	srv := httptest.NewServer(server.Handler(a, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	return srv.URL
}

// lastLink returns the link of the newest e-mail of a kind in the outbox.
func lastLink(t *testing.T, a *app.App, kind string) string {
	var params string
	if err := a.DB.Read().QueryRowContext(context.Background(), `SELECT params FROM outbox WHERE kind = $1 ORDER BY id DESC LIMIT 1`, kind).Scan(&params); err != nil {
		t.Fatalf("no %s e-mail: %v", kind, err)
	}
	var p map[string]any
	json.Unmarshal([]byte(params), &p)
	u, _ := url.Parse(p["link"].(string))
	return u.RequestURI()
}

func TestCitizenJourney(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		base := start(t, a)
		b := newBrowser(t, base)

		// Find the petition from plain words.
		if st, body := b.get("/cautare?q=vreau+sa+fac+o+reclamatie"); st != 200 || !strings.Contains(body, `href="/servicii/petitie"`) {
			t.Fatalf("search: %d", st)
		}
		// Sign up, verify, sign in.
		b.get("/inregistrare")
		if st, body := b.post("/inregistrare", url.Values{"name": {"Ion Popescu"}, "email": {"ion@example.ro"}, "password": {"scurta"}, "password2": {"scurta"}}); st != 422 || !strings.Contains(body, `href="#f-password"`) {
			t.Fatalf("short password: %d", st)
		}
		if st, body := b.post("/inregistrare", url.Values{"name": {"Ion Popescu"}, "email": {"ion@example.ro"}, "password": {"Parola-Lunga-2026!"}, "password2": {"Parola-Lunga-2026!"}}); st != 200 || !strings.Contains(body, "ion@example.ro") {
			t.Fatalf("sign up: %d", st)
		}
		b.get("/autentificare")
		if st, body := b.post("/autentificare", url.Values{"email": {"ion@example.ro"}, "password": {"Parola-Lunga-2026!"}}); st != 422 || !strings.Contains(body, "e-mail") {
			t.Fatalf("sign-in before verifying: %d", st)
		}
		if st, _ := b.get(lastLink(t, a, "account.verify")); st != 200 {
			t.Fatalf("verify link: %d", st)
		}
		b.get("/autentificare")
		if st, body := b.post("/autentificare", url.Values{"email": {"ion@example.ro"}, "password": {"Parola-Lunga-2026!"}}); st != 200 || !strings.Contains(body, "/cereri") {
			t.Fatalf("sign in: %d", st)
		}

		// The service page, then the form page by page.
		if st, body := b.get("/servicii/petitie"); st != 200 || !strings.Contains(body, "OG 27/2002") {
			t.Fatalf("service page: %d", st)
		}
		st, body := b.post("/servicii/petitie/cerere", url.Values{})
		if st != 200 || !strings.Contains(body, `value="Ion Popescu"`) {
			t.Fatalf("first step (name filled from the account): %d", st)
		}
		stepURL := regexp.MustCompile(`action="(/ciorne/\d+/pas/1)"`).FindStringSubmatch(body)
		if stepURL == nil {
			t.Fatal("no step form")
		}
		draft := strings.TrimSuffix(stepURL[1], "/pas/1")
		st, body = b.post(draft+"/pas/1", url.Values{"name": {"Ion Popescu"}, "email": {"ion@example.ro"}, "cnp": {"1920822296091"}})
		if st != 422 || !strings.Contains(body, `href="#f-cnp"`) || !strings.Contains(body, `aria-invalid="true"`) {
			t.Fatalf("bad CNP: %d", st)
		}
		if st, _ = b.post(draft+"/pas/1", url.Values{"name": {"Ion Popescu"}, "email": {"ion@example.ro"}, "cnp": {"1920822296090"}}); st != 200 {
			t.Fatalf("step 1: %d", st)
		}
		if st, body = b.post(draft+"/pas/2", url.Values{"message": {""}}); st != 422 {
			t.Fatalf("empty message: %d", st)
		}
		if st, _ = b.post(draft+"/pas/2", url.Values{"message": {"Groapă mare în asfalt pe strada Horea 12."}, "later": {"1"}}); st != 200 {
			t.Fatalf("save for later: %d", st)
		}
		if st, body = b.get("/ciorne"); st != 200 || !strings.Contains(body, draft+"/pas/1") {
			t.Fatalf("drafts list: %d", st)
		}
		b.get(draft + "/pas/3")
		pdf := []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
		if st, body = b.postMultipart(draft+"/pas/3", nil, "attachment", "poza.pdf", pdf); st != 200 || !strings.Contains(body, "poza.pdf") {
			t.Fatalf("upload step then check answers: %d", st)
		}
		st, body = b.post(draft+"/trimitere", url.Values{})
		if st != 200 || !regexp.MustCompile(`class="number">\d+/\d+/\d\d\.\d\d\.\d{4}<`).MatchString(body) {
			t.Fatalf("confirmation page with number: %d", st)
		}
		var mails int
		a.DB.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM outbox WHERE kind = 'request.filed' AND email = 'ion@example.ro'`).Scan(&mails)
		if mails != 1 {
			t.Fatalf("confirmation e-mails queued: %d", mails)
		}
		if st, body = b.get("/cereri"); st != 200 || !strings.Contains(body, "/cereri/") {
			t.Fatalf("my requests: %d", st)
		}

		// Another citizen sees nothing of it.
		other := testenv.User(t, a, identity.Citizen, "")
		_ = other
		if st, _ := newBrowser(t, base).get("/cereri/1"); st != 200 { // redirected to sign-in
			t.Fatalf("anonymous case page: %d", st)
		}
	})
}

func TestSecurityHeadersAndCSRF(t *testing.T) {
	a := testenv.App(t, testenv.SQLite)
	base := start(t, a)
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "frame-ancestors 'none'", "script-src 'self'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows unsafe-inline: %s", csp)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Referrer-Policy") == "" {
		t.Errorf("headers: %v", resp.Header)
	}
	// A POST without the token, or from another site, is refused and changes nothing.
	resp, err = http.PostForm(base+"/inregistrare", url.Values{"name": {"X"}, "email": {"x@example.ro"}, "password": {"Parola-Lunga-2026!"}, "password2": {"Parola-Lunga-2026!"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("POST without CSRF token: %d", resp.StatusCode)
	}
	b := newBrowser(t, base)
	b.get("/inregistrare")
	m := csrfRe.FindStringSubmatch(b.last)
	req, _ := http.NewRequest("POST", base+"/inregistrare", strings.NewReader(url.Values{"csrf": {m[1]}, "name": {"X"}, "email": {"x@example.ro"}, "password": {"Parola-Lunga-2026!"}, "password2": {"Parola-Lunga-2026!"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	resp, err = b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("cross-origin POST: %d", resp.StatusCode)
	}
	var users int
	a.DB.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM users WHERE email = 'x@example.ro'`).Scan(&users)
	if users != 0 {
		t.Fatal("a refused POST created an account")
	}
}

func TestLanguagesAndLookup(t *testing.T) {
	a := testenv.App(t, testenv.SQLite)
	base := start(t, a)
	b := newBrowser(t, base)
	for lang, word := range map[string]string{"ro": "Ce doriți să rezolvați?", "en": "What do you need to do?", "hu": "Mit szeretne elintézni?"} {
		if st, body := b.get("/?lang=" + lang); st != 200 || !strings.Contains(body, word) || !strings.Contains(body, `lang="`+lang+`"`) {
			t.Errorf("home in %s: %d", lang, st)
		}
	}
	// The choice is remembered.
	b.get("/?lang=hu")
	if _, body := b.get("/servicii/petitie"); !strings.Contains(body, "Petíció") {
		t.Error("language not remembered")
	}
	// Status look-up without an account, and its limit.
	citizen := testenv.User(t, a, identity.Citizen, "")
	c, err := a.Cases.File(context.Background(), petitionFiling(citizen))
	if err != nil {
		t.Fatal(err)
	}
	day := c.RegisteredOn.Format("2006-01-02")
	b.get("/urmarire?lang=ro")
	if st, body := b.post("/urmarire", url.Values{"number": {c.Number}, "date": {day}, "surname": {"popescu"}}); st != 200 || !strings.Contains(body, c.Number) {
		t.Fatalf("lookup: %d", st)
	}
	b.get("/urmarire")
	if st, _ := b.post("/urmarire", url.Values{"number": {c.Number}, "date": {day}, "surname": {"Ionescu"}}); st != 404 {
		t.Fatalf("wrong surname: %d", st)
	}
	limited := false
	for i := 0; i < 12; i++ {
		b.get("/urmarire")
		if st, _ := b.post("/urmarire", url.Values{"number": {fmt.Sprint(i)}, "date": {day}, "surname": {"x"}}); st == 429 {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("look-ups are not rate-limited")
	}
}
