package budget_test

import (
	"bytes"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/budget"
	"github.com/cetate/cetate/internal/budget/pabulib"
	"github.com/cetate/cetate/internal/budget/rules"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

// TestTimisoaraResultsAndExport votes a Timișoara edition and checks the count
// zone by zone (with the top-up), that results stay hidden until their day, and
// that the .pb export is anonymised, parses back and counts to the same winners.
func TestTimisoaraResultsAndExport(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.at("2026-05-20")
		ed := e.edition("timisoara-2024", 2026, nil)
		u := e.citizen("1980-01-01")
		// Zone 1: 300k and 250k (the second fits with a 50k top-up), then 100k.
		z1a := e.propose(ed, u, 0, "Parc nou în Fabric", 300000)
		z1b := e.propose(ed, u, 0, "Piste de biciclete în Fabric", 250000)
		z1c := e.propose(ed, u, 0, "Bănci în Fabric", 100000)
		// Zone 2: 400k then 200k (a gap of 100k: topped up), then 50k left out.
		z2a := e.propose(ed, u, 1, "Grădină comunitară", 400000)
		z2b := e.propose(ed, u, 1, "Iluminat pe alei", 200000)
		z2c := e.propose(ed, u, 1, "Rastele", 50000)
		rejected := e.propose(ed, u, 1, "Proiect neeligibil", 10000)
		e.eligible(z1a, z1b, z1c, z2a, z2b, z2c)
		if err := e.s.Review(e.ctx, e.comm, rejected.ID, budget.Review{Criteria: []string{"located"}, Reason: "Locul nu este precizat."}, e.base); err != nil {
			t.Fatal(err)
		}

		e.at("2026-08-25")
		ballots := []struct {
			n  int
			ps []*budget.Proposal
		}{{5, []*budget.Proposal{z1a, z1b, z2a}}, {3, []*budget.Proposal{z1b, z2b}}, {2, []*budget.Proposal{z1c, z2b, z2c}}, {1, []*budget.Proposal{z1a}}}
		var voters []*identity.User
		for _, b := range ballots {
			for range b.n {
				v := e.citizen("1990-02-02")
				voters = append(voters, v)
				if _, err := e.s.Vote(e.ctx, v, ed.ID, approve(b.ps...)); err != nil {
					t.Fatal(err)
				}
			}
		}
		// z1a 6, z1b 8, z1c 2; z2a 5, z2b 5, z2c 2.
		_, err := e.s.Results(e.ctx, ed.ID)
		refusedWith(t, err, "results_not_yet")
		e.at("2026-09-29") // counted, not yet published
		_, err = e.s.Results(e.ctx, ed.ID)
		refusedWith(t, err, "results_not_yet")
		var buf bytes.Buffer
		if err := e.s.ExportPB(e.ctx, &buf, ed.ID); err == nil || buf.Len() > 0 {
			t.Fatal("the .pb file is out before the results")
		}

		e.at("2026-09-30")
		res, err := e.s.Results(e.ctx, ed.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []int64{z1b.ID, z1a.ID, z2a.ID, z2b.ID}
		if got := winnerIDs(res); !slices.Equal(got, want) {
			t.Fatalf("winners %v, want %v", got, want)
		}
		if res.Ballots != 11 || len(res.Rows) != 6 || res.Rows[0].Proposal.ID != z1b.ID || res.Rows[0].Supporters != 8 {
			t.Fatalf("%d ballots, rows %+v", res.Ballots, res.Rows)
		}
		if len(res.Zones) != 2 || res.Zones[0].TopUp.Cmp(big.NewRat(50000, 1)) != 0 || res.Zones[1].TopUp.Cmp(big.NewRat(100000, 1)) != 0 ||
			res.Zones[0].Budget.Cmp(big.NewRat(500000, 1)) != 0 {
			t.Fatalf("zones %+v", res.Zones)
		}

		buf.Reset()
		if err := e.s.ExportPB(e.ctx, &buf, ed.ID); err != nil {
			t.Fatal(err)
		}
		file := buf.String()
		in, err := pabulib.Parse(strings.NewReader(file))
		if err != nil {
			t.Fatalf("the export does not parse: %v\n%s", err, file)
		}
		if len(in.Ballots) != 11 || len(in.Projects) != 6 || in.Meta["top_up"] != "100000" || in.Meta["rule"] != "timisoara_2024" {
			t.Fatalf("exported %d ballots, %d projects, meta %v", len(in.Ballots), len(in.Projects), in.Meta)
		}
		// Anonymised: voters are 1..N, and nothing stored about them is in the file.
		for i, b := range in.Ballots {
			if b.VoterID != strconv.Itoa(i+1) || len(b.Extra) != 0 {
				t.Fatalf("ballot %d is voter %q with %v", i, b.VoterID, b.Extra)
			}
		}
		rows, err := db.Read().QueryContext(e.ctx, `SELECT id FROM budget_ballots UNION ALL SELECT cnp_hash FROM budget_voters`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var secret string
			rows.Scan(&secret)
			if strings.Contains(file, secret) {
				t.Fatalf("the export contains a stored ballot id or voter hash %s", secret)
			}
		}
		rows.Close()
		for _, v := range voters[:3] {
			if strings.Contains(file, v.CNP) || strings.Contains(file, v.Email) {
				t.Fatal("the export names a voter")
			}
		}
		// Counting the file again gives the page's winners.
		topUp, _ := pabulib.ParseAmount(in.Meta["top_up"])
		again, err := rules.Tally(in, in.Meta["rule"], rules.Options{TopUp: topUp})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(again.Winners, res.Tally.Winners) {
			t.Fatalf("recount %v, page %v", again.Winners, res.Tally.Winners)
		}
		if p, _ := in.ProjectByID(fmt.Sprintf("%06d", z1b.ID)); p.Extra["votes"] != "8" || p.Extra["selected"] != "1" || p.Zone != "zona-1" {
			t.Fatalf("project in the file: %+v", p)
		}
	})
}

