package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/cases"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/testenv"
)

const petitionForTaxCertificate = "Bună ziua, vă rog să-mi eliberați un certificat de atestare fiscală, am nevoie de el la notar pentru vânzarea apartamentului."

func petitionAbout(u *identity.User, message string) cases.Filing {
	return cases.Filing{Service: "petitie", Applicant: u, Fields: map[string]any{"name": "Ion Popescu", "email": "ion@example.ro", "message": message}}
}

// The routing forms refuse anonymous people (sent to sign in), citizens (403) and
// staff of another department (404), and change nothing.
func TestRoutingRoutesRefuseTheWrongUser(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		base := start(t, a)
		citizen := testenv.User(t, a, identity.Citizen, "")
		c, err := a.Cases.File(ctx, petitionAbout(citizen, petitionForTaxCertificate))
		if err != nil {
			t.Fatal(err)
		}
		a.Clerk.RunOnce(ctx)
		var step int64
		a.DB.Read().QueryRowContext(ctx, `SELECT id FROM clerk_steps WHERE case_id = $1`, c.ID).Scan(&step)
		other := testenv.User(t, a, identity.Head, "taxe-locale")
		form := url.Values{"service": {"certificat-fiscal"}, "reason": {"Motiv"}, "institution": {"anaf-cluj"}}
		snapshot := func() string {
			return fmt.Sprint(admCaseStatus(t, a, c.ID), admCount(t, a, `SELECT COUNT(*) FROM cases WHERE service = 'petitie'`),
				admCount(t, a, `SELECT COUNT(*) FROM case_events`), admCount(t, a, `SELECT COUNT(*) FROM registry_entries`),
				admCount(t, a, `SELECT COUNT(*) FROM clerk_steps WHERE reviewed_at <> 0`), admCount(t, a, `SELECT COUNT(*) FROM outbox`))
		}
		before := snapshot()
		otherB := staffSignIn(t, base, other)
		otherB.get("/admin")
		token := csrfRe.FindStringSubmatch(otherB.last)[1]
		clients := map[string]struct {
			c    *http.Client
			want int
		}{
			"anonymous":          {admNoRedirects(newBrowser(t, base)), 303},
			"citizen":            {admNoRedirects(staffSignIn(t, base, citizen)), 403},
			"another department": {admNoRedirects(otherB), 404},
		}
		for _, path := range []string{"/redirectionare", "/transmitere"} {
			for _, withStep := range []bool{false, true} {
				for who, cl := range clients {
					f := url.Values{"csrf": {token}}
					for k, v := range form {
						f[k] = v
					}
					if withStep {
						f.Set("step", fmt.Sprint(step))
					}
					resp, err := cl.c.PostForm(fmt.Sprintf("%s/admin/cazuri/%d%s", base, c.ID, path), f)
					if err != nil {
						t.Fatal(err)
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != cl.want {
						t.Errorf("%s POST %s (step %v): %d, want %d", who, path, withStep, resp.StatusCode, cl.want)
					}
				}
			}
		}
		if after := snapshot(); after != before {
			t.Fatalf("refused requests changed something: %s -> %s", before, after)
		}
	})
}

