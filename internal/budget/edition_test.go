package budget_test

import (
	"errors"
	"testing"
	"time"

	"github.com/cetate/cetate/internal/budget"
	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

func day(s string) time.Time {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestPresetsMatchTheResearch checks the two presets against ro-domain.md §6.
func TestPresetsMatchTheResearch(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.at("2026-01-05")
		tm := e.edition("timisoara-2024", 2026, nil)
		if len(tm.Areas) != 8 || tm.TotalBudget != 4_000_000 || tm.Currency != budget.RON || tm.AreaKind != budget.Zones {
			t.Fatalf("Timișoara: %d areas, %d %s, %s", len(tm.Areas), tm.TotalBudget, tm.Currency, tm.AreaKind)
		}
		for _, a := range tm.Areas {
			if a.Budget != 500_000 {
				t.Fatalf("zone %s has %d lei", a.Name, a.Budget)
			}
		}
		if tm.MaxVotes != 5 || tm.MinAge != 16 || tm.Rule != "timisoara_2024" || tm.TopUp != 100_000 ||
			tm.Vote.From != day("2026-08-23") || tm.Vote.To != day("2026-09-23") || tm.Appeals.From != day("2026-08-15") {
			t.Fatalf("Timișoara: %+v", tm)
		}
		cj := e.edition("cluj-2021", 2026, nil)
		if len(cj.Areas) != 6 || cj.ProjectCap != 150_000 || cj.Currency != budget.EUR || cj.VotesPerArea != 1 ||
			cj.MinAge != 18 || cj.Rule != "cluj_2021" || cj.ProjectsToFund != 15 || cj.Vote.From != day("2026-09-13") {
			t.Fatalf("Cluj: %+v", cj)
		}
		if got, err := e.s.Edition(e.ctx, cj.ID); err != nil || got.Input() != cj.Input() {
			t.Fatalf("stored edition reads back differently: %v\n%+v\n%+v", err, got.Input(), cj.Input())
		}
		e.consistent()
	})
}

// TestPhasesByDate: phases open and close on Bucharest days, from the dates alone.
func TestPhasesByDate(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.at("2026-01-05")
		ed := e.edition("timisoara-2024", 2026, nil)
		for _, tc := range []struct {
			day  string
			want budget.Phase
		}{
			{"2026-05-09", budget.Upcoming}, {"2026-05-10", budget.Proposing}, {"2026-06-30", budget.Proposing},
			{"2026-07-01", budget.Analysis}, {"2026-08-15", budget.Appeals}, {"2026-08-22", budget.Appeals},
			{"2026-08-23", budget.Voting}, {"2026-09-23", budget.Voting}, {"2026-09-24", budget.Counting},
			{"2026-09-30", budget.Published}, {"2027-03-01", budget.Published},
		} {
			if got := ed.PhaseOn(day(tc.day)); got != tc.want {
				t.Errorf("%s: phase %s, want %s", tc.day, got, tc.want)
			}
		}
		// The night before proposals open: 23:59 in Bucharest is still 9 May,
		// though it is 20:59 UTC; half an hour after midnight it is 10 May.
		u := e.citizen("1990-01-01")
		e.setNow(time.Date(2026, 5, 9, 20, 59, 0, 0, time.UTC))
		_, err := e.s.Propose(e.ctx, u, ed.ID, budget.ProposalInput{}, e.base, "ro")
		refusedWith(t, err, "proposals_closed")
		e.setNow(time.Date(2026, 5, 9, 21, 30, 0, 0, time.UTC))
		e.propose(ed, u, 0, "Bănci noi în parc", 20000)
		// After the last day, closed again.
		e.setNow(time.Date(2026, 6, 30, 21, 0, 0, 0, time.UTC)) // 1 July, 00:00 in Bucharest
		_, err = e.s.Propose(e.ctx, u, ed.ID, budget.ProposalInput{}, e.base, "ro")
		refusedWith(t, err, "proposals_closed")
	})
}

