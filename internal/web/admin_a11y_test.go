package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/testenv"
)

// TestEveryAdminPageIsAccessible opens every back-office page, in the states staff
// meet (empty, with data, with errors), in a real Chromium: WCAG 2.1 A and AA by
// axe-core, one h1 and no skipped heading levels, unique ids, and no sideways
// scrolling at 320 CSS pixels.
func TestEveryAdminPageIsAccessible(t *testing.T) {
	a := testenv.App(t, testenv.SQLite)
	base := start(t, a)
	b := testenv.NewBrowser(t)
	ctx := context.Background()

	citizen := testenv.User(t, a, identity.Citizen, "")
	adm := testenv.User(t, a, identity.Admin, "")
	worker := testenv.User(t, a, identity.Worker, "relatii-cetateni")
	clerk := testenv.User(t, a, identity.Clerk, "")
	file := func() *cases.Case {
		c, err := a.Cases.File(ctx, petitionFiling(citizen))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	registered, infoRequested, decided := file(), file(), file()
	if _, err := a.Cases.RequestInfo(ctx, worker, infoRequested.ID, "Vă rugăm să precizați adresa exactă."); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Cases.Decide(ctx, worker, decided.ID, cases.Approved, "Iluminatul a fost reparat pe 12 martie."); err != nil {
		t.Fatal(err)
	}
	entries, _ := registry.ForCase(ctx, a.DB.Read(), registered.ID)
	// Routing: a petition the virtual civil servant proposes to move, and one
	// forwarded to another institution.
	proposed, err := a.Cases.File(ctx, cases.Filing{Service: "petitie", Applicant: citizen, Fields: map[string]any{"name": "Ion Popescu",
		"email": "ion@example.ro", "message": "Vă rog să-mi eliberați un certificat de atestare fiscală pentru notar."}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Clerk.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	forwarded := file()
	if _, err := a.Clerk.Forward(ctx, worker, forwarded.ID, "itm-cluj", "Salariul neplătit ține de inspecția muncii."); err != nil {
		t.Fatal(err)
	}

	// Identity at the counter: one citizen to verify, one already verified.
	verified := testenv.User(t, a, identity.Citizen, "")
	if _, err := identity.VerifyCNP(ctx, a.DB, clerk, verified.ID, "1630615123457", "CI KX 123456"); err != nil {
		t.Fatal(err)
	}
	identityOf := func(u *identity.User) string { return "/admin/identitate?email=" + url.QueryEscape(u.Email) }

	at := func(path string) func(p *testenv.Page) {
		return func(p *testenv.Page) { p.Go(base + path) }
	}
	submitting := func(path, button string, fields ...string) func(p *testenv.Page) {
		return func(p *testenv.Page) {
			p.Go(base + path)
			for i := 0; i+1 < len(fields); i += 2 {
				p.Fill("#"+fields[i], fields[i+1])
			}
			p.Submit(button)
		}
	}
	const errorSummary = `class="error-summary"`
	caseURL := func(c *cases.Case) string { return fmt.Sprintf("/admin/cazuri/%d", c.ID) }

	asAdmin := []pageState{
		{name: "home", status: 200, want: `href="/admin/utilizatori"`, open: at("/admin")},
		{name: "queue", status: 200, want: registered.Number, open: at("/admin/cazuri")},
		{name: "queue/empty", status: 200, want: `value="urbanism" selected`, open: at("/admin/cazuri?departament=urbanism&termen=depasit")},
		{name: "case/registered", status: 200, want: `id="f-decide-reason"`, open: at(caseURL(registered))},
		{name: "case/errors", status: 422, want: errorSummary, open: submitting(caseURL(registered), "#f-decide-submit")},
		{name: "case/extension errors", status: 422, want: errorSummary, open: submitting(caseURL(registered), "#f-extend-submit", "f-extend-days", "99")},
		{name: "case/info requested", status: 200, want: "Vă rugăm să precizați adresa exactă.", open: at(caseURL(infoRequested))},
		{name: "case/decided", status: 200, want: `class="panel reply"`, open: at(caseURL(decided))},
		{name: "case/reroute proposal", status: 200, want: `id="f-proposal-submit"`, open: at(caseURL(proposed))},
		{name: "case/reroute errors", status: 422, want: errorSummary, open: submitting(caseURL(registered), "#f-reroute-submit")},
		{name: "case/forward errors", status: 422, want: errorSummary, open: submitting(caseURL(registered), "#f-forward-submit")},
		{name: "case/forwarded", status: 200, want: "Inspectoratul Teritorial de Muncă Cluj – Str. Nicolae Titulescu", open: at(caseURL(forwarded))},
		{name: "case/not found", status: 404, want: `href="/"`, open: at("/admin/cazuri/999999")},
		{name: "registry", status: 200, want: `id="f-doc-subject"`, open: at("/admin/registratura")},
		{name: "registry/service form", status: 200, want: `id="f-message"`, open: at("/admin/registratura?serviciu=petitie")},
		{name: "registry/service errors", status: 422, want: errorSummary, open: submitting("/admin/registratura?serviciu=petitie", `main form[action="/admin/registratura/cerere"] button`)},
		{name: "registry/document errors", status: 422, want: errorSummary, open: submitting("/admin/registratura", `main form[action="/admin/registratura/document"] button`)},
		{name: "registry/registered", status: 200, want: `class="confirmation"`, open: at(fmt.Sprintf("/admin/registratura?intrare=%d", entries[0].ID))},
		{name: "dashboard", status: 200, want: `class="stats"`, open: at("/admin/tablou")},
		{name: "dashboard/department", status: 200, want: `<th scope="row">`, open: at("/admin/tablou?departament=relatii-cetateni")},
		{name: "services", status: 200, want: `action="/admin/servicii/petitie/dezactivare"`, open: at("/admin/servicii")},
		{name: "service", status: 200, want: `id="f-summary_hu"`, open: at("/admin/servicii/petitie")},
		{name: "users", status: 200, want: worker.Email, open: at("/admin/utilizatori")},
		{name: "users/errors", status: 422, want: errorSummary, open: submitting("/admin/utilizatori", `main form[action="/admin/utilizatori"] button`)},
		{name: "user", status: 200, want: `id="f-role"`, open: at(fmt.Sprintf("/admin/utilizatori/%d", worker.ID))},
		{name: "user/errors", status: 422, want: errorSummary, open: func(p *testenv.Page) {
			p.Go(base + fmt.Sprintf("/admin/utilizatori/%d", worker.ID))
			p.Select("#f-department", "Fără compartiment") // by its text: testenv passes an empty value as undefined
			p.Submit("#f-role")
		}},
		{name: "user/self", status: 200, want: `class="notice"`, open: at(fmt.Sprintf("/admin/utilizatori/%d", adm.ID))},
		{name: "identity", status: 200, want: `id="f-email"`, open: at("/admin/identitate")},
		{name: "identity/search errors", status: 422, want: errorSummary, open: submitting("/admin/identitate", "#f-search", "f-email", "nu-e-o-adresa")},
		{name: "identity/not found", status: 200, want: "Nu există un cont de cetățean", open: at("/admin/identitate?email=nimeni%40example.ro")},
		{name: "identity/found", status: 200, want: `id="f-cnp"`, open: at(identityOf(citizen))},
		{name: "identity/errors", status: 422, want: errorSummary, open: submitting(identityOf(citizen), "#f-verify", "f-cnp", "1630615123458")},
		{name: "identity/verified", status: 200, want: `id="f-reason"`, open: at(identityOf(verified))},
		{name: "identity/revoke errors", status: 422, want: errorSummary, open: submitting(identityOf(verified), "#f-revoke")},
		{name: "en/identity/errors", lang: "en", status: 422, want: errorSummary, open: submitting(identityOf(citizen), "#f-verify")},
		{name: "hu/identity/verified", lang: "hu", status: 200, want: `id="f-reason"`, open: at(identityOf(verified))},
		{name: "en/case/registered", lang: "en", status: 200, want: `id="f-decide-reason"`, open: at(caseURL(registered))},
		{name: "hu/case/errors", lang: "hu", status: 422, want: errorSummary, open: submitting(caseURL(registered), "#f-decide-submit")},
		{name: "en/dashboard", lang: "en", status: 200, want: `class="stats"`, open: at("/admin/tablou")},
		{name: "hu/registry/service form", lang: "hu", status: 200, want: `id="f-message"`, open: at("/admin/registratura?serviciu=petitie")},
	}
	asWorker := []pageState{
		{name: "home", status: 200, want: registered.Number, open: at("/admin")},
		{name: "case/take", status: 200, want: `id="f-assign-submit"`, open: at(caseURL(registered))},
		{name: "case/reroute proposal", status: 200, want: `id="f-proposal-submit"`, open: at(caseURL(proposed))},
		{name: "forbidden", status: 403, want: `<h1>`, open: at("/admin/utilizatori")},
	}
	asClerk := []pageState{
		{name: "home", status: 200, want: `href="/admin/registratura"`, open: at("/admin")},
		{name: "registry", status: 200, want: entries[0].Number, open: at("/admin/registratura")},
		{name: "identity/found", status: 200, want: `id="f-cnp"`, open: at(identityOf(citizen))},
		{name: "identity/verified", status: 200, want: "CI KX 123456", open: at(identityOf(verified))},
	}

	check := func(t *testing.T, pages []pageState) {
		for _, ps := range pages {
			t.Run(ps.name, func(t *testing.T) {
				t.Parallel()
				p := b.Page(t)
				lang := ps.lang
				if lang == "" {
					lang = "ro"
				}
				p.SetLanguage(lang)
				ps.open(p)
				if p.Status() != ps.status {
					t.Errorf("%s answered %d, want %d", p.URL(), p.Status(), ps.status)
				}
				html := p.HTML()
				if !strings.HasPrefix(html, `<html lang="`+lang+`"`) {
					t.Errorf("%s is not marked as %s: %.40s", p.URL(), lang, html)
				}
				if !strings.Contains(html, ps.want) {
					t.Errorf("%s is not in the intended state: it lacks %s", p.URL(), ps.want)
				}
				for _, problem := range structureProblems(html) {
					t.Errorf("%s: %s", p.URL(), problem)
				}
				if vs := p.Axe(); len(vs) > 0 {
					p.Screenshot("axe")
					t.Errorf("axe-core finds %d WCAG 2.1 A/AA violation(s) on %s:\n%s", len(vs), p.URL(), testenv.FormatAxe(vs))
				}
				p.SetViewport(320, 800)
				if p.ScrollsSideways() {
					p.Screenshot("320px")
					t.Errorf("%s scrolls sideways at 320 px wide (WCAG 1.4.10)", p.URL())
				}
			})
		}
	}
	b.Page(t).Go(base + "/")
	browserSignIn(t, b, base, adm)
	t.Run("admin", func(t *testing.T) { check(t, asAdmin) })
	browserSignIn(t, b, base, worker)
	t.Run("worker", func(t *testing.T) { check(t, asWorker) })
	browserSignIn(t, b, base, clerk)
	t.Run("clerk", func(t *testing.T) { check(t, asClerk) })
}

// browserSignIn signs a staff member in through the sign-in page; the session holds
// for every tab of b.
func browserSignIn(t *testing.T, b *testenv.Browser, base string, u *identity.User) {
	t.Helper()
	p := b.Page(t)
	p.Go(base + "/autentificare")
	p.Fill("#f-email", u.Email)
	p.Fill("#f-password", admPassword)
	p.Submit("#f-password")
	if !strings.HasSuffix(p.URL(), "/admin") {
		t.Fatalf("signing in %s ended at %s", u.Email, p.URL())
	}
}
