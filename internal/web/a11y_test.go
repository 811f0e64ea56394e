package web_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/i18n"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/testenv"
)

// pageState is one citizen page in one state, for the accessibility checks.
type pageState struct {
	name   string
	lang   string // Accept-Language sent for it; Romanian when empty
	status int    // the HTTP status the page must answer with
	want   string // a piece of the page's HTML that proves it is in the intended state
	open   func(p *testenv.Page)
}

// TestEveryCitizenPageIsAccessible opens every public and citizen page, in every
// state a person meets (empty, with data, with errors, not found), in a real
// Chromium and checks WCAG 2.1 A and AA with axe-core: no violations. At 320 CSS
// pixels wide no page may scroll sideways (WCAG 1.4.10), and headings and ids are
// checked too (structureProblems). Then it walks the home page and a form page with
// the keyboard alone: the skip link comes first and works, every stop shows where
// the focus is, and a form can be sent and corrected without a mouse.
func TestEveryCitizenPageIsAccessible(t *testing.T) {
	a := testenv.App(t, testenv.SQLite)
	base := start(t, a)
	b := testenv.NewBrowser(t)
	ctx := context.Background()

	// The cases and drafts the pages show, made through the domains.
	fresh := testenv.User(t, a, identity.Citizen, "") // an account with nothing yet
	cit := testenv.User(t, a, identity.Citizen, "")
	worker := testenv.User(t, a, identity.Worker, "relatii-cetateni")
	file := func() *cases.Case {
		c, err := a.Cases.File(ctx, petitionFiling(cit))
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
	// ajutor-urgenta has a field of every type, spread over eight pages:
	// 1 text, e-mail, phone; 2 CNP, address, choice; 3 date; 4 textarea;
	// 5 number, IBAN; 6 and 7 files; 8 checkbox.
	every, err := a.Cases.NewDraft(ctx, cit, "ajutor-urgenta")
	if err != nil {
		t.Fatal(err)
	}
	petition, err := a.Cases.NewDraft(ctx, cit, "petitie")
	if err != nil {
		t.Fatal(err)
	}
	petition.Fields["message"] = "Vă rog să reparați iluminatul de pe strada Horea."
	pdf, err := os.ReadFile(writePDF(t, "dovada.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Cases.SaveDraft(ctx, cit, petition, []cases.File{{Field: "attachment", Name: "dovada.pdf", Data: pdf}}); err != nil {
		t.Fatal(err)
	}

	at := func(path string) func(p *testenv.Page) {
		return func(p *testenv.Page) { p.Go(base + path) }
	}
	// submitting opens path, fills the fields (by id) and submits the form that
	// holds button.
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
	step := func(d *cases.Draft, n int) string { return fmt.Sprintf("/ciorne/%d/pas/%d", d.ID, n) }
	next := `main button[name="next"]`
	day := registered.RegisteredOn.Format("2006-01-02")
	ro := func(key string, args ...any) string { // a Romanian text, as the pages print it
		params := map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			params[args[i].(string)] = args[i+1]
		}
		return i18n.T("ro", key, params)
	}

	anonymous := []pageState{
		{name: "home", status: 200, want: `id="q"`, open: at("/")},
		{name: "search/results", status: 200, want: `href="/servicii/petitie"`, open: at("/cautare?q=vreau+sa+fac+o+reclamatie")},
		{name: "search/no results", status: 200, want: ro("web.search.none", "Query", "zzqx wvkj"), open: at("/cautare?q=zzqx+wvkj")},
		{name: "search/empty", status: 200, want: `id="q"`, open: at("/cautare")},
		{name: "browse/all", status: 200, want: `class="card"`, open: at("/servicii")},
		{name: "browse/by event", status: 200, want: `value="nastere" selected`, open: at("/servicii?eveniment=nastere")},
		{name: "browse/by department", status: 200, want: `value="stare-civila" selected`, open: at("/servicii?departament=stare-civila")},
		{name: "browse/nothing matches", status: 200, want: ">" + ro("web.browse.count", "Count", 0) + "<", open: at("/servicii?eveniment=nastere&departament=parcari")},
		{name: "service/petition", status: 200, want: `class="start"`, open: at("/servicii/petitie")},
		{name: "service/with fee and documents", status: 200, want: `class="start"`, open: at("/servicii/certificat-urbanism")},
		{name: "sign-in/empty", status: 200, want: `id="f-password"`, open: at("/autentificare")},
		{name: "sign-in/errors", status: 422, want: errorSummary, open: submitting("/autentificare", "#f-password")},
		{name: "sign-in/wrong password", status: 422, want: errorSummary,
			open: submitting("/autentificare", "#f-password", "f-email", cit.Email, "f-password", "Parola-Gresita-1")},
		{name: "sign-up/empty", status: 200, want: `id="f-password2"`, open: at("/inregistrare")},
		{name: "sign-up/errors", status: 422, want: errorSummary, open: submitting("/inregistrare", "#f-name")},
		{name: "sign-up/check your e-mail", status: 200, want: `role="status"`,
			open: submitting("/inregistrare", "#f-name", "f-name", "Maria Ionescu", "f-email", "maria@example.ro",
				"f-password", "Parola-Lunga-2026!", "f-password2", "Parola-Lunga-2026!")},
		{name: "verify/invalid link", status: 400, want: `<h1>`, open: at("/confirmare-email?token=nu-mai-e-valabil")},
		{name: "forgot/form", status: 200, want: `id="f-email"`, open: at("/parola-uitata")},
		{name: "forgot/errors", status: 422, want: errorSummary, open: submitting("/parola-uitata", "#f-email")},
		{name: "forgot/sent", status: 200, want: `role="status"`, open: submitting("/parola-uitata", "#f-email", "f-email", cit.Email)},
		{name: "reset/form", status: 200, want: `id="f-password2"`, open: at("/parola-noua?token=abc")},
		{name: "reset/errors", status: 422, want: errorSummary, open: submitting("/parola-noua?token=abc", "#f-password")},
		{name: "lookup/form", status: 200, want: `id="f-surname"`, open: at("/urmarire")},
		{name: "lookup/errors", status: 422, want: errorSummary, open: submitting("/urmarire", "#f-number")},
		{name: "lookup/not found", status: 404, want: errorSummary,
			open: submitting("/urmarire", "#f-number", "f-number", registered.Number, "f-date", day, "f-surname", "Ionescu")},
		{name: "lookup/found", status: 200, want: registered.Number,
			open: submitting("/urmarire", "#f-number", "f-number", registered.Number, "f-date", day, "f-surname", "Popescu")},
		{name: "accessibility statement", status: 200, want: `<h1>`, open: at("/accesibilitate")},
		{name: "not found", status: 404, want: `href="/"`, open: at("/nu-exista")},
		{name: "en/home", lang: "en", status: 200, want: `id="q"`, open: at("/")},
		{name: "hu/home", lang: "hu", status: 200, want: `id="q"`, open: at("/")},
		{name: "en/search/results", lang: "en", status: 200, want: `href="/servicii/petitie"`, open: at("/cautare?q=complaint")},
		{name: "hu/service", lang: "hu", status: 200, want: `class="start"`, open: at("/servicii/petitie")},
		{name: "hu/sign-up/errors", lang: "hu", status: 422, want: errorSummary, open: submitting("/inregistrare", "#f-name")},
		{name: "en/lookup/found", lang: "en", status: 200, want: registered.Number,
			open: submitting("/urmarire", "#f-number", "f-number", registered.Number, "f-date", day, "f-surname", "Popescu")},
	}
	withNothing := []pageState{
		{name: "home signed in", status: 200, want: `action="/iesire"`, open: at("/")},
		{name: "service signed in", status: 200, want: `action="/servicii/petitie/cerere"`, open: at("/servicii/petitie")},
		{name: "drafts/none", status: 200, want: ro("web.drafts.none"), open: at("/ciorne")},
		{name: "my requests/none", status: 200, want: ro("web.requests.none"), open: at("/cereri")},
	}
	withRequests := []pageState{
		{name: "drafts/two", status: 200, want: step(every, 1), open: at("/ciorne")},
		{name: "my requests/three", status: 200, want: registered.Number, open: at("/cereri")},
		{name: "step/text email phone", status: 200, want: `type="tel"`, open: at(step(every, 1))},
		{name: "step/cnp address choice", status: 200, want: `type="radio"`, open: at(step(every, 2))},
		{name: "step/date", status: 200, want: `type="date"`, open: at(step(every, 3))},
		{name: "step/textarea", status: 200, want: `<textarea`, open: at(step(every, 4))},
		{name: "step/number iban", status: 200, want: `inputmode="decimal"`, open: at(step(every, 5))},
		{name: "step/file", status: 200, want: `type="file"`, open: at(step(every, 6))},
		{name: "step/checkbox", status: 200, want: `type="checkbox"`, open: at(step(every, 8))},
		{name: "step/file already attached", status: 200, want: "dovada.pdf", open: at(step(petition, 3))},
		{name: "step/errors on text fields", status: 422, want: errorSummary,
			open: submitting(step(every, 1), next, "f-email", "nu-e-adresa", "f-phone", "12")},
		{name: "step/errors on choice", status: 422, want: errorSummary, open: submitting(step(every, 2), next)},
		{name: "step/errors on date", status: 422, want: errorSummary, open: submitting(step(every, 3), next)},
		{name: "step/errors on number", status: 422, want: errorSummary, open: submitting(step(every, 5), next, "f-household_size", "-3")},
		{name: "step/errors on file", status: 422, want: errorSummary, open: submitting(step(every, 6), next)},
		{name: "step/errors on checkbox", status: 422, want: errorSummary, open: submitting(step(every, 8), next)},
		{name: "check answers/complete", status: 200, want: "dovada.pdf", open: at(fmt.Sprintf("/ciorne/%d/verificare", petition.ID))},
		{name: "check answers/unanswered", status: 200, want: `class="change"`, open: at(fmt.Sprintf("/ciorne/%d/verificare", every.ID))},
		{name: "check answers/errors", status: 422, want: errorSummary,
			open: submitting(fmt.Sprintf("/ciorne/%d/verificare", every.ID), `main form[action$="/trimitere"] button`)},
		{name: "request/just filed", status: 200, want: `class="confirmation"`, open: at(fmt.Sprintf("/cereri/%d?nou=1", registered.ID))},
		{name: "request/registered", status: 200, want: registered.Number, open: at(fmt.Sprintf("/cereri/%d", registered.ID))},
		{name: "request/info requested", status: 200, want: `id="answer-title"`, open: at(fmt.Sprintf("/cereri/%d", infoRequested.ID))},
		{name: "request/answer errors", status: 422, want: errorSummary,
			open: submitting(fmt.Sprintf("/cereri/%d", infoRequested.ID), `main form[action$="/raspuns"] button`)},
		{name: "request/decided", status: 200, want: decided.DecisionReason, open: at(fmt.Sprintf("/cereri/%d", decided.ID))},
		{name: "request/not found", status: 404, want: `href="/"`, open: at("/cereri/999999")},
		{name: "en/step/errors on choice", lang: "en", status: 422, want: errorSummary, open: submitting(step(every, 2), next)},
		{name: "hu/step/errors on choice", lang: "hu", status: 422, want: errorSummary, open: submitting(step(every, 2), next)},
		{name: "en/request/info requested", lang: "en", status: 200, want: `id="answer-title"`, open: at(fmt.Sprintf("/cereri/%d", infoRequested.ID))},
		{name: "hu/request/info requested", lang: "hu", status: 200, want: `id="answer-title"`, open: at(fmt.Sprintf("/cereri/%d", infoRequested.ID))},
		{name: "hu/my requests/three", lang: "hu", status: 200, want: registered.Number, open: at("/cereri")},
		{name: "hu/drafts/two", lang: "hu", status: 200, want: step(every, 1), open: at("/ciorne")},
		{name: "en/check answers/complete", lang: "en", status: 200, want: "dovada.pdf", open: at(fmt.Sprintf("/ciorne/%d/verificare", petition.ID))},
	}

	// Each group of pages shares one tab, page after page: a tab per page costs
	// three times as much. A failing check names the page and goes on to the next.
	// The groups run one after the other, each with its own account signed in.
	check := func(t *testing.T, pages []pageState) {
		p := b.Page(t)
		for _, ps := range pages {
			checkPage(t, p, ps)
		}
	}
	t.Run("anonymous", func(t *testing.T) { check(t, anonymous) })
	signIn(t, b, base, fresh)
	t.Run("new account", func(t *testing.T) { check(t, withNothing) })
	signIn(t, b, base, cit)
	t.Run("with requests", func(t *testing.T) { check(t, withRequests) })

	t.Run("keyboard/home", func(t *testing.T) {
		keyboardWalk(t, b.Page(t), base+"/", "input#q")
	})
	t.Run("keyboard/form step", func(t *testing.T) {
		// The link back to the previous page comes before the questions.
		p := b.Page(t)
		keyboardWalk(t, p, base+step(every, 2), "a[href="+step(every, 1)+"]")

		// Send the page with the keyboard alone, unanswered: the error summary takes
		// the focus, its first link is the next stop, and Enter on it lands in the field.
		p.Go(base + step(every, 2))
		for i := 0; i < 30 && !strings.HasPrefix(p.Focused(), "button[name=next]"); i++ {
			p.Press("Tab")
		}
		p.Press("Enter")
		if p.Status() != 422 {
			t.Fatalf("sending the unanswered page by keyboard answered %d, want 422", p.Status())
		}
		if f := p.Focused(); !strings.HasPrefix(f, "div") || !strings.Contains(f, i18n.T("ro", "web.errors.title", nil)) {
			t.Errorf("after sending, the focus is on %s, not on the error summary", f)
		}
		if f := p.Tab(); !strings.HasPrefix(f, "a[href=#f-cnp]") {
			t.Errorf("the stop after the error summary is %s, not its first link", f)
		}
		if !p.FocusVisible() {
			t.Error("the error summary's link shows no focus")
		}
		p.Press("Enter")
		if f := p.Focused(); !strings.HasPrefix(f, "input#f-cnp") {
			t.Errorf("the error summary's link leads the focus to %s, not to the CNP field", f)
		}
	})

	// Last, the pages that follow an action and say once what it did (a notice
	// kept in a cookie until shown); they change the account's requests.
	afterAction := []pageState{
		{name: "drafts/saved for later", status: 200, want: `class="notice"`,
			open: submitting(step(petition, 2), `main button[name="later"]`)},
		{name: "request/answered", status: 200, want: `class="notice"`,
			open: submitting(fmt.Sprintf("/cereri/%d", infoRequested.ID), `main form[action$="/raspuns"] button`,
				"f-message", "Adresa exactă este strada Horea 12.")},
		{name: "request/withdrawn", status: 200, want: `class="notice"`,
			open: submitting(fmt.Sprintf("/cereri/%d", registered.ID), `main form[action$="/retragere"] button`)},
		{name: "home/signed out", status: 200, want: `class="notice"`, open: submitting("/", `form[action="/iesire"] button`)},
	}
	t.Run("after an action", func(t *testing.T) { check(t, afterAction) })
}

// checkPage opens one page state in p and checks it: the status, the language,
// that it is in the intended state, its structure (structureProblems), axe-core's
// WCAG 2.1 A and AA rules at desktop width, and no sideways scrolling at 320 px.
// Failures are reported with the state's name; a screenshot shows the page.
func checkPage(t *testing.T, p *testenv.Page, ps pageState) {
	t.Helper()
	lang := ps.lang
	if lang == "" {
		lang = "ro"
	}
	p.SetViewport(1280, 1024)
	p.SetLanguage(lang)
	ps.open(p)
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s (%s): %s", ps.name, p.URL(), fmt.Sprintf(format, args...))
	}
	if p.Status() != ps.status {
		fail("answered %d, want %d", p.Status(), ps.status)
	}
	html := p.HTML()
	if !strings.HasPrefix(html, `<html lang="`+lang+`"`) {
		fail("the page is not marked as %s: %.40s", lang, html)
	}
	if !strings.Contains(html, ps.want) {
		fail("the page is not in the intended state: it lacks %s", ps.want)
	}
	for _, problem := range structureProblems(html) {
		fail("%s", problem)
	}
	if vs := p.Axe(); len(vs) > 0 {
		p.Screenshot(ps.name + " axe")
		fail("axe-core finds %d WCAG 2.1 A/AA violation(s):\n%s", len(vs), testenv.FormatAxe(vs))
	}
	p.SetViewport(320, 800)
	if p.ScrollsSideways() {
		p.Screenshot(ps.name + " 320px")
		fail("the page scrolls sideways at 320 px wide (WCAG 1.4.10)")
	}
}