// TestEditionInputIsChecked: each mistake gets its field's error and nothing is stored.
func TestEditionInputIsChecked(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.at("2026-01-05")
		tests := []struct {
			name, field, code string
			edit              func(in *budget.EditionInput)
		}{
			{"no title", "title", "title", func(in *budget.EditionInput) { in.Title = " " }},
			{"budget not a number", "total_budget", "amount", func(in *budget.EditionInput) { in.TotalBudget = "patru milioane" }},
			{"no areas", "areas", "areas_none", func(in *budget.EditionInput) { in.Areas = "\n \n" }},
			{"area twice", "areas", "area_twice", func(in *budget.EditionInput) { in.Areas = "Zona 1; 500000\nzona 1; 500000" }},
			{"areas above the total", "areas", "areas_over_total", func(in *budget.EditionInput) { in.TotalBudget = "1000000" }},
			{"Timișoara zones unequal", "areas", "zones_equal", func(in *budget.EditionInput) { in.Areas = "Zona 1; 500000\nZona 2; 400000" }},
			{"unknown rule", "rule", "choose", func(in *budget.EditionInput) { in.Rule = "majority" }},
			{"points rule on approval", "rule", "rule_needs_points", func(in *budget.EditionInput) { in.Rule = "mes_points" }},
			{"per area above max", "votes_per_area", "per_area_over_max", func(in *budget.EditionInput) { in.VotesPerArea = "6" }},
			{"age below 14", "min_age", "count", func(in *budget.EditionInput) { in.MinAge = "12" }},
			{"bad date", "vote_to", "date", func(in *budget.EditionInput) { in.VoteTo = "2026-02-30" }},
			{"vote before appeals end", "vote_from", "date_order", func(in *budget.EditionInput) { in.VoteFrom = "2026-08-20" }},
			{"phase ends before it starts", "analysis_to", "date_order", func(in *budget.EditionInput) { in.AnalysisTo = "2026-06-30" }},
			{"cap above total", "project_cap", "cap_over_total", func(in *budget.EditionInput) { in.ProjectCap = "5000000" }},
		}
		for _, tc := range tests {
			in, _ := budget.Preset("timisoara-2024", 2026)
			tc.edit(&in)
			_, err := e.s.CreateEdition(e.ctx, e.admin, in)
			t.Run(tc.name, func(t *testing.T) { invalidWith(t, err, tc.field, tc.code) })
		}
		if n := e.count(`SELECT COUNT(*) FROM budget_editions`); n != 0 {
			t.Fatalf("%d editions stored from bad input", n)
		}
		// Only administrators set editions up.
		in, _ := budget.Preset("cluj-2021", 2026)
		if _, err := e.s.CreateEdition(e.ctx, e.comm, in); !errors.Is(err, budget.ErrForbidden) {
			t.Fatalf("the commission created an edition: %v", err)
		}
		if _, err := e.s.CreateEdition(e.ctx, e.citizen("1990-01-01"), in); !errors.Is(err, budget.ErrForbidden) {
			t.Fatalf("a citizen created an edition: %v", err)
		}
	})
}

// TestEditionLockedFromTheVote: the set-up changes until the vote opens, not after,
// and an area with proposals cannot be removed.
func TestEditionLockedFromTheVote(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.at("2026-05-20")
		ed := e.edition("timisoara-2024", 2026, nil)
		e.propose(ed, e.citizen("1990-01-01"), 7, "Loc de joacă", 100000)
		in := ed.Input()
		in.Areas = "Zona 1; 500000\nZona 2; 500000"
		in.TotalBudget = "1000000"
		_, err := e.s.UpdateEdition(e.ctx, e.admin, ed.ID, in)
		invalidWith(t, err, "areas", "area_in_use")
		in = ed.Input()
		in.Title = "Timișoara Decide! 2026 – ediția a V-a"
		if _, err := e.s.UpdateEdition(e.ctx, e.admin, ed.ID, in); err != nil {
			t.Fatal(err)
		}
		got, _ := e.s.Edition(e.ctx, ed.ID)
		if got.Title != in.Title || len(got.Areas) != 8 || got.Areas[7].ID != ed.Areas[7].ID {
			t.Fatalf("after update: %q, %d areas", got.Title, len(got.Areas))
		}
		e.at("2026-08-23")
		in.Title = "Alt titlu"
		_, err = e.s.UpdateEdition(e.ctx, e.admin, ed.ID, in)
		refusedWith(t, err, "locked")
		if got, _ := e.s.Edition(e.ctx, ed.ID); got.Title == "Alt titlu" {
			t.Fatal("a locked edition changed")
		}
	})
}

// TestDraftEditionsAreNotPublic: an unpublished edition is not found by the portal.
func TestDraftEditionsAreNotPublic(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.at("2026-05-20")
		ed := e.edition("cluj-2021", 2026, func(in *budget.EditionInput) { in.Published = false })
		if _, err := e.s.PublicEdition(e.ctx, ed.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("draft edition: %v", err)
		}
		if list, _ := e.s.Editions(e.ctx, false); len(list) != 0 {
			t.Fatalf("the public list has %d editions", len(list))
		}
		if list, _ := e.s.Editions(e.ctx, true); len(list) != 1 {
			t.Fatalf("the back office lists %d editions", len(list))
		}
	})
}

func TestAgeOn(t *testing.T) {
	for _, tc := range []struct {
		birth, on string
		want      int
	}{
		{"2008-08-23", "2026-08-23", 18}, {"2008-08-24", "2026-08-23", 17}, {"2008-02-29", "2026-02-28", 17},
		{"2008-02-29", "2026-03-01", 18}, {"1990-12-31", "2026-01-01", 35},
	} {
		if got := budget.AgeOn(day(tc.birth), day(tc.on)); got != tc.want {
			t.Errorf("born %s, on %s: %d, want %d", tc.birth, tc.on, got, tc.want)
		}
	}
}
