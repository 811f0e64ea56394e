package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/app"
	"github.com/cetate/cetate/internal/budget"
	"github.com/cetate/cetate/internal/budget/pabulib"
	"github.com/cetate/cetate/internal/budget/rules"
	"github.com/cetate/cetate/internal/i18n"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/testenv"
)

// budgetAt sets participatory budgeting's clock to noon, Bucharest time, of day.
func budgetAt(t *testing.T, a *app.App, day string) {
	t.Helper()
	loc, _ := time.LoadLocation("Europe/Bucharest")
	at, err := time.ParseInLocation("2006-01-02 15:04", day+" 12:00", loc)
	if err != nil {
		t.Fatal(err)
	}
	a.Budget.SetClock(func() time.Time { return at })
}

var budgetCNPSerial atomic.Int64

// budgetVoter creates a citizen with a verified CNP for someone born on birth.
func budgetVoter(t *testing.T, a *app.App, birth string) *identity.User {
	t.Helper()
	d, _ := time.Parse("2006-01-02", birth)
	s := 1
	if d.Year() >= 2000 {
		s = 5
	}
	c := fmt.Sprintf("%d%02d%02d%02d35%03d", s, d.Year()%100, d.Month(), d.Day(), budgetCNPSerial.Add(1)%999+1)
	sum := 0
	for i, w := range []int{2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9} {
		sum += int(c[i]-'0') * w
	}
	check := sum % 11
	if check == 10 {
		check = 1
	}
	n := budgetCNPSerial.Add(1)
	u, err := identity.CreateUser(context.Background(), a.DB, identity.NewUser{Email: fmt.Sprintf("votant%d@example.ro", n),
		Password: admPassword, Role: identity.Citizen, Name: fmt.Sprintf("Votant %d", n), CNP: c + fmt.Sprint(check), EmailVerified: true}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// budgetPreset creates a published edition from a preset for 2026, as an administrator.
func budgetPreset(t *testing.T, a *app.App, name string) *budget.Edition {
	t.Helper()
	in, _ := budget.Preset(name, 2026)
	in.Published = true
	e, err := a.Budget.CreateEdition(context.Background(), testenv.User(t, a, identity.Admin, ""), in)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func budgetProposal(t *testing.T, a *app.App, e *budget.Edition, u *identity.User, area int, title string, cost int) *budget.Proposal {
	t.Helper()
	p, err := a.Budget.Propose(context.Background(), u, e.ID, budget.ProposalInput{Title: title,
		Description: "Descrierea propunerii, cu locul și folosul ei pentru cartier.", Area: fmt.Sprint(e.Areas[area].ID),
		Address: "Piața Victoriei 1", Cost: fmt.Sprint(cost), Tie: "live", Declared: true}, "http://localhost", "ro")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func budgetPNG() []byte {
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 30, 20)))
	return buf.Bytes()
}

// TestBudgetRoutesRefuseTheWrongUser tries every participatory budgeting route of
// the back office as anonymous (sent to sign in), a citizen (403), a worker of
// another department (403) and the commission on the administrators' routes (403);
// and the portal's proposing, appealing and voting without a verified CNP, as
// staff, or as someone else. Nothing changes.
func TestBudgetRoutesRefuseTheWrongUser(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		base := start(t, a)
		budgetAt(t, a, "2026-05-20")
		e := budgetPreset(t, a, "timisoara-2024")
		owner := budgetVoter(t, a, "1990-01-01")
		p := budgetProposal(t, a, e, owner, 0, "Copaci pe bulevard", 40000)
		comm := testenv.User(t, a, identity.Worker, budget.Department)
		if err := a.Budget.Review(ctx, comm, p.ID, budget.Review{Criteria: []string{"located"}, Reason: "Locul nu este clar."}, base); err != nil {
			t.Fatal(err)
		}
		citizen := testenv.User(t, a, identity.Citizen, "") // no CNP
		other := testenv.User(t, a, identity.Worker, "urbanism")

		eid, pid := fmt.Sprint(e.ID), fmt.Sprint(p.ID)
		type try struct {
			method, path string
			commission   int // what the commission's worker gets
		}
		tries := []try{
			{"GET", "/admin/buget", 200},
			{"GET", "/admin/buget/editie-noua", 403},
			{"GET", "/admin/buget/editie-noua?model=cluj-2021", 403},
			{"POST", "/admin/buget/editie-noua", 403},
			{"GET", "/admin/buget/" + eid, 403},
			{"POST", "/admin/buget/" + eid, 403},
			{"GET", "/admin/buget/" + eid + "/propuneri", 200},
			{"GET", "/admin/buget/" + eid + "/contestatii", 200},
			{"GET", "/admin/buget/" + eid + "/propuneri/" + pid, 200},
			{"POST", "/admin/buget/" + eid + "/propuneri/" + pid + "/evaluare", 0},
			{"POST", "/admin/buget/" + eid + "/propuneri/" + pid + "/contestatie", 0},
			{"POST", "/admin/buget/" + eid + "/propuneri/" + pid + "/comasare", 0},
		}
		preset, _ := budget.Preset("cluj-2021", 2026)
		form := url.Values{"title": {preset.Title}, "currency": {"EUR"}, "total_budget": {"100"}, "area_kind": {"domain"}, "areas": {"A"},
			"max_votes": {"1"}, "vote_type": {"approval"}, "min_age": {"18"}, "rule": {"greedy_votes"},
			"proposals_from": {"2026-05-01"}, "proposals_to": {"2026-05-02"}, "analysis_from": {"2026-05-03"}, "analysis_to": {"2026-05-04"},
			"appeals_from": {"2026-05-05"}, "appeals_to": {"2026-05-06"}, "vote_from": {"2026-05-07"}, "vote_to": {"2026-05-08"},
			"results_on": {"2026-05-09"}, "decision": {"eligible"}, "reason": {"Motivul deciziei."}, "appeal_decision": {"upheld"},
			"appeal_reason": {"Motivul soluției."}, "into": {pid}, "merge_reason": {"Motivul comasării."}}
		snapshot := func() string {
			return fmt.Sprint(admCount(t, a, `SELECT COUNT(*) FROM budget_editions`), admCount(t, a, `SELECT COUNT(*) FROM budget_proposals WHERE status = 'ineligible'`),
				admCount(t, a, `SELECT COUNT(*) FROM budget_appeals`), admCount(t, a, `SELECT COUNT(*) FROM budget_ballots`),
				admCount(t, a, `SELECT COUNT(*) FROM budget_voters`), admCount(t, a, `SELECT COUNT(*) FROM registry_entries`),
				admCount(t, a, `SELECT COUNT(*) FROM budget_editions WHERE title = $1`, e.Title))
		}
		before := snapshot()

		client := func(u *identity.User) (*http.Client, string) {
			if u == nil {
				return admNoRedirects(newBrowser(t, base)), ""
			}
			b := staffSignIn(t, base, u)
			b.get("/buget-participativ")
			return admNoRedirects(b), csrfRe.FindStringSubmatch(b.last)[1]
		}
		do := func(c *http.Client, token, method, path string) int {
			var resp *http.Response
			var err error
			if method == "GET" {
				resp, err = c.Get(base + path)
			} else {
				f := url.Values{}
				for k, v := range form {
					f[k] = v
				}
				if token != "" {
					f.Set("csrf", token)
				}
				resp, err = c.PostForm(base+path, f)
			}
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 303 && !strings.HasPrefix(resp.Header.Get("Location"), "/autentificare") {
				t.Errorf("%s %s redirected to %s", method, path, resp.Header.Get("Location"))
			}
			return resp.StatusCode
		}
		anon, _ := client(nil)
		citizenC, citizenTok := client(citizen)
		otherC, otherTok := client(other)
		commC, commTok := client(comm)
		for _, tr := range tries {
			t.Run(tr.method+" "+tr.path, func(t *testing.T) {
				if st := do(anon, "", tr.method, tr.path); st != 303 {
					t.Errorf("anonymous: %d", st)
				}
				if st := do(citizenC, citizenTok, tr.method, tr.path); st != 403 {
					t.Errorf("citizen: %d", st)
				}
				if st := do(otherC, otherTok, tr.method, tr.path); st != 403 {
					t.Errorf("another department's worker: %d", st)
				}
				if tr.commission != 0 {
					if st := do(commC, commTok, tr.method, tr.path); st != tr.commission {
						t.Errorf("the commission: %d, want %d", st, tr.commission)
					}
				}
			})
		}

		// The portal: no CNP, no proposal and no vote; staff neither; someone
		// else's appeal neither.
		portal := []struct {
			who          *http.Client
			token        string
			method, path string
			want         int
		}{
			{anon, "", "POST", "/buget-participativ/" + eid + "/vot", 303},
			{anon, "", "GET", "/buget-participativ/" + eid + "/propunere", 303},
			{citizenC, citizenTok, "GET", "/buget-participativ/" + eid + "/propunere", 403},
			{citizenC, citizenTok, "POST", "/buget-participativ/" + eid + "/propunere", 403},
			{otherC, otherTok, "POST", "/buget-participativ/" + eid + "/propunere", 403},
			{citizenC, citizenTok, "POST", "/buget-participativ/" + eid + "/propuneri/" + pid + "/contestatie", 403},
			{otherC, otherTok, "GET", "/buget-participativ/" + eid + "/vot", 403},
		}
		form.Set("title", "Un titlu de propunere")
		form.Set("appeal", "Propunerea este de interes general.")
		form.Set("project", pid)
		for _, tr := range portal {
			if st := do(tr.who, tr.token, tr.method, tr.path); st != tr.want {
				t.Errorf("%s %s: %d, want %d", tr.method, tr.path, st, tr.want)
			}
		}
		// In the vote: without a verified CNP the page explains and refuses.
		budgetAt(t, a, "2026-08-25")
		b := staffSignIn(t, base, citizen)
		if st, body := b.get("/buget-participativ/" + eid + "/vot"); st != 403 || !strings.Contains(body, i18n.T("ro", "budget.refused.need_cnp", nil)) {
			t.Fatalf("the vote page without a CNP: %d", st)
		}
		if st := do(citizenC, citizenTok, "POST", "/buget-participativ/"+eid+"/vot"); st != 403 {
			t.Fatalf("voting without a CNP: %d", st)
		}
		if after := snapshot(); after != before {
			t.Fatalf("refused requests changed something: %s -> %s", before, after)
		}
	})
}