func winnerIDs(res *budget.Results) []int64 {
	var out []int64
	for _, w := range res.Winners {
		out = append(out, w.Proposal.ID)
	}
	return out
}

// TestClujAndEqualSharesResults: cluj_2021 funds by votes regardless of domain up
// to its number of projects; an Equal Shares edition shows each winner's price.
func TestClujAndEqualSharesResults(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.at("2026-05-20")
		cj := e.edition("cluj-2021", 2026, func(in *budget.EditionInput) { in.ProjectsToFund = "2" })
		u := e.citizen("1980-01-01")
		a := e.propose(cj, u, 0, "Trotuar pe strada Horea", 150000)
		b := e.propose(cj, u, 0, "Alee în parc", 50000)
		c := e.propose(cj, u, 5, "Wi-fi în piețe", 20000)
		e.eligible(a, b, c)
		mes := e.edition("timisoara-2024", 2026, func(in *budget.EditionInput) {
			in.Title, in.Rule, in.TotalBudget, in.Areas, in.ProjectCap = "Egal", "mes_cost", "100000", "Oraș", "100000"
		})
		m1 := e.propose(mes, u, 0, "Proiect scump", 80000)
		m2 := e.propose(mes, u, 0, "Proiect ieftin", 20000)
		e.eligible(m1, m2)

		e.at("2026-09-20")
		vote := func(ed *budget.Edition, ps ...*budget.Proposal) {
			if _, err := e.s.Vote(e.ctx, e.citizen("1990-01-01"), ed.ID, approve(ps...)); err != nil {
				t.Fatal(err)
			}
		}
		for range 3 {
			vote(cj, a, c)
		}
		vote(cj, b)
		for range 4 {
			vote(mes, m1, m2)
		}
		e.at("2026-12-05")
		res, err := e.s.Results(e.ctx, cj.ID)
		if err != nil {
			t.Fatal(err)
		}
		// a and c have 3 votes each, b 1: two projects are funded, a first (smaller id).
		if got := winnerIDs(res); !slices.Equal(got, []int64{a.ID, c.ID}) {
			t.Fatalf("Cluj winners %v", got)
		}
		res, err = e.s.Results(e.ctx, mes.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Winners) != 2 || res.Winners[0].Price == nil {
			t.Fatalf("Equal Shares: %+v", res.Winners)
		}
		// Four voters share each project: 80000/4 and 20000/4.
		for _, w := range res.Winners {
			if want := big.NewRat(w.Cost, 4); w.Price.Cmp(want) != 0 {
				t.Fatalf("price of %d: %s, want %s", w.Proposal.ID, w.Price.RatString(), want.RatString())
			}
		}
	})
}
