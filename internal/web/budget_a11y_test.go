package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/cetate/cetate/internal/budget"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/testenv"
)

// TestEveryBudgetPageIsAccessible opens every participatory budgeting page, in
// the phases and states people meet them (open and closed, empty, with errors,
// refused, with results), in a real Chromium: WCAG 2.1 A and AA by axe-core, one
// h1 and no skipped heading level, unique ids, no sideways scrolling at 320 px.
func TestEveryBudgetPageIsAccessible(t *testing.T) {
	a := testenv.App(t, testenv.SQLite)
	base := start(t, a)
	b := testenv.NewBrowser(t)
	ctx := context.Background()

	// An edition through its phases, made through the domain.
	budgetAt(t, a, "2026-05-20")
	tm := budgetPreset(t, a, "timisoara-2024")
	in, _ := budget.Preset("timisoara-2024", 2026)
	in.Title, in.VoteType, in.MaxPoints, in.Rule, in.Published = "Buget pe puncte 2026", "cumulative", "10", "mes_points", true
	adm := testenv.User(t, a, identity.Admin, "")
	pts, err := a.Budget.CreateEdition(ctx, adm, in)
	if err != nil {
		t.Fatal(err)
	}
	cit := budgetVoter(t, a, "1990-01-01")
	p1, err := a.Budget.Propose(ctx, cit, tm.ID, budget.ProposalInput{Title: "Parc pentru câini în cartierul Fabric",
		Description: "Un țarc împrejmuit, cu bănci și apă.\nPentru câinii din cartier și stăpânii lor.", Area: fmt.Sprint(tm.Areas[0].ID),
		Address: "Strada Ștefan cel Mare 20", Location: "45.7580, 21.2390", Cost: "180000", Tie: "live", Declared: true,
		Photos: []budget.Upload{{Name: "loc.png", Data: budgetPNG()}}}, base, "ro")
	if err != nil {
		t.Fatal(err)
	}
	p2 := budgetProposal(t, a, tm, budgetVoter(t, a, "1980-01-01"), 0, "Rastele pentru biciclete", 30000)
	p3 := budgetProposal(t, a, tm, cit, 1, "Statuie în piață", 90000)
	p4 := budgetProposal(t, a, tm, cit, 2, "Fântână de băut apă", 20000)
	p5 := budgetProposal(t, a, tm, budgetVoter(t, a, "1970-01-01"), 1, "Iluminat în parcul Rozelor", 120000)
	q1 := budgetProposal(t, a, pts, cit, 0, "Bănci în parcul central", 10000)
	q2 := budgetProposal(t, a, pts, cit, 1, "Copaci pe bulevard", 20000)
	comm := testenv.User(t, a, identity.Worker, budget.Department)
	for _, p := range []*budget.Proposal{p1, p2, p5, q1, q2} {
		if err := a.Budget.Review(ctx, comm, p.ID, budget.Review{Eligible: true, Reason: "Îndeplinește criteriile."}, base); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []*budget.Proposal{p3, p4} {
		if err := a.Budget.Review(ctx, comm, p.ID, budget.Review{Criteria: []string{"located", "general_interest"}, Reason: "Locul nu este precizat."}, base); err != nil {
			t.Fatal(err)
		}
	}
	budgetAt(t, a, "2026-08-16")
	if _, err := a.Budget.FileAppeal(ctx, cit, p3.ID, "Locul este piața din fața școlii, pe domeniul public."); err != nil {
		t.Fatal(err)
	}
	budgetAt(t, a, "2026-08-25")
	var receipt *budget.Receipt
	for i, v := range []*identity.User{budgetVoter(t, a, "1995-01-01"), budgetVoter(t, a, "1996-01-01"), budgetVoter(t, a, "1997-01-01")} {
		r, err := a.Budget.Vote(ctx, v, tm.ID, budget.BallotInput{Approve: []string{fmt.Sprint(p1.ID), fmt.Sprint(p5.ID)}[:1+i%2], Tie: "work", Declared: true})
		if err != nil {
			t.Fatal(err)
		}
		receipt = r
		if _, err := a.Budget.Vote(ctx, v, pts.ID, budget.BallotInput{Points: map[string]string{fmt.Sprint(q1.ID): "4", fmt.Sprint(q2.ID): fmt.Sprint(6 - i)},
			Tie: "work", Declared: true}); err != nil {
			t.Fatal(err)
		}
	}
	photo := filepath.Join(t.TempDir(), "loc.png")
	if err := os.WriteFile(photo, budgetPNG(), 0o600); err != nil {
		t.Fatal(err)
	}

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
	eURL := func(e *budget.Edition) string { return fmt.Sprintf("/buget-participativ/%d", e.ID) }
	pURL := func(p *budget.Proposal) string { return budget.ProposalPath(p.EditionID, p.ID) }
	aURL := func(p *budget.Proposal) string { return fmt.Sprintf("/admin/buget/%d/propuneri/%d", p.EditionID, p.ID) }

	check := func(t *testing.T, day string, pages []pageState) {
		budgetAt(t, a, day)
		for _, ps := range pages {
			t.Run(ps.name, func(t *testing.T) {
				t.Parallel()
				checkPage(t, b.Page(t), ps)
			})
		}
	}

	t.Run("anonymous", func(t *testing.T) {
		check(t, "2026-05-20", []pageState{
			{name: "editions", status: 200, want: `href="` + eURL(tm) + `"`, open: at("/buget-participativ")},
			{name: "edition/proposals open", status: 200, want: `href="` + eURL(tm) + `/propunere"`, open: at(eURL(tm))},
			{name: "proposal", status: 200, want: `openstreetmap.org/?mlat=45.758000`, open: at(pURL(p1))},
			{name: "proposal/ineligible with an appeal", status: 200, want: "<blockquote>", open: at(pURL(p3))},
			{name: "receipt/form", status: 200, want: `id="f-code"`, open: at("/buget-participativ/chitanta")},
			{name: "receipt/errors", status: 422, want: errorSummary, open: submitting("/buget-participativ/chitanta", "#f-code")},
			{name: "receipt/not found", status: 404, want: errorSummary,
				open: submitting("/buget-participativ/chitanta", "#f-code", "f-code", "AAAA-BBBB-CCCC-DDDD")},
			{name: "results/not yet", status: 404, want: `class="lead"`, open: at(eURL(tm) + "/rezultate")},
			{name: "en/edition", lang: "en", status: 200, want: "Proposals", open: at(eURL(tm))},
			{name: "hu/proposal", lang: "hu", status: 200, want: `<dl class="facts">`, open: at(pURL(p1))},
		})
	})
	t.Run("results", func(t *testing.T) {
		check(t, "2026-09-30", []pageState{
			{name: "edition/results out", status: 200, want: `href="` + eURL(tm) + `/rezultate"`, open: at(eURL(tm))},
			{name: "results/zones", status: 200, want: `role="img"`, open: at(eURL(tm) + "/rezultate")},
			{name: "results/points and prices", status: 200, want: `<th scope="col">` + "Puncte", open: at(eURL(pts) + "/rezultate")},
			{name: "receipt/counted", status: 200, want: `id="receipt-result"`,
				open: submitting("/buget-participativ/chitanta", "#f-code", "f-code", receipt.Code)},
			{name: "en/results", lang: "en", status: 200, want: `role="img"`, open: at(eURL(tm) + "/rezultate")},
			{name: "hu/results/points", lang: "hu", status: 200, want: `role="img"`, open: at(eURL(pts) + "/rezultate")},
		})
	})

	b.Page(t).Go(base + "/")
	signIn(t, b, base, cit)
	t.Run("citizen/proposals", func(t *testing.T) {
		check(t, "2026-05-20", []pageState{
			{name: "propose", status: 200, want: `id="f-photos"`, open: at(eURL(tm) + "/propunere")},
			{name: "propose/errors", status: 422, want: errorSummary, open: submitting(eURL(tm)+"/propunere", "#f-title")},
			{name: "proposal/registered", status: 200, want: `class="confirmation"`, open: at(pURL(p1) + "?nou=1")},
			{name: "vote/closed", status: 409, want: `class="panel"`, open: at(eURL(tm) + "/vot")},
			{name: "en/propose/errors", lang: "en", status: 422, want: errorSummary, open: submitting(eURL(tm)+"/propunere", "#f-title")},
		})
	})
	t.Run("citizen/proposing", func(t *testing.T) {
		budgetAt(t, a, "2026-05-20")
		ps := pageState{name: "propose/with a photo", status: 200, want: `class="confirmation"`, open: func(p *testenv.Page) {
			p.Go(base + eURL(tm) + "/propunere")
			p.Fill("#f-title", "Bănci noi în Piața Unirii")
			p.Fill("#f-description", "Zece bănci noi, din lemn, în jurul fântânii din Piața Unirii.")
			p.Check(fmt.Sprintf("#f-area-%d", tm.Areas[2].ID))
			p.Fill("#f-address", "Piața Unirii")
			p.Fill("#f-cost", "25000")
			p.Check("#f-tie-study")
			p.Check("#f-declared")
			p.Upload("#f-photos", photo)
			p.Submit("#f-title")
		}}
		checkPage(t, b.Page(t), ps)
	})
	t.Run("citizen/appeals", func(t *testing.T) {
		check(t, "2026-08-16", []pageState{
			{name: "proposal/appeal form", status: 200, want: `id="f-appeal"`, open: at(pURL(p4))},
			{name: "proposal/appeal errors", status: 422, want: errorSummary, open: submitting(pURL(p4), "#f-appeal")},
		})
	})
	t.Run("citizen/vote", func(t *testing.T) {
		// The parallel pages finish within this t.Run, before the ballot below.
		t.Run("ballot", func(t *testing.T) {
			check(t, "2026-08-25", []pageState{
				{name: "vote/approval", status: 200, want: fmt.Sprintf(`id="f-p-%d"`, p1.ID), open: at(eURL(tm) + "/vot")},
				{name: "vote/points", status: 200, want: fmt.Sprintf(`id="f-points-%d"`, q1.ID), open: at(eURL(pts) + "/vot")},
				{name: "vote/errors", status: 422, want: errorSummary, open: submitting(eURL(tm)+"/vot", "main button[type=submit]")},
				{name: "vote/points errors", status: 422, want: errorSummary,
					open: submitting(eURL(pts)+"/vot", "main button[type=submit]", fmt.Sprintf("f-points-%d", q1.ID), "99")},
			})
		})
		// Last, as it casts the ballot the pages above show empty.
		checkPage(t, b.Page(t), pageState{name: "voted", status: 201, want: `class="confirmation"`, open: func(p *testenv.Page) {
			p.Go(base + eURL(tm) + "/vot")
			p.Check(fmt.Sprintf("#f-p-%d", p2.ID))
			p.Check("#f-tie")
			p.Check("#f-declared")
			p.Submit("#f-declared")
		}})
	})

	browserSignIn(t, b, base, adm)
	t.Run("admin", func(t *testing.T) {
		check(t, "2026-05-20", []pageState{
			{name: "editions", status: 200, want: `href="/admin/buget/editie-noua?model=cluj-2021"`, open: at("/admin/buget")},
			{name: "new from a preset", status: 200, want: "Zona 8; 500000", open: at("/admin/buget/editie-noua?model=timisoara-2024")},
			{name: "new blank", status: 200, want: `id="f-areas"`, open: at("/admin/buget/editie-noua")},
			{name: "new/errors", status: 422, want: errorSummary, open: submitting("/admin/buget/editie-noua", "#f-title")},
			{name: "edition", status: 200, want: `value="timisoara_2024" selected`, open: at(fmt.Sprintf("/admin/buget/%d", tm.ID))},
			{name: "edition/errors", status: 422, want: errorSummary,
				open: submitting(fmt.Sprintf("/admin/buget/%d", tm.ID), "#f-title", "f-vote_from", "2026-08-01")},
			{name: "proposals", status: 200, want: p1.Number, open: at(fmt.Sprintf("/admin/buget/%d/propuneri", tm.ID))},
			{name: "proposals/ineligible", status: 200, want: `value="ineligible" selected`, open: at(fmt.Sprintf("/admin/buget/%d/propuneri?stare=ineligible", tm.ID))},
			{name: "appeals", status: 200, want: p3.Title, open: at(fmt.Sprintf("/admin/buget/%d/contestatii", tm.ID))},
			{name: "proposal", status: 200, want: `id="f-review-submit"`, open: at(aURL(p2))},
			{name: "proposal/with an appeal", status: 200, want: `id="f-appeal-submit"`, open: at(aURL(p3))},
			{name: "proposal/review errors", status: 422, want: errorSummary, open: func(p *testenv.Page) {
				p.Go(base + aURL(p2))
				p.Check("#f-decision-ineligible")
				p.Submit("#f-review-submit")
			}},
			{name: "proposal/merge errors", status: 422, want: errorSummary, open: submitting(aURL(p1), "#f-merge-submit")},
			{name: "en/proposal", lang: "en", status: 200, want: `id="f-merge-submit"`, open: at(aURL(p1))},
			{name: "hu/new from a preset", lang: "hu", status: 200, want: "Zona 8; 500000", open: at("/admin/buget/editie-noua?model=timisoara-2024")},
		})
	})
	t.Run("admin/locked", func(t *testing.T) {
		check(t, "2026-08-25", []pageState{
			{name: "edition locked", status: 200, want: `class="notice"`, open: at(fmt.Sprintf("/admin/buget/%d", tm.ID))},
			{name: "proposal locked", status: 200, want: `class="notice"`, open: at(aURL(p1))},
		})
	})
}