// keyboardWalk checks a page with the keyboard alone: the first Tab reaches the
// skip link, Enter on it moves the focus to the main content and the next Tab to
// firstInMain (a prefix of Focused's description); then, from the top again, each
// of the first 15 stops shows a visible focus indicator.
func keyboardWalk(t *testing.T, p *testenv.Page, addr, firstInMain string) {
	t.Helper()
	p.Go(addr)
	first := p.Tab()
	if !strings.Contains(first, "[href=#main]") {
		t.Fatalf("the first Tab stop is %s, not the skip link", first)
	}
	if !p.FocusVisible() {
		t.Error("the skip link shows no focus")
	}
	p.Press("Enter")
	if f := p.Focused(); !strings.HasPrefix(f, "main#main") {
		t.Errorf("the skip link moves the focus to %s, not to the main content", f)
	}
	if f := p.Tab(); !strings.HasPrefix(f, firstInMain) {
		t.Errorf("after the skip link, Tab goes to %s, want %s", f, firstInMain)
	}

	p.Go(addr)
	var stops []string
	for i := 1; i <= 15; i++ {
		f := p.Tab()
		stops = append(stops, f)
		if f == "body" {
			t.Errorf("Tab stop %d leaves the focus nowhere", i)
			continue
		}
		if !p.FocusVisible() {
			p.Screenshot(fmt.Sprintf("focus-%d", i))
			t.Errorf("Tab stop %d, %s, shows no focus", i, f)
		}
	}
	t.Logf("Tab stops on %s:\n  %s", addr, strings.Join(stops, "\n  "))
}