// A worker of the petitions office sees the virtual civil servant's proposal on the
// case page and confirms it with one button; the request then is in the local
// taxes queue, the citizen's page names the new service, and the dashboard counts
// the move.
func TestStaffConfirmsTheProposedService(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		base := start(t, a)
		citizen := testenv.User(t, a, identity.Citizen, "")
		c, err := a.Cases.File(ctx, petitionAbout(citizen, petitionForTaxCertificate))
		if err != nil {
			t.Fatal(err)
		}
		a.Clerk.RunOnce(ctx)
		worker := testenv.User(t, a, identity.Worker, "relatii-cetateni")
		b := staffSignIn(t, base, worker)
		caseURL := fmt.Sprintf("/admin/cazuri/%d", c.ID)
		st, body := b.get(caseURL)
		if st != 200 {
			t.Fatalf("case page: %d", st)
		}
		admContains(t, "case page", body, `id="f-proposal-submit"`, "Confirmați mutarea la „Certificat de atestare fiscală”",
			"Direcția Taxe și Impozite Locale", `id="f-reroute-service"`, `id="f-forward-institution"`, "Inspectoratul Teritorial de Muncă Cluj",
			"5 zile de la înregistrare, art. 6¹ din OG 27/2002")
		if _, queue := b.get("/admin/cazuri"); !strings.Contains(queue, "De transmis altei instituții, dacă e cazul, până la") {
			t.Fatal("the queue does not show the forwarding term of a new petition")
		}
		b.get(caseURL)
		// A hand-picked move needs a service other than the current one and a reason.
		if st, body := b.post(caseURL+"/redirectionare", url.Values{"service": {""}, "reason": {""}}); st != 422 ||
			!strings.Contains(body, "Alegeți serviciul la care mutați cererea.") || !strings.Contains(body, "Scrieți motivul mutării.") {
			t.Fatalf("empty move: %d", st)
		}
		if st, body := b.post(caseURL+"/redirectionare", url.Values{"service": {"petitie"}, "reason": {"Motiv"}}); st != 422 || !strings.Contains(body, "deja la acest serviciu") {
			t.Fatalf("move to the same service: %d", st)
		}
		step := regexp.MustCompile(`name="step" value="(\d+)"`).FindStringSubmatch(body)
		if step == nil {
			t.Fatal("no proposal form")
		}
		if st, body := b.post(caseURL+"/redirectionare", url.Values{"step": {step[1]}}); st != 200 || !strings.Contains(body, "se află acum în lista compartimentului") {
			t.Fatalf("confirm: %d", st)
		}
		got, _ := a.Cases.Get(ctx, identity.VirtualClerk, c.ID)
		if got.Service != "certificat-fiscal" || got.Department != "taxe-locale" || got.Number != c.Number {
			t.Fatalf("after confirming: %+v", got)
		}
		if st, _ := b.get(caseURL); st != 404 {
			t.Fatalf("the petitions office still opens the case: %d", st)
		}
		head := staffSignIn(t, base, testenv.User(t, a, identity.Head, "taxe-locale"))
		if st, body := head.get("/admin/cazuri"); st != 200 || !strings.Contains(body, c.Number) {
			t.Fatalf("local taxes queue: %d", st)
		}
		if _, body := head.get(caseURL); !strings.Contains(body, "de la „Petiție” la „Certificat de atestare fiscală”") || strings.Contains(body, `id="f-proposal-submit"`) {
			t.Fatal("the timeline does not show the move, or the proposal is still open")
		}
		cb := staffSignIn(t, base, citizen)
		if _, body := cb.get(fmt.Sprintf("/cereri/%d", c.ID)); !strings.Contains(body, "Certificat de atestare fiscală") || !strings.Contains(body, "Mutată la serviciul potrivit") {
			t.Fatal("the citizen's page does not show the new service")
		}
		if _, body := staffSignIn(t, base, testenv.User(t, a, identity.Head, "relatii-cetateni")).get("/admin/tablou"); !regexp.MustCompile(
			`Petiție</th><td class="num">0</td><td class="num">0</td><td class="num">0</td><td class="num">1</td>`).MatchString(body) {
			t.Fatal("the dashboard does not count the move")
		}
	})
}

// A worker forwards a petition to an institution from the case page; errors are
// shown beside the fields; afterwards staff and citizen see where it went.
func TestStaffForwardsAPetitionFromTheCasePage(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		base := start(t, a)
		citizen := testenv.User(t, a, identity.Citizen, "")
		c, err := a.Cases.File(ctx, petitionAbout(citizen, "Nu am primit decizia de la finanțe pentru chiria apartamentului."))
		if err != nil {
			t.Fatal(err)
		}
		b := staffSignIn(t, base, testenv.User(t, a, identity.Worker, "relatii-cetateni"))
		caseURL := fmt.Sprintf("/admin/cazuri/%d", c.ID)
		b.get(caseURL)
		if st, body := b.post(caseURL+"/transmitere", url.Values{"institution": {"primaria-dej"}, "reason": {" "}}); st != 422 ||
			!strings.Contains(body, "Alegeți instituția căreia îi transmiteți petiția.") || !strings.Contains(body, "Scrieți de ce petiția îi revine acestei instituții.") {
			t.Fatalf("bad forward: %d", st)
		}
		if admCount(t, a, `SELECT COUNT(*) FROM registry_entries`) != 1 {
			t.Fatal("a refused forward registered a letter")
		}
		st, body := b.post(caseURL+"/transmitere", url.Values{"institution": {"anaf-cluj"}, "reason": {"Impozitul pe venitul din chirii îl administrează ANAF."}})
		if st != 200 {
			t.Fatalf("forward: %d", st)
		}
		admContains(t, "forwarded case", body, "Petiția a fost transmisă instituției competente", "Transmisă instituției competente",
			"Administrația Județeană a Finanțelor Publice Cluj (ANAF) – Piața Avram Iancu nr. 19", "către Administrația Județeană a Finanțelor Publice Cluj (ANAF), adresa nr.")
		if strings.Contains(body, `id="f-forward-submit"`) || admCaseStatus(t, a, c.ID) != "closed" {
			t.Fatal("a forwarded petition can still be forwarded")
		}
		_, page := staffSignIn(t, base, citizen).get(fmt.Sprintf("/cereri/%d", c.ID))
		admContains(t, "citizen's page", page, "Transmisă instituției competente", "Administrația Județeană a Finanțelor Publice Cluj (ANAF)",
			"Transmitere petiție spre competentă soluționare")
	})
}
