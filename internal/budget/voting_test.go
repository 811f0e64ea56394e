package budget_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/budget"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
	"github.com/cetate/cetate/internal/testenv"
)

func approve(ps ...*budget.Proposal) budget.BallotInput {
	in := budget.BallotInput{Tie: "live", Declared: true}
	for _, p := range ps {
		in.Approve = append(in.Approve, fmt.Sprint(p.ID))
	}
	return in
}

// TestOneBallotPerCNP: one ballot per CNP and edition, even from two accounts
// that carry the same CNP; the voter replaces their ballot until the vote closes,
// and the old receipt then says so. The CNP itself is never stored.
func TestOneBallotPerCNP(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.at("2026-05-20")
		ed := e.edition("timisoara-2024", 2026, nil)
		cnp := cnpBornOn(t, "1990-04-05")
		first := e.user(identity.Citizen, "", cnp)
		twin := e.user(identity.Citizen, "", cnp) // a second account claiming the same CNP
		a := e.propose(ed, first, 0, "Copaci pe strada Ion Ionescu", 50000)
		b := e.propose(ed, first, 1, "Loc de joacă în Piața Unirii", 80000)
		e.eligible(a, b)

		e.at("2026-08-23")
		r1, err := e.s.Vote(e.ctx, first, ed.ID, approve(a))
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.s.Vote(e.ctx, twin, ed.ID, approve(b))
		refusedWith(t, err, "other_account")
		e.at("2026-09-23") // the last day of the vote
		r2, err := e.s.Vote(e.ctx, first, ed.ID, approve(a, b))
		if err != nil || !r2.Replaced || r1.Replaced {
			t.Fatalf("replacing the ballot: %+v %v", r2, err)
		}
		if n := e.count(`SELECT COUNT(*) FROM budget_voters`); n != 1 {
			t.Fatalf("%d voters, want 1", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM budget_ballots`); n != 1 {
			t.Fatalf("%d ballots stored, want 1 (the replaced one is gone)", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM budget_voters WHERE cnp_hash LIKE $1`, "%"+cnp+"%"); n != 0 {
			t.Fatal("the CNP is stored in clear")
		}
		mine, err := e.s.MyBallot(e.ctx, first, ed.ID)
		if err != nil || len(mine.Choices) != 2 {
			t.Fatalf("my ballot: %+v %v", mine, err)
		}
		if _, err := e.s.MyBallot(e.ctx, twin, ed.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the twin account sees a ballot: %v", err)
		}

		// Receipts: the first was replaced, the second counts; codes read in any case.
		st1, err := e.s.CheckReceipt(e.ctx, strings.ToLower(strings.ReplaceAll(r1.Code, "-", " ")))
		if err != nil || st1.Current || st1.BallotHash != r1.BallotHash {
			t.Fatalf("old receipt: %+v %v", st1, err)
		}
		st2, err := e.s.CheckReceipt(e.ctx, r2.Code)
		if err != nil || !st2.Current || st2.Counted || st2.EditionID != ed.ID || st2.BallotHash == r1.BallotHash {
			t.Fatalf("new receipt: %+v %v", st2, err)
		}
		if _, err := e.s.CheckReceipt(e.ctx, "AAAA-BBBB-CCCC-DDDD"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an unknown code: %v", err)
		}

		// After the close: no ballot, no change.
		e.at("2026-09-24")
		_, err = e.s.Vote(e.ctx, first, ed.ID, approve(a))
		refusedWith(t, err, "vote_closed")
		if mine, _ := e.s.MyBallot(e.ctx, first, ed.ID); len(mine.Choices) != 2 {
			t.Fatal("the ballot changed after the close")
		}
		if st, _ := e.s.CheckReceipt(e.ctx, r2.Code); !st.Counted {
			t.Fatal("after the close the receipt does not say the ballot is counted")
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'budget.ballot.cast' AND detail = ''`); n != 2 {
			t.Fatalf("%d audited votes, want 2, none saying what was chosen", n)
		}
		e.consistent()
	})
}

// TestWhoMayVote: a verified CNP and the minimum age on the vote's first day.
func TestWhoMayVote(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.at("2026-05-20")
		ed := e.edition("timisoara-2024", 2026, nil) // 16 and over, vote from 23 August
		p := e.propose(ed, e.citizen("1980-01-01"), 0, "Copaci pe strada Ion Ionescu", 50000)
		e.eligible(p)
		e.at("2026-09-01")
		_, err := e.s.Vote(e.ctx, e.user(identity.Citizen, "", ""), ed.ID, approve(p))
		refusedWith(t, err, "need_cnp")
		// 16 on 24 August: too young on the vote's first day, even a week later.
		_, err = e.s.Vote(e.ctx, e.citizen("2010-08-24"), ed.ID, approve(p))
		refusedWith(t, err, "too_young")
		if _, err := e.s.Vote(e.ctx, e.citizen("2010-08-23"), ed.ID, approve(p)); err != nil {
			t.Fatalf("16 on the first day: %v", err)
		}
		if _, err := e.s.Vote(e.ctx, e.comm, ed.ID, approve(p)); !errors.Is(err, budget.ErrForbidden) {
			t.Fatalf("a staff account voted: %v", err)
		}
		if n := e.count(`SELECT COUNT(*) FROM budget_ballots`); n != 1 {
			t.Fatalf("%d ballots, want 1", n)
		}
	})
}

// TestVoteLimits: per domain, overall, points, known projects, the declaration.
func TestVoteLimits(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.at("2026-05-20")
		cj := e.edition("cluj-2021", 2026, nil) // one vote per domain, six in all
		u := e.citizen("1990-01-01")
		d1a := e.propose(cj, u, 0, "Trotuar nou pe strada Horea", 100000)
		d1b := e.propose(cj, u, 0, "Alee în parcul Iuliu Hațieganu", 90000)
		d2 := e.propose(cj, u, 1, "Treceri de pietoni luminate", 60000)
		notOnBallot := e.propose(cj, u, 2, "Loc de joacă nou", 70000)
		e.eligible(d1a, d1b, d2)
		tm := e.edition("timisoara-2024", 2026, nil) // five in all
		var zs []*budget.Proposal
		for i := range 6 {
			zs = append(zs, e.propose(tm, u, i, fmt.Sprintf("Proiectul %d din zona %d", i+1, i+1), 10000))
		}
		e.eligible(zs...)
		pts := e.edition("timisoara-2024", 2026, func(in *budget.EditionInput) {
			in.Title, in.VoteType, in.MaxPoints, in.Rule = "Puncte", "cumulative", "10", "greedy_points"
		})
		p1, p2 := e.propose(pts, u, 0, "Bănci în parc", 10000), e.propose(pts, u, 1, "Fântână în piață", 10000)
		e.eligible(p1, p2)

		e.at("2026-09-15") // both votes are open
		voter := e.citizen("1995-05-05")
		tests := []struct {
			name        string
			ed          *budget.Edition
			in          budget.BallotInput
			field, code string
		}{
			{"two in one domain", cj, approve(d1a, d1b), fmt.Sprintf("area-%d", cj.Areas[0].ID), "too_many_in_area"},
			{"a project not on the ballot", cj, approve(notOnBallot), "ballot", "unknown_project"},
			{"a project of another edition", cj, approve(zs[0]), "ballot", "unknown_project"},
			{"nothing chosen", cj, approve(), "ballot", "ballot_empty"},
			{"no declaration", cj, budget.BallotInput{Approve: []string{fmt.Sprint(d2.ID)}, Tie: "live"}, "declared", "declare"},
			{"six of five", tm, approve(zs...), "ballot", "too_many"},
			{"points above the total", pts, budget.BallotInput{Points: map[string]string{fmt.Sprint(p1.ID): "6", fmt.Sprint(p2.ID): "5"},
				Tie: "work", Declared: true}, "ballot", "too_many_points"},
			{"points not a number", pts, budget.BallotInput{Points: map[string]string{fmt.Sprint(p1.ID): "trei"}, Tie: "work", Declared: true},
				fmt.Sprintf("points-%d", p1.ID), "points"},
		}
		for _, tc := range tests {
			_, err := e.s.Vote(e.ctx, voter, tc.ed.ID, tc.in)
			t.Run(tc.name, func(t *testing.T) { invalidWith(t, err, tc.field, tc.code) })
		}
		if n := e.count(`SELECT COUNT(*) FROM budget_ballots`) + e.count(`SELECT COUNT(*) FROM budget_voters`); n != 0 {
			t.Fatalf("refused ballots stored %d rows", n)
		}
		for _, ok := range []struct {
			ed *budget.Edition
			in budget.BallotInput
		}{
			{cj, approve(d1a, d2)},
			{tm, approve(zs[:5]...)},
			{pts, budget.BallotInput{Points: map[string]string{fmt.Sprint(p1.ID): "6", fmt.Sprint(p2.ID): "4"}, Tie: "work", Declared: true}},
		} {
			if _, err := e.s.Vote(e.ctx, voter, ok.ed.ID, ok.in); err != nil {
				t.Fatalf("a ballot within the limits of %q: %v", ok.ed.Title, err)
			}
		}
		if mine, _ := e.s.MyBallot(e.ctx, voter, pts.ID); mine.Tie != "work" {
			t.Fatalf("my points ballot: %+v", mine)
		} else if n, ok := mine.Has(p1.ID); !ok || n != 6 {
			t.Fatalf("points for %d: %d", p1.ID, n)
		}
	})
}

// TestTwinAccountsVotingAtOnce: two accounts with one CNP vote at the same
// moment, many times over; one ballot is stored, the other account is refused.
func TestTwinAccountsVotingAtOnce(t *testing.T) {
	testenv.EachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.at("2026-05-20")
		ed := e.edition("timisoara-2024", 2026, nil)
		p := e.propose(ed, e.citizen("1980-01-01"), 0, "Copaci pe strada Ion Ionescu", 50000)
		e.eligible(p)
		e.at("2026-08-25")
		for round := range 5 {
			cnp := cnpBornOn(t, "1991-07-07")
			a, b := e.user(identity.Citizen, "", cnp), e.user(identity.Citizen, "", cnp)
			errs := make(chan error, 2)
			for _, u := range []*identity.User{a, b} {
				go func() {
					_, err := e.s.Vote(e.ctx, u, ed.ID, approve(p))
					errs <- err
				}()
			}
			var ok, refusedN int
			for range 2 {
				var r *budget.Refused
				switch err := <-errs; {
				case err == nil:
					ok++
				case errors.As(err, &r) && r.Code == "other_account":
					refusedN++
				default:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if ok != 1 || refusedN != 1 {
				t.Fatalf("round %d: %d ballots accepted, %d refused", round, ok, refusedN)
			}
		}
		if n := e.count(`SELECT COUNT(*) FROM budget_ballots`); n != 5 {
			t.Fatalf("%d ballots for 5 people", n)
		}
	})
}
