package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/testenv"
)

func sessionCookie(b *browser) string {
	u, _ := url.Parse(b.base)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "cetate_session" {
			return c.Value
		}
	}
	return ""
}

// Sign-in gives a new session each time (a session planted before sign-in is
// worthless), sign-out ends it, repeated failures are throttled, and a password is
// reset through the e-mailed link, which ends the old sessions.
func TestAccountSessionsThrottlingAndReset(t *testing.T) {
	a := testenv.App(t, testenv.SQLite)
	base := start(t, a)
	u := testenv.User(t, a, identity.Citizen, "")

	signIn := func(b *browser, password string) int {
		b.get("/autentificare")
		st, _ := b.post("/autentificare", url.Values{"email": {u.Email}, "password": {password}})
		return st
	}
	b := newBrowser(t, base)
	if st := signIn(b, "Parola-Lunga-2026!"); st != 200 {
		t.Fatalf("sign in: %d", st)
	}
	first := sessionCookie(b)
	if st := signIn(b, "Parola-Lunga-2026!"); st != 200 || sessionCookie(b) == first || first == "" {
		t.Fatalf("signing in again kept the session %q", first)
	}
	if _, err := identity.SessionUser(context.Background(), a.DB, first); err == nil {
		t.Fatal("the session replaced at sign-in still works")
	}
	// The session cookie is HttpOnly and SameSite.
	resp, err := http.Get(base + "/autentificare")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if !c.HttpOnly || c.SameSite == http.SameSiteDefaultMode {
			t.Errorf("cookie %s: HttpOnly %v SameSite %v", c.Name, c.HttpOnly, c.SameSite)
		}
	}
	b.get("/cereri")
	if st, _ := b.post("/iesire", url.Values{}); st != 200 {
		t.Fatalf("sign out: %d", st)
	}
	if st, body := b.get("/cereri"); st != 200 || !strings.Contains(body, `action="/autentificare"`) {
		t.Fatal("still signed in after signing out")
	}

	// Five wrong passwords, then even the right one is refused for a while.
	attacker := newBrowser(t, base)
	for i := 0; i < identity.MaxFailuresPerUser; i++ {
		if st := signIn(attacker, "parola-gresita-123"); st != 422 {
			t.Fatalf("wrong password %d: %d", i, st)
		}
	}
	if st := signIn(attacker, "Parola-Lunga-2026!"); st != 422 || !strings.Contains(attacker.last, "15") {
		t.Fatalf("sign-in after repeated failures: %d", st)
	}

	// Reset: the link from the e-mail sets a new password and ends old sessions.
	other := newBrowser(t, base)
	other.get("/parola-uitata")
	if st, body := other.post("/parola-uitata", url.Values{"email": {u.Email}}); st != 200 || !strings.Contains(body, u.Email) {
		t.Fatalf("forgot password: %d", st)
	}
	link := lastLink(t, a, "account.reset")
	other.get(link)
	token := strings.TrimPrefix(link[strings.Index(link, "token="):], "token=")
	token, _ = url.QueryUnescape(token)
	if st, _ := other.post("/parola-noua", url.Values{"token": {token}, "password": {"Alta-Parola-Lunga-1"}, "password2": {"Alta-Parola-Lunga-1"}}); st != 200 {
		t.Fatalf("reset: %d", st)
	}
	if _, err := identity.Login(context.Background(), a.DB.Read(), u.Email, "Alta-Parola-Lunga-1"); err != nil {
		t.Fatalf("the new password does not work: %v", err)
	}
	other.get(link)
	if st, _ := other.post("/parola-noua", url.Values{"token": {token}, "password": {"A-Treia-Parola-Lunga"}, "password2": {"A-Treia-Parola-Lunga"}}); st != 400 {
		t.Fatalf("a used reset link worked again: %d", st)
	}
}
