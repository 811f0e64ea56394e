package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/documents"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/sources"
	"github.com/cetate/cetate/internal/testenv"
)

func issuedDocument(t *testing.T, a *app.App) (*documents.Issued, []byte) {
	ctx := context.Background()
	if _, err := sources.Import(ctx, a.DB, "tax-roll", strings.NewReader("identifier,name,address,debt_lei\n1630615123457,Maria Pop,Str. Memorandumului 28,0\n")); err != nil {
		t.Fatal(err)
	}
	u, err := identity.CreateUser(ctx, a.DB, identity.NewUser{Email: "maria@example.ro", Password: "Parola-Lunga-2026!", Role: identity.Citizen,
		Name: "Maria Pop", CNP: "1630615123457", EmailVerified: true}, 0)
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Cases.File(ctx, cases.Filing{Service: "certificat-fiscal", Applicant: u, Fields: map[string]any{
		"name": "Maria Pop", "email": "maria@example.ro", "cnp": "1630615123457", "purpose": "notar"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Clerk.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	docs, err := documents.ForCase(ctx, a.DB.Read(), c.ID)
	if err != nil || len(docs) != 1 {
		t.Fatalf("no document issued: %v %v", docs, err)
	}
	pdf, err := documents.PDF(ctx, a.DB.Read(), docs[0])
	if err != nil {
		t.Fatal(err)
	}
	return docs[0], pdf
}

// /verify/{code} shows issuer, number, date, type, status and only the holder's
// initials; an uploaded PDF is recognised only when unchanged.
func TestVerifyDocuments(t *testing.T) {
	a := testenv.App(t, testenv.SQLite)
	base := start(t, a)
	d, pdf := issuedDocument(t, a)
	b := newBrowser(t, base)
	st, body := b.get("/verify/" + d.Code)
	if st != 200 || !strings.Contains(body, d.Number) || !strings.Contains(body, "M. P.") || strings.Contains(body, "Maria Pop") {
		t.Fatalf("verification page: %d", st)
	}
	if st, _ := b.get("/verify/nu-exista"); st != 404 {
		t.Fatalf("unknown code: %d", st)
	}
	b.get("/verify")
	if st, body := b.postMultipart("/verify", nil, "file", "doc.pdf", pdf); st != 200 || !strings.Contains(body, d.Number) {
		t.Fatalf("unchanged upload: %d", st)
	}
	changed := append([]byte{}, pdf...)
	changed[len(changed)/3] ^= 1
	b.get("/verify")
	if st, body := b.postMultipart("/verify", nil, "file", "doc.pdf", changed); st != 200 || strings.Contains(body, d.Number) {
		t.Fatalf("changed upload was recognised: %d", st)
	}
	b.get("/verify")
	if st, _ := b.postMultipart("/verify", nil, "", "", nil); st != 422 {
		t.Fatalf("no file: %d", st)
	}
	b.get("/verify")
	if st, _ := b.postMultipart("/verify", nil, "file", "x.pdf", []byte("%PDF-1.4 garbage")); st != 200 {
		t.Fatalf("garbage PDF: %d", st)
	}

	// The applicant sees why it was decided automatically and downloads the answer.
	owner := newBrowser(t, base)
	owner.get("/autentificare")
	owner.post("/autentificare", url.Values{"email": {"maria@example.ro"}, "password": {"Parola-Lunga-2026!"}})
	st, body = owner.get(fmt.Sprintf("/cereri/%d", d.CaseID))
	docURL := fmt.Sprintf("/cereri/%d/documente/%d", d.CaseID, d.ID)
	if st != 200 || !strings.Contains(body, docURL) || !strings.Contains(body, "certificat-fiscal/rol-fiscal") {
		t.Fatalf("request page: %d", st)
	}
	resp, err := owner.c.Get(base + docURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	stranger := newBrowser(t, base)
	u := testenv.User(t, a, identity.Citizen, "")
	stranger.get("/autentificare")
	stranger.post("/autentificare", url.Values{"email": {u.Email}, "password": {"Parola-Lunga-2026!"}})
	if st, _ := stranger.get(docURL); st != 404 {
		t.Fatalf("another citizen downloads the answer: %d", st)
	}
}

func TestVerifyPageIsAccessible(t *testing.T) {
	a := testenv.App(t, testenv.SQLite)
	base := start(t, a)
	d, _ := issuedDocument(t, a)
	br := testenv.NewBrowser(t)
	p := br.Page(t)
	for _, path := range []string{"/verify/" + d.Code, "/verify/nu-exista", "/verify"} {
		p.Go(base + path)
		p.CheckAxe()
		p.SetViewport(320, 800)
		if p.ScrollsSideways() {
			t.Errorf("%s scrolls sideways at 320 px", path)
		}
		p.SetViewport(1280, 900)
	}
	p.Go(base + "/verify/" + d.Code)
	p.Screenshot("verify")

	// The staff case page with the virtual civil servant's step and its review form.
	head := testenv.User(t, a, identity.Head, "taxe-locale")
	sb := testenv.NewBrowser(t)
	browserSignIn(t, sb, base, head)
	sp := sb.Page(t)
	sp.Go(fmt.Sprintf("%s/admin/cazuri/%d", base, d.CaseID))
	if !strings.Contains(sp.HTML(), "/automat/") {
		t.Fatal("no review form on the case page")
	}
	sp.CheckAxe()
	sp.Screenshot("case-with-automation")
}

// The head of the department reviews the automated decision on the case page and
// reverses it; the verification page then shows the document as revoked.
func TestStaffReviewsAutomatedDecision(t *testing.T) {
	a := testenv.App(t, testenv.SQLite)
	base := start(t, a)
	d, _ := issuedDocument(t, a)
	head := testenv.User(t, a, identity.Head, "taxe-locale")
	b := staffSignIn(t, base, head)
	st, body := b.get(fmt.Sprintf("/admin/cazuri/%d", d.CaseID))
	if st != 200 || !strings.Contains(body, "certificat-fiscal/rol-fiscal") {
		t.Fatalf("case page: %d", st)
	}
	steps := regexp.MustCompile(`action="(/admin/cazuri/\d+/automat/\d+)"`).FindStringSubmatch(body)
	if steps == nil {
		t.Fatal("no review form")
	}
	if st, body := b.post(steps[1], url.Values{"note": {""}, "reverse": {"1"}}); st != 422 || !strings.Contains(body, "error-summary") {
		t.Fatalf("review without a note: %d", st)
	}
	if st, _ := b.post(steps[1], url.Values{"note": {"Amendă neînregistrată în rol."}, "reverse": {"1"}}); st != 200 {
		t.Fatalf("reverse: %d", st)
	}
	c, _ := a.Cases.Get(context.Background(), head, d.CaseID)
	if c.Status != cases.InProgress {
		t.Fatalf("status after reversal: %s", c.Status)
	}
	if _, body := newBrowser(t, base).get("/verify/" + d.Code); !strings.Contains(body, "tag-overdue") {
		t.Fatal("the verification page does not show the document revoked")
	}
}

// The dashboard counts what the virtual civil servant resolved, per service.
func TestDashboardShowsAutomation(t *testing.T) {
	a := testenv.App(t, testenv.SQLite)
	base := start(t, a)
	issuedDocument(t, a)
	head := testenv.User(t, a, identity.Head, "taxe-locale")
	b := staffSignIn(t, base, head)
	st, body := b.get("/admin/tablou")
	if st != 200 || !strings.Contains(body, `id="automation"`) || !regexp.MustCompile(`Certificat de atestare fiscală</th><td class="num">1</td>`).MatchString(body) {
		t.Fatalf("dashboard: %d", st)
	}
}