var (
	budgetCodeRe   = regexp.MustCompile(`<strong class="number">([A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4})</strong>`)
	budgetNumberRe = regexp.MustCompile(`<strong class="number">([^<]+)</strong>`)
)

// TestBudgetJourney follows a Timișoara edition from the back office to the
// results: the administrator sets it up from the preset, a citizen proposes with
// a photo, the commission decides, people vote and one changes the vote, the
// receipt checks, and after the close the results page shows the chart and the
// .pb file, which parses back and counts to the same winners.
func TestBudgetJourney(t *testing.T) {
	testenv.EachApp(t, func(t *testing.T, a *app.App) {
		ctx := context.Background()
		base := start(t, a)
		budgetAt(t, a, "2026-05-20")

		// The administrator creates the edition from the Timișoara preset.
		adm := staffSignIn(t, base, testenv.User(t, a, identity.Admin, ""))
		st, body := adm.get("/admin/buget/editie-noua?model=timisoara-2024")
		admContains(t, "preset form", body, "Zona 8; 500000", `value="timisoara_2024" selected`, `value="2026-08-23"`)
		preset, _ := budget.Preset("timisoara-2024", 2026)
		form := url.Values{"title": {preset.Title}, "summary": {preset.Summary}, "currency": {preset.Currency}, "total_budget": {preset.TotalBudget},
			"area_kind": {preset.AreaKind}, "areas": {preset.Areas}, "project_cap": {preset.ProjectCap}, "max_votes": {preset.MaxVotes},
			"vote_type": {preset.VoteType}, "min_age": {preset.MinAge}, "require_tie": {"true"}, "rule": {preset.Rule}, "top_up": {preset.TopUp},
			"proposals_from": {preset.ProposalsFrom}, "proposals_to": {preset.ProposalsTo}, "analysis_from": {preset.AnalysisFrom},
			"analysis_to": {preset.AnalysisTo}, "appeals_from": {preset.AppealsFrom}, "appeals_to": {preset.AppealsTo},
			"vote_from": {preset.VoteFrom}, "vote_to": {preset.VoteTo}, "results_on": {preset.ResultsOn}, "published": {"true"}}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("vote_from", "2026-08-01")
		if st, body = adm.post("/admin/buget/editie-noua", bad); st != 422 || !strings.Contains(body, `href="#f-vote_from"`) {
			t.Fatalf("an edition with the vote before the appeals: %d", st)
		}
		if n := admCount(t, a, `SELECT COUNT(*) FROM budget_editions`); n != 0 {
			t.Fatal("a refused edition was stored")
		}
		if st, _ = adm.post("/admin/buget/editie-noua", form); st != 200 {
			t.Fatalf("creating the edition: %d", st)
		}
		editions, _ := a.Budget.Editions(ctx, true)
		if len(editions) != 1 || len(editions[0].Areas) != 8 {
			t.Fatalf("editions: %+v", editions)
		}
		e := editions[0]
		eURL := fmt.Sprintf("/buget-participativ/%d", e.ID)

		// A citizen proposes, with a photo.
		ana := budgetVoter(t, a, "1990-03-03")
		cit := staffSignIn(t, base, ana)
		if st, body = cit.get(eURL); st != 200 || !strings.Contains(body, `href="`+eURL+`/propunere"`) {
			t.Fatalf("edition page: %d", st)
		}
		cit.get(eURL + "/propunere")
		fields := map[string]string{"title": "Parc pentru câini în Fabric", "description": "Un țarc împrejmuit cu bănci și apă, pentru câinii din cartier.",
			"area": fmt.Sprint(e.Areas[0].ID), "address": "Strada Ștefan cel Mare 20", "location": "45.7580, 21.2390", "cost": "180.000",
			"tie": "live", "declared": "true"}
		st, body = cit.postMultipart(eURL+"/propunere", fields, "photos", "parc.png", budgetPNG())
		m := budgetNumberRe.FindStringSubmatch(body)
		if st != 200 || m == nil || !strings.Contains(body, "openstreetmap.org/?mlat=45.758000") {
			t.Fatalf("proposing: %d\n%s", st, body)
		}
		list, _ := a.Budget.Proposals(ctx, e.ID, budget.ProposalFilter{})
		if len(list) != 1 || list[0].Number != m[1] {
			t.Fatalf("stored proposals: %+v", list)
		}
		park, _, _ := a.Budget.Proposal(ctx, list[0].ID)
		if len(park.Photos) != 1 {
			t.Fatal("the photo was not kept")
		}
		if st, _ := cit.get(budget.ProposalPath(e.ID, park.ID) + "/foto/1"); st != 200 {
			t.Fatalf("the photo: %d", st)
		}
		bikes := budgetProposal(t, a, e, budgetVoter(t, a, "1985-01-01"), 0, "Rastele pentru biciclete", 30000)
		lamps := budgetProposal(t, a, e, budgetVoter(t, a, "1975-01-01"), 1, "Iluminat în parcul Rozelor", 120000)
		statue := budgetProposal(t, a, e, ana, 1, "Statuie", 90000)

		// The commission decides; its look at the proposer is audited.
		comm := staffSignIn(t, base, testenv.User(t, a, identity.Head, budget.Department))
		if _, body = comm.get(fmt.Sprintf("/admin/buget/%d/propuneri", e.ID)); !strings.Contains(body, park.Number) {
			t.Fatal("the proposals list lacks the proposal")
		}
		reads := admCount(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = 'budget.proposal.view'`)
		adminP := func(p *budget.Proposal) string { return fmt.Sprintf("/admin/buget/%d/propuneri/%d", e.ID, p.ID) }
		if _, body = comm.get(adminP(park)); !strings.Contains(body, ana.Email) {
			t.Fatal("the commission does not see the proposer")
		}
		if admCount(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = 'budget.proposal.view'`) != reads+1 {
			t.Fatal("the look at the proposer was not audited")
		}
		if st, body = comm.post(adminP(statue)+"/evaluare", url.Values{"decision": {"ineligible"}, "reason": {"Nu are un loc precis."}}); st != 422 ||
			!strings.Contains(body, `href="#f-criteria"`) {
			t.Fatalf("ineligible without criteria: %d", st)
		}
		if st, _ = comm.post(adminP(statue)+"/evaluare", url.Values{"decision": {"ineligible"}, "criteria": {"located", "general_interest"},
			"reason": {"Nu are un loc precis."}}); st != 200 {
			t.Fatalf("ineligible: %d", st)
		}
		for _, p := range []*budget.Proposal{park, bikes, lamps} {
			comm.get(adminP(p))
			if st, _ = comm.post(adminP(p)+"/evaluare", url.Values{"decision": {"eligible"}, "reason": {"Îndeplinește criteriile."}}); st != 200 {
				t.Fatalf("eligible: %d", st)
			}
		}
		if _, body = cit.get(budget.ProposalPath(e.ID, statue.ID)); !strings.Contains(body, i18n.T("ro", "budget.criterion.located", nil)) {
			t.Fatal("the public page does not say which criteria failed")
		}

		// The vote: three voters; one changes the vote.
		budgetAt(t, a, "2026-08-25")
		votes := []struct {
			who *identity.User
			ps  []*budget.Proposal
		}{{ana, []*budget.Proposal{park, lamps}}, {budgetVoter(t, a, "2000-01-01"), []*budget.Proposal{bikes}}, {budgetVoter(t, a, "1960-01-01"), []*budget.Proposal{park}}}
		var codes []string
		for _, v := range votes {
			b := staffSignIn(t, base, v.who)
			b.get(eURL + "/vot")
			f := url.Values{"tie": {"live"}, "declared": {"true"}}
			for _, p := range v.ps {
				f.Add("project", fmt.Sprint(p.ID))
			}
			st, body = b.post(eURL+"/vot", f)
			m := budgetCodeRe.FindStringSubmatch(body)
			if st != 201 || m == nil {
				t.Fatalf("voting: %d", st)
			}
			codes = append(codes, m[1])
		}
		cit.get(eURL + "/vot")
		if !strings.Contains(cit.last, fmt.Sprintf(`value="%d" id="f-p-%d" checked`, lamps.ID, lamps.ID)) {
			t.Fatal("the vote page does not show the ballot cast")
		}
		if st, body = cit.post(eURL+"/vot", url.Values{"project": {fmt.Sprint(bikes.ID), fmt.Sprint(lamps.ID)}, "tie": {"live"}}); st != 422 ||
			!strings.Contains(body, `href="#f-declared"`) {
			t.Fatalf("a ballot without the declaration: %d", st)
		}
		st, body = cit.post(eURL+"/vot", url.Values{"project": {fmt.Sprint(bikes.ID), fmt.Sprint(lamps.ID)}, "tie": {"live"}, "declared": {"true"}})
		if st != 201 || !strings.Contains(body, i18n.T("ro", "budget.voted.replaced", nil)) {
			t.Fatalf("changing the vote: %d", st)
		}
		cit.get("/buget-participativ/chitanta")
		if st, body = cit.post("/buget-participativ/chitanta", url.Values{"code": {strings.ToLower(codes[0])}}); st != 200 ||
			!strings.Contains(body, i18n.T("ro", "budget.receipt.replaced", nil)) {
			t.Fatalf("the first receipt after the change: %d", st)
		}
		if st, body = cit.post("/buget-participativ/chitanta", url.Values{"code": {codes[1]}}); st != 200 ||
			!strings.Contains(body, i18n.T("ro", "budget.receipt.recorded", nil)) {
			t.Fatalf("a receipt: %d", st)
		}
		if st, _ = cit.post("/buget-participativ/chitanta", url.Values{"code": {"AAAA-BBBB-CCCC-DDDD"}}); st != 404 {
			t.Fatalf("an unknown receipt: %d", st)
		}

		// Before the results' day: nothing to see.
		budgetAt(t, a, "2026-09-24")
		anon := newBrowser(t, base)
		if st, body = anon.get(eURL + "/rezultate"); st != 404 || strings.Contains(body, "<svg") {
			t.Fatalf("results before their day: %d", st)
		}
		if st, _ = anon.get(eURL + "/rezultate.pb"); st != 404 {
			t.Fatalf(".pb before the results: %d", st)
		}

		// The results: winners, chart, the .pb file, and a recount.
		budgetAt(t, a, "2026-09-30")
		st, body = anon.get(eURL + "/rezultate")
		admContains(t, "results", body, `<svg`, `role="img"`, `<title id="chart-title">`, `<desc id="chart-desc">`,
			`href="`+eURL+`/rezultate.pb"`, "--top-up 100000", i18n.T("ro", "budget.rule.timisoara_2024.explain", map[string]any{"TopUp": "100.000", "Currency": "lei"}))
		if st != 200 {
			t.Fatalf("results: %d", st)
		}
		res, err := a.Budget.Results(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		winnersTable := body[strings.Index(body, "<h2>"+i18n.T("ro", "budget.results.winners", nil)):strings.Index(body, `<figure`)]
		for _, w := range res.Winners {
			if !strings.Contains(winnersTable, w.Proposal.Title) {
				t.Fatalf("the winners' table lacks %q", w.Proposal.Title)
			}
		}
		resp, err := http.Get(base + eURL + "/rezultate.pb")
		if err != nil {
			t.Fatal(err)
		}
		file, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), ".pb") {
			t.Fatalf(".pb: %d %s", resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
		in, err := pabulib.Parse(bytes.NewReader(file))
		if err != nil {
			t.Fatalf("the .pb file does not parse: %v", err)
		}
		for _, u := range []*identity.User{ana, votes[1].who} {
			if bytes.Contains(file, []byte(u.CNP)) || bytes.Contains(file, []byte(u.Email)) {
				t.Fatal("the .pb file names a voter")
			}
		}
		topUp, _ := pabulib.ParseAmount(in.Meta["top_up"])
		again, err := rules.Tally(in, in.Meta["rule"], rules.Options{TopUp: topUp})
		if err != nil {
			t.Fatal(err)
		}
		var pageWinners []string
		for _, w := range res.Winners {
			pageWinners = append(pageWinners, fmt.Sprintf("%06d", w.Proposal.ID)) // as the .pb file names projects
		}
		// Zone 1: bikes 2 votes, park 1, both fit; zone 2: lamps 1 (the statue is not on the ballot).
		if !slices.Equal(again.Winners, pageWinners) || len(in.Ballots) != 3 || !slices.Contains(pageWinners, fmt.Sprintf("%06d", lamps.ID)) {
			t.Fatalf("recount %v, page %v, %d ballots", again.Winners, pageWinners, len(in.Ballots))
		}
		// In English too.
		if _, body = anon.get(eURL + "/rezultate?lang=en"); !strings.Contains(body, "As in Timișoara in 2024") {
			t.Fatal("the English results page does not explain the rule")
		}
		admConsistency(t, a)
	})
}