var (
	headingTag = regexp.MustCompile(`<h([1-6])[\s>]`)
	idAttr     = regexp.MustCompile(`\sid="([^"]*)"`)
)

// structureProblems finds what axe-core's WCAG rules leave to best practice: a
// page has one h1, starts its headings with it and never skips a level going
// down (h2 to h4), and no two elements share an id (a label, an error link or
// aria-describedby would point at the wrong one).
func structureProblems(html string) []string {
	var out []string
	levels := headingTag.FindAllStringSubmatch(html, -1)
	h1s, prev := 0, 0
	for i, m := range levels {
		level := int(m[1][0] - '0')
		if level == 1 {
			h1s++
		}
		if i == 0 && level != 1 {
			out = append(out, fmt.Sprintf("the first heading is an h%d, not the h1", level))
		}
		if prev > 0 && level > prev+1 {
			out = append(out, fmt.Sprintf("heading %d is an h%d right after an h%d", i+1, level, prev))
		}
		prev = level
	}
	if h1s != 1 {
		out = append(out, fmt.Sprintf("%d h1 headings, want one", h1s))
	}
	seen := map[string]int{}
	for _, m := range idAttr.FindAllStringSubmatch(html, -1) {
		seen[m[1]]++
	}
	for id, n := range seen {
		if n > 1 {
			out = append(out, fmt.Sprintf("id %q is used %d times", id, n))
		}
	}
	return out
}

func TestStructureProblems(t *testing.T) {
	tests := []struct {
		name, html string
		want       int
	}{
		{"fine", `<h1>A</h1><h2>B</h2><h3 class="x">C</h3><h2>D</h2><p id="a"></p><p id="b"></p>`, 0},
		{"skips a level", `<h1>A</h1><h3>C</h3>`, 1},
		{"two h1", `<h1>A</h1><h2>B</h2><h1>C</h1>`, 1},
		{"no h1 first", `<h2>B</h2><h1>A</h1>`, 1},
		{"no heading", `<p>x</p>`, 1},
		{"duplicate id", `<h1>A</h1><input id="f-name"><p id="f-name"></p>`, 1},
		{"hr and header are not headings", `<h1>A</h1><hr><header></header><h2>B</h2>`, 0},
	}
	for _, tt := range tests {
		if got := structureProblems(tt.html); len(got) != tt.want {
			t.Errorf("%s: %d problems %q, want %d", tt.name, len(got), got, tt.want)
		}
	}
}
