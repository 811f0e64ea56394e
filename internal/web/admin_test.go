package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/notify"
	"github.com/cetate/cetate/internal/registry"
	"github.com/cetate/cetate/internal/testenv"
)

const admPassword = "Parola-Lunga-2026!"

// signIn returns a browser signed in as u through the sign-in page.
func staffSignIn(t *testing.T, base string, u *identity.User) *browser {
	t.Helper()
	b := newBrowser(t, base)
	b.get("/autentificare")
	if st, body := b.post("/autentificare", url.Values{"email": {u.Email}, "password": {admPassword}}); st != 200 || strings.Contains(body, `class="error-summary"`) {
		t.Fatalf("sign in as %s: %d", u.Email, st)
	}
	return b
}

// count runs a COUNT(*) query.
func admCount(t *testing.T, a *app.App, query string, args ...any) int {
	t.Helper()
	var n int
	if err := a.DB.Read().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func admCaseStatus(t *testing.T, a *app.App, id int64) string {
	t.Helper()
	var s string
	if err := a.DB.Read().QueryRowContext(context.Background(), `SELECT status FROM cases WHERE id = $1`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// checkConsistency ends a test with checks over the whole database.
func admConsistency(t *testing.T, a *app.App) {
	t.Helper()
	ctx := context.Background()
	if problems, err := registry.Verify(ctx, a.DB.Read()); err != nil || len(problems) > 0 {
		t.Fatalf("registry verify: %v %v", problems, err)
	}
	if _, broken, err := audit.Verify(ctx, a.DB); err != nil || broken != nil {
		t.Fatalf("audit verify: %v %v", broken, err)
	}
}

func admContains(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Fatalf("%s: the page lacks %q", what, w)
		}
	}
}

// TestAdminStaffJourney follows a petition through the back office: the queue, the
// case screen (audited), a refused action, taking the case, a request for
// information the citizen answers in the portal, an extension, the decision with
// its registered reply, and closing; staff of another department see and change
// nothing.
func TestAdminStaffJourney(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		base := start(t, a)
		citizen := testenv.User(t, a, identity.Citizen, "")
		c, err := a.Cases.File(ctx, petitionFiling(citizen))
		if err != nil {
			t.Fatal(err)
		}
		worker := testenv.User(t, a, identity.Worker, c.Department)
		other := testenv.User(t, a, identity.Worker, "urbanism")
		caseURL := fmt.Sprintf("/admin/cazuri/%d", c.ID)

		w := staffSignIn(t, base, worker)
		if st, body := w.get("/admin"); st != 200 {
			t.Fatalf("home: %d", st)
		} else {
			admContains(t, "home", body, `href="`+caseURL+`"`, c.Number, `href="/admin/cazuri"`)
		}
		st, body := w.get("/admin/cazuri")
		if st != 200 {
			t.Fatalf("queue: %d", st)
		}
		admContains(t, "queue", body, `href="`+caseURL+`"`, "<th scope=\"col\">", `name="termen"`)
		if _, body := w.get("/admin/cazuri?termen=depasit"); strings.Contains(body, caseURL) {
			t.Fatal("a case within its term is listed as overdue")
		}

		views := admCount(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = 'case.view' AND actor_id = $1 AND case_id = $2`, worker.ID, c.ID)
		st, body = w.get(caseURL)
		if st != 200 {
			t.Fatalf("case screen: %d", st)
		}
		admContains(t, "case screen", body, "Ion Popescu", "Vă rog să reparați iluminatul.", c.Number,
			`action="`+caseURL+`/repartizare"`, `action="`+caseURL+`/informatii"`, `action="`+caseURL+`/solutionare"`)
		if got := admCount(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = 'case.view' AND actor_id = $1 AND case_id = $2`, worker.ID, c.ID); got != views+1 {
			t.Fatalf("viewing the case wrote %d audit rows, want 1", got-views)
		}
		if _, body = w.get(caseURL); !strings.Contains(body, worker.Name) {
			t.Fatal("the case screen does not say who viewed it")
		}

		// Bad input: 422, the error summary links to the field, nothing changes.
		events := admCount(t, a, `SELECT COUNT(*) FROM case_events WHERE case_id = $1`, c.ID)
		st, body = w.post(caseURL+"/informatii", url.Values{"message": {"  "}})
		if st != 422 {
			t.Fatalf("empty request for information: %d", st)
		}
		admContains(t, "missing message", body, `class="error-summary"`, `href="#f-info-message"`, `id="f-info-message"`, `aria-invalid="true"`)
		if got := admCount(t, a, `SELECT COUNT(*) FROM case_events WHERE case_id = $1`, c.ID); got != events || admCaseStatus(t, a, c.ID) != "registered" {
			t.Fatal("a refused action changed the case")
		}

		// Take it, ask for more.
		if st, _ := w.post(caseURL+"/repartizare", url.Values{}); st != 200 || admCaseStatus(t, a, c.ID) != "assigned" {
			t.Fatalf("take the case: %d %s", st, admCaseStatus(t, a, c.ID))
		}
		if st, _ := w.post(caseURL+"/informatii", url.Values{"message": {"Trimiteți o fotografie a stâlpului."}}); st != 200 || admCaseStatus(t, a, c.ID) != "info_requested" {
			t.Fatalf("request information: %d %s", st, admCaseStatus(t, a, c.ID))
		}

		// The citizen answers in the portal.
		cb := staffSignIn(t, base, citizen)
		if st, body := cb.get(fmt.Sprintf("/cereri/%d", c.ID)); st != 200 || !strings.Contains(body, "Trimiteți o fotografie a stâlpului.") {
			t.Fatalf("citizen's request page: %d", st)
		}
		if st, _ := cb.postMultipart(fmt.Sprintf("/cereri/%d/raspuns", c.ID), map[string]string{"message": "Stâlpul 14, lângă școală."}, "", "", nil); st != 200 {
			t.Fatalf("citizen answers: %d", st)
		}
		if admCaseStatus(t, a, c.ID) != "in_progress" {
			t.Fatalf("after the answer: %s", admCaseStatus(t, a, c.ID))
		}

		// Extend: the reason is required; then within the legal maximum.
		w.get(caseURL)
		admContains(t, "extension form", w.last, "cel mult 15 zile")
		if st, body := w.post(caseURL+"/prelungire", url.Values{"days": {"5"}, "reason": {""}}); st != 422 || !strings.Contains(body, `href="#f-extend-reason"`) {
			t.Fatalf("extension without reason: %d", st)
		}
		if st, body := w.post(caseURL+"/prelungire", url.Values{"days": {"40"}, "reason": {"Verificare pe teren."}}); st != 422 || !strings.Contains(body, `href="#f-extend-days"`) {
			t.Fatalf("extension beyond the law: %d", st)
		}
		if st, _ := w.post(caseURL+"/prelungire", url.Values{"days": {"5"}, "reason": {"Verificare pe teren."}}); st != 200 {
			t.Fatalf("extend: %d", st)
		}
		if got, _ := a.Cases.Get(ctx, worker, c.ID); got.ExtendedDays != 5 {
			t.Fatalf("extended days %d", got.ExtendedDays)
		}

		// Decide: outcome and reason required; then the reply is registered and shown.
		st, body = w.post(caseURL+"/solutionare", url.Values{"reason": {""}})
		if st != 422 {
			t.Fatalf("decision without outcome and reason: %d", st)
		}
		admContains(t, "decision errors", body, `href="#f-decide-outcome"`, `href="#f-decide-reason"`)
		if admCaseStatus(t, a, c.ID) != "in_progress" {
			t.Fatal("a refused decision changed the case")
		}
		st, body = w.post(caseURL+"/solutionare", url.Values{"outcome": {"approved"}, "reason": {"Stâlpul a fost reparat."}})
		if st != 200 || admCaseStatus(t, a, c.ID) != "decided" {
			t.Fatalf("decide: %d %s", st, admCaseStatus(t, a, c.ID))
		}
		entries, err := registry.ForCase(ctx, a.DB.Read(), c.ID)
		if err != nil || len(entries) != 2 || entries[1].Direction != registry.Outgoing || entries[1].ReplyTo != entries[0].ID {
			t.Fatalf("registry entries after the decision: %+v %v", entries, err)
		}
		admContains(t, "decided case", body, `class="panel reply"`, entries[1].Number, entries[0].Number)

		if st, _ := w.post(caseURL+"/inchidere", url.Values{}); st != 200 || admCaseStatus(t, a, c.ID) != "closed" {
			t.Fatalf("close: %d %s", st, admCaseStatus(t, a, c.ID))
		}

		// Another department's worker: not in their queue, not found, nothing changes.
		o := staffSignIn(t, base, other)
		if _, body := o.get("/admin/cazuri"); strings.Contains(body, caseURL) {
			t.Fatal("another department's queue lists the case")
		}
		if st, _ := o.get(caseURL); st != 404 {
			t.Fatalf("another department opens the case: %d", st)
		}
		events = admCount(t, a, `SELECT COUNT(*) FROM case_events WHERE case_id = $1`, c.ID)
		if st, _ := o.post(caseURL+"/informatii", url.Values{"message": {"x"}}); st != 404 {
			t.Fatalf("another department acts on the case: %d", st)
		}
		if got := admCount(t, a, `SELECT COUNT(*) FROM case_events WHERE case_id = $1`, c.ID); got != events {
			t.Fatal("another department changed the case")
		}
		if n := admCount(t, a, `SELECT COUNT(*) FROM audit_log WHERE actor_id = $1 AND case_id = $2`, other.ID, c.ID); n != 0 {
			t.Fatalf("another department's refused reads were audited as views: %d", n)
		}
		admConsistency(t, a)
	})
}

// noRedirects is a client that keeps the browser's cookies but reports redirects.
func admNoRedirects(b *browser) *http.Client {
	return &http.Client{Jar: b.c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// TestAdminRoutesRefuseTheWrongUser tries every /admin route as anonymous (sent to
// sign in), a citizen (403), and a worker of another department (403 or 404), and
// checks that nothing changed.
func TestAdminRoutesRefuseTheWrongUser(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		base := start(t, a)
		citizen := testenv.User(t, a, identity.Citizen, "")
		filing := petitionFiling(citizen)
		filing.Files = []cases.File{{Field: "attachment", Name: "poza.pdf", Data: []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")}}
		c, err := a.Cases.File(ctx, filing)
		if err != nil {
			t.Fatal(err)
		}
		files, _ := cases.Files(ctx, a.DB.Read(), c.ID)
		entries, _ := registry.ForCase(ctx, a.DB.Read(), c.ID)
		head := testenv.User(t, a, identity.Head, c.Department)
		other := testenv.User(t, a, identity.Worker, "urbanism")

		id := fmt.Sprint(c.ID)
		type try struct {
			method, path string
			other        int // what a worker of another department gets
		}
		tries := []try{
			{"GET", "/admin", 200},
			{"GET", "/admin/cazuri", 200},
			{"GET", "/admin/cazuri/" + id, 404},
			{"GET", fmt.Sprintf("/admin/cazuri/%d/fisiere/%d", c.ID, files[0].ID), 404},
			{"POST", "/admin/cazuri/" + id + "/repartizare", 404},
			{"POST", "/admin/cazuri/" + id + "/informatii", 404},
			{"POST", "/admin/cazuri/" + id + "/prelungire", 404},
			{"POST", "/admin/cazuri/" + id + "/solutionare", 404},
			{"POST", "/admin/cazuri/" + id + "/inchidere", 404},
			{"GET", "/admin/registratura", 403},
			{"POST", "/admin/registratura/cerere", 403},
			{"POST", "/admin/registratura/document", 403},
			{"POST", fmt.Sprintf("/admin/registratura/%d/anulare", entries[0].ID), 403},
			{"GET", "/admin/tablou", 200},
			{"GET", "/admin/servicii", 403},
			{"GET", "/admin/servicii/petitie", 403},
			{"POST", "/admin/servicii/petitie", 403},
			{"POST", "/admin/servicii/petitie/activare", 403},
			{"POST", "/admin/servicii/petitie/dezactivare", 403},
			{"GET", "/admin/utilizatori", 403},
			{"POST", "/admin/utilizatori", 403},
			{"GET", fmt.Sprintf("/admin/utilizatori/%d", head.ID), 403},
			{"POST", fmt.Sprintf("/admin/utilizatori/%d", head.ID), 403},
			{"POST", fmt.Sprintf("/admin/utilizatori/%d/dezactivare", head.ID), 403},
			{"POST", fmt.Sprintf("/admin/utilizatori/%d/activare", head.ID), 403},
			{"GET", "/admin/identitate", 200},
			{"POST", fmt.Sprintf("/admin/identitate/%d", citizen.ID), 422}, // any staff verifies; this form lacks the CNP
			{"POST", fmt.Sprintf("/admin/identitate/%d/revocare", citizen.ID), 403},
		}
		// What a POST would do if it were let through.
		form := url.Values{"message": {"Ceva"}, "reason": {"Motiv"}, "days": {"3"}, "outcome": {"approved"}, "assignee": {fmt.Sprint(other.ID)},
			"service": {"petitie"}, "name": {"X"}, "email": {"x@example.ro"}, "role": {"admin"}, "department": {"urbanism"},
			"subject": {"S"}, "correspondent": {"C"}, "channel": {"post"}, "name_ro": {"Altceva"}}
		snapshot := func() string {
			return fmt.Sprint(admCaseStatus(t, a, c.ID),
				admCount(t, a, `SELECT COUNT(*) FROM case_events`), admCount(t, a, `SELECT COUNT(*) FROM registry_entries`),
				admCount(t, a, `SELECT COUNT(*) FROM registry_entries WHERE cancelled_at <> 0`), admCount(t, a, `SELECT COUNT(*) FROM users`),
				admCount(t, a, `SELECT COUNT(*) FROM users WHERE role = 'head' AND disabled = 0`), admCount(t, a, `SELECT COUNT(*) FROM service_overrides`),
				admCount(t, a, `SELECT COUNT(*) FROM cases`), admCount(t, a, `SELECT COUNT(*) FROM users WHERE cnp_verified = 1`),
				admCount(t, a, `SELECT COUNT(*) FROM identity_verifications`))
		}
		before := snapshot()
		reads := admCount(t, a, `SELECT COUNT(*) FROM audit_log WHERE case_id = $1`, c.ID)

		anon := newBrowser(t, base)
		anonClient := admNoRedirects(anon)
		citizenB := staffSignIn(t, base, citizen)
		citizenClient := admNoRedirects(citizenB)
		otherB := staffSignIn(t, base, other)
		otherB.get("/admin") // a page with a CSRF token
		token := csrfRe.FindStringSubmatch(otherB.last)[1]
		otherClient := admNoRedirects(otherB)
		do := func(c *http.Client, tr try, withToken bool) *http.Response {
			var resp *http.Response
			var err error
			if tr.method == "GET" {
				resp, err = c.Get(base + tr.path)
			} else {
				f := url.Values{}
				for k, v := range form {
					f[k] = v
				}
				if withToken {
					f.Set("csrf", token)
				}
				resp, err = c.PostForm(base+tr.path, f)
			}
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp
		}
		for _, tr := range tries {
			t.Run(tr.method+" "+tr.path, func(t *testing.T) {
				if resp := do(anonClient, tr, false); resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/autentificare") {
					t.Errorf("anonymous: %d %s", resp.StatusCode, resp.Header.Get("Location"))
				}
				if resp := do(citizenClient, tr, false); resp.StatusCode != 403 {
					t.Errorf("citizen: %d", resp.StatusCode)
				}
				if resp := do(otherClient, tr, true); resp.StatusCode != tr.other {
					t.Errorf("another department's worker: %d, want %d", resp.StatusCode, tr.other)
				}
			})
		}
		if after := snapshot(); after != before {
			t.Fatalf("refused requests changed something: %s -> %s", before, after)
		}
		if n := admCount(t, a, `SELECT COUNT(*) FROM audit_log WHERE case_id = $1`, c.ID); n != reads {
			t.Fatalf("refused requests were recorded as reads of the case: %d", n-reads)
		}

		// The head of the department may open the file; the read is audited.
		h := staffSignIn(t, base, head)
		if st, body := h.get(fmt.Sprintf("/admin/cazuri/%d/fisiere/%d", c.ID, files[0].ID)); st != 200 || !strings.HasPrefix(body, "%PDF") {
			t.Fatalf("head opens the attachment: %d", st)
		}
		if n := admCount(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = 'case.file.view' AND actor_id = $1 AND case_id = $2`, head.ID, c.ID); n != 1 {
			t.Fatalf("file reads audited: %d", n)
		}
		admConsistency(t, a)
	})
}

// TestClerkRegistersPaper: paper received at the counter gets a number at once, as
// a service request (a case like an online one) or as a plain document; bad input
// is refused with the error summary; entries are cancelled with a reason.
func TestClerkRegistersPaper(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		base := start(t, a)
		clerk := testenv.User(t, a, identity.Clerk, "")
		worker := testenv.User(t, a, identity.Worker, "relatii-cetateni")
		number := regexp.MustCompile(`class="number">(\d+/\d+/\d\d\.\d\d\.\d{4})<`)

		cb := staffSignIn(t, base, clerk)
		if st, body := cb.get("/admin"); st != 200 || !strings.Contains(body, `href="/admin/registratura"`) {
			t.Fatalf("clerk's home: %d", st)
		}
		if st, body := cb.get("/admin/registratura?serviciu=petitie"); st != 200 {
			t.Fatalf("registry with the petition form: %d", st)
		} else {
			admContains(t, "petition form", body, `id="f-name"`, `id="f-message"`, `enctype="multipart/form-data"`, `id="f-doc-subject"`)
		}
		cases0 := admCount(t, a, `SELECT COUNT(*) FROM cases`)
		st, body := cb.postMultipart("/admin/registratura/cerere", map[string]string{"service": "petitie", "channel": "counter",
			"name": "Maria Ionescu", "email": "maria@example.ro"}, "", "", nil)
		if st != 422 {
			t.Fatalf("paper petition without its text: %d", st)
		}
		admContains(t, "missing text", body, `href="#f-message"`, `value="Maria Ionescu"`)
		if admCount(t, a, `SELECT COUNT(*) FROM cases`) != cases0 {
			t.Fatal("a refused filing stored a case")
		}
		st, body = cb.postMultipart("/admin/registratura/cerere", map[string]string{"service": "petitie", "channel": "post",
			"name": "Maria Ionescu", "email": "maria@example.ro", "message": "Cer montarea unui limitator de viteză."},
			"attachment", "scrisoare.pdf", []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"))
		m := number.FindStringSubmatch(body)
		if st != 200 || m == nil {
			t.Fatalf("paper petition registered with a number: %d", st)
		}
		var caseID int64
		var channel string
		var by int64
		if err := a.DB.Read().QueryRowContext(ctx, `SELECT case_id, channel, created_by FROM registry_entries WHERE number = $1`, m[1]).Scan(&caseID, &channel, &by); err != nil {
			t.Fatal(err)
		}
		if channel != "post" || by != clerk.ID || caseID == 0 {
			t.Fatalf("entry: case %d channel %s by %d", caseID, channel, by)
		}
		// The department sees it in its queue, like an online request.
		w := staffSignIn(t, base, worker)
		if _, body := w.get("/admin/cazuri"); !strings.Contains(body, m[1]) {
			t.Fatal("the paper request is not in the department's queue")
		}
		if _, body := w.get(fmt.Sprintf("/admin/cazuri/%d", caseID)); !strings.Contains(body, "Maria Ionescu") || !strings.Contains(body, "scrisoare.pdf") {
			t.Fatal("the paper request's case screen")
		}

		// A plain document.
		cb.get("/admin/registratura")
		st, body = cb.post("/admin/registratura/document", url.Values{"department": {"urbanism"}, "subject": {""}, "correspondent": {""}, "channel": {"counter"}})
		if st != 422 {
			t.Fatalf("document without subject: %d", st)
		}
		admContains(t, "document errors", body, `href="#f-doc-subject"`, `href="#f-doc-correspondent"`)
		st, body = cb.post("/admin/registratura/document", url.Values{"department": {"urbanism"}, "subject": {"Adresă ISU privind avizul"},
			"correspondent": {"ISU Cluj"}, "channel": {"post"}})
		m = number.FindStringSubmatch(body)
		if st != 200 || m == nil || !strings.Contains(body, "Adresă ISU privind avizul") {
			t.Fatalf("document registered with a number: %d", st)
		}
		var entryID int64
		a.DB.Read().QueryRowContext(ctx, `SELECT id FROM registry_entries WHERE number = $1`, m[1]).Scan(&entryID)

		// Cancel: a reason is required.
		st, body = cb.post(fmt.Sprintf("/admin/registratura/%d/anulare", entryID), url.Values{"reason": {""}})
		if st != 422 || !strings.Contains(body, fmt.Sprintf(`href="#f-cancel-%d"`, entryID)) {
			t.Fatalf("cancel without reason: %d", st)
		}
		if st, body := cb.post(fmt.Sprintf("/admin/registratura/%d/anulare", entryID), url.Values{"reason": {"Înregistrată de două ori."}}); st != 200 || !strings.Contains(body, "Înregistrată de două ori.") {
			t.Fatalf("cancel: %d", st)
		}
		if n := admCount(t, a, `SELECT COUNT(*) FROM registry_entries WHERE id = $1 AND cancelled_at <> 0`, entryID); n != 1 {
			t.Fatal("entry not cancelled")
		}
		if n := admCount(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = 'registry.list' AND actor_id = $1`, clerk.ID); n == 0 {
			t.Fatal("looking at the register is not audited")
		}
		// Workers do not keep the registry.
		if st, _ := w.get("/admin/registratura"); st != 403 {
			t.Fatalf("worker on the registry screen: %d", st)
		}
		admConsistency(t, a)
	})
}

// TestAdminServicesAndUsers: admin-only pages refused to workers; services disabled
// and renamed (audited, in force at once everywhere); staff accounts created, changed
// and disabled (audited).
func TestAdminServicesAndUsers(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		base := start(t, a)
		adm := testenv.User(t, a, identity.Admin, "")
		worker := testenv.User(t, a, identity.Worker, "urbanism")

		wb := staffSignIn(t, base, worker)
		for _, p := range []string{"/admin/servicii", "/admin/servicii/petitie", "/admin/utilizatori"} {
			if st, _ := wb.get(p); st != 403 {
				t.Errorf("worker on %s: %d", p, st)
			}
		}

		ab := staffSignIn(t, base, adm)
		if st, body := ab.get("/admin/servicii"); st != 200 || !strings.Contains(body, `action="/admin/servicii/petitie/dezactivare"`) {
			t.Fatalf("services: %d", st)
		}
		if st, _ := ab.post("/admin/servicii/petitie/dezactivare", url.Values{}); st != 200 {
			t.Fatalf("disable: %d", st)
		}
		if _, body := ab.get("/admin/servicii"); !strings.Contains(body, `action="/admin/servicii/petitie/activare"`) {
			t.Fatal("the services page does not show the petition disabled")
		}
		if _, body := ab.get("/admin/registratura"); strings.Contains(body, `value="petitie"`) {
			t.Fatal("the registry still offers a disabled service")
		}
		ab.get("/admin/servicii/petitie")
		long := strings.Repeat("a", 201)
		if st, body := ab.post("/admin/servicii/petitie", url.Values{"name_en": {long}}); st != 422 || !strings.Contains(body, `href="#f-name_en"`) {
			t.Fatalf("too long a name: %d", st)
		}
		if st, _ := ab.post("/admin/servicii/petitie", url.Values{"name_en": {"Petition to the mayor"}}); st != 200 {
			t.Fatalf("rename: %d", st)
		}
		if _, body := ab.get("/admin/servicii?lang=en"); !strings.Contains(body, "Petition to the mayor") {
			t.Fatal("the new name is not shown")
		}
		ab.get("/admin/servicii?lang=ro")
		for _, action := range []string{"service.disable", "service.texts"} {
			if n := admCount(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = $1 AND actor_id = $2`, action, adm.ID); n != 1 {
				t.Errorf("%s audited %d times", action, n)
			}
		}
		// The whole application takes the overrides at once: portal, search, filing.
		if st, _ := newBrowser(t, base).get("/servicii/petitie"); st != 404 {
			t.Fatalf("a disabled service's page: %d", st)
		}
		if _, body := newBrowser(t, base).get("/cautare?q=petitie"); strings.Contains(body, `<a href="/servicii/petitie">Petiție</a>`) {
			t.Fatal("search still finds a disabled service")
		}
		if _, err := a.Cases.File(ctx, petitionFiling(testenv.User(t, a, identity.Citizen, ""))); err != cases.ErrServiceDisabled {
			t.Fatalf("filing a disabled service: %v", err)
		}
		if s, _ := a.Catalog.Service("petitie"); s.Name.EN != "Petition to the mayor" || s.Name.RO != "Petiție" {
			t.Fatalf("names: %+v", s.Name)
		}
		ab.post("/admin/servicii/petitie/activare", url.Values{})
		if s, _ := a.Catalog.Service("petitie"); !s.Enabled {
			t.Fatal("enabled again, but still disabled")
		}
		if st, _ := newBrowser(t, base).get("/servicii/petitie"); st != 200 {
			t.Fatalf("the service page once enabled again: %d", st)
		}

		// Users: create a worker, who chooses a password from the e-mailed link.
		if st, body := ab.get("/admin/utilizatori"); st != 200 || !strings.Contains(body, worker.Email) {
			t.Fatalf("users: %d", st)
		}
		st, body := ab.post("/admin/utilizatori", url.Values{"email": {"nu-e-adresa"}, "name": {""}, "role": {"worker"}, "department": {""}})
		if st != 422 {
			t.Fatalf("bad new user: %d", st)
		}
		admContains(t, "new user errors", body, `href="#f-new-email"`, `href="#f-new-name"`, `href="#f-new-department"`)
		if st, body = ab.post("/admin/utilizatori", url.Values{"email": {worker.Email}, "name": {"Dublură"}, "role": {"clerk"}}); st != 422 || !strings.Contains(body, `href="#f-new-email"`) {
			t.Fatalf("e-mail taken: %d", st)
		}
		if st, _ = ab.post("/admin/utilizatori", url.Values{"email": {"ana.pop@primaria.ro"}, "name": {"Ana Pop"}, "role": {"worker"}, "department": {"urbanism"}}); st != 200 {
			t.Fatalf("create user: %d", st)
		}
		ana, err := identity.UserByEmail(ctx, a.DB.Read(), "ana.pop@primaria.ro")
		if err != nil || ana.Role != identity.Worker || ana.Department != "urbanism" {
			t.Fatalf("created user: %+v %v", ana, err)
		}
		var params string
		a.DB.Read().QueryRowContext(ctx, `SELECT params FROM outbox WHERE kind = 'account.staff_welcome' AND user_id = $1`, ana.ID).Scan(&params)
		var p map[string]any
		json.Unmarshal([]byte(params), &p)
		if _, mail, err := notify.Render("account.staff_welcome", p, "ro"); err != nil || !strings.Contains(mail, "/parola-noua?token=") {
			t.Fatalf("welcome e-mail: %v\n%s", err, mail)
		}
		nb := newBrowser(t, base)
		nb.get(lastLink(t, a, "account.staff_welcome"))
		link, _ := url.Parse(p["link"].(string))
		if st, _ := nb.post("/parola-noua", url.Values{"token": {link.Query().Get("token")}, "password": {admPassword}, "password2": {admPassword}}); st != 200 {
			t.Fatalf("choose a password: %d", st)
		}
		anaB := staffSignIn(t, base, ana)
		if st, _ := anaB.get("/admin/cazuri"); st != 200 {
			t.Fatalf("the new worker's queue: %d", st)
		}

		// Change role: a head needs a department; an admin cannot change themself.
		user := fmt.Sprintf("/admin/utilizatori/%d", ana.ID)
		ab.get(user)
		if st, body := ab.post(user, url.Values{"role": {"head"}, "department": {""}}); st != 422 || !strings.Contains(body, `href="#f-department"`) {
			t.Fatalf("head without department: %d", st)
		}
		if st, _ := ab.post(user, url.Values{"role": {"head"}, "department": {"urbanism"}}); st != 200 {
			t.Fatalf("make head: %d", st)
		}
		if u, _ := identity.UserByID(ctx, a.DB.Read(), ana.ID); u.Role != identity.Head {
			t.Fatalf("role after change: %s", u.Role)
		}
		ab.get(fmt.Sprintf("/admin/utilizatori/%d", adm.ID))
		if st, _ := ab.post(fmt.Sprintf("/admin/utilizatori/%d/dezactivare", adm.ID), url.Values{}); st != 422 {
			t.Fatalf("admin disables themself: %d", st)
		}
		// Disable: the session stops working at once.
		ab.get(user)
		if st, _ := ab.post(user+"/dezactivare", url.Values{}); st != 200 {
			t.Fatalf("disable: %d", st)
		}
		resp, err := admNoRedirects(anaB).Get(base + "/admin")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 303 {
			t.Fatalf("a disabled account's session: %d", resp.StatusCode)
		}
		for _, action := range []string{"user.create", "user.role", "user.disable"} {
			if n := admCount(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = $1 AND actor_id = $2 AND entity_id = $3`, action, adm.ID, fmt.Sprint(ana.ID)); n != 1 {
				t.Errorf("%s audited %d times", action, n)
			}
		}
		admConsistency(t, a)
	})
}

// TestAdminDashboardPage: the department's counts, by service.
func TestAdminDashboardPage(t *testing.T) {
	a := testenv.App(t, testenv.SQLite)
	base := start(t, a)
	citizen := testenv.User(t, a, identity.Citizen, "")
	if _, err := a.Cases.File(context.Background(), petitionFiling(citizen)); err != nil {
		t.Fatal(err)
	}
	head := testenv.User(t, a, identity.Head, "relatii-cetateni")
	hb := staffSignIn(t, base, head)
	st, body := hb.get("/admin/tablou")
	if st != 200 {
		t.Fatalf("dashboard: %d", st)
	}
	admContains(t, "dashboard", body, "Petiție", `<th scope="row">`, `class="stat">1</span>Cereri deschise`)
	admB := staffSignIn(t, base, testenv.User(t, a, identity.Admin, ""))
	if st, body := admB.get("/admin/tablou?departament=urbanism"); st != 200 || strings.Contains(body, "Petiție") {
		t.Fatalf("admin's dashboard of another department: %d", st)
	}
}
