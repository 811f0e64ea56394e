package rules

import (
	"errors"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/budget/pabulib"
)

// build makes an instance: projects "A:60 B:40", ballots "A,B|B" (for
// cumulative ballots "A=2,B=1").
func build(kind pabulib.VoteType, budget int64, projects, ballots string) *pabulib.Instance {
	in := &pabulib.Instance{Meta: map[string]string{}, VoteType: kind, Budget: big.NewRat(budget, 1)}
	for _, p := range strings.Fields(projects) {
		id, cost, _ := strings.Cut(p, ":")
		c, _ := new(big.Rat).SetString(cost)
		in.Projects = append(in.Projects, pabulib.Project{ID: id, Cost: c})
	}
	for i, b := range strings.Split(ballots, "|") {
		bl := pabulib.Ballot{VoterID: strconv.Itoa(i + 1)}
		for _, v := range strings.Split(b, ",") {
			if v == "" {
				continue
			}
			id, pts, ok := strings.Cut(v, "=")
			bl.Projects = append(bl.Projects, id)
			if ok {
				n, _ := strconv.ParseInt(pts, 10, 64)
				bl.Points = append(bl.Points, n)
			}
		}
		in.Ballots = append(in.Ballots, bl)
	}
	return in
}

func mustTally(t *testing.T, in *pabulib.Instance, rule string, opt Options) *Result {
	t.Helper()
	res, err := Tally(in, rule, opt)
	if err != nil {
		t.Fatalf("%s: %v", rule, err)
	}
	return res
}

func wantWinners(t *testing.T, res *Result, want ...string) {
	t.Helper()
	if !slices.Equal(res.Winners, want) {
		t.Errorf("%s: winners %v, want %v", res.Rule, res.Winners, want)
	}
}

func TestGreedy(t *testing.T) {
	// A project that no longer fits is skipped, not a stop.
	in := build(pabulib.Approval, 100, "A:90 B:20 C:10", "A,B,C|A,B|A")
	wantWinners(t, mustTally(t, in, "greedy_votes", Options{}), "A", "C")

	// Ties go to the smallest id as a string: "10" before "9".
	in = build(pabulib.Approval, 10, "9:10 10:10", "9|10")
	wantWinners(t, mustTally(t, in, "greedy_votes", Options{}), "10")

	// A free project scores 0 and comes last, as in pabutools.
	in = build(pabulib.Approval, 10, "F:0 A:10", "F|F|A")
	wantWinners(t, mustTally(t, in, "greedy_votes", Options{}), "A", "F")

	// Ordinal: a ballot of length L gives L, L−1, …, 1 points.
	in = build(pabulib.Ordinal, 20, "x:10 y:10 z:10", "x,y,z|y|z,y")
	res := mustTally(t, in, "greedy_points", Options{})
	wantWinners(t, res, "y", "x")
	for id, want := range map[string]int64{"x": 3, "y": 4, "z": 3} {
		if got := res.Projects[id].Points; got.Cmp(big.NewRat(want, 1)) != 0 {
			t.Errorf("points of %s = %v, want %d", id, got, want)
		}
	}

	// Cumulative: a project given 0 points has no supporter there.
	in = build(pabulib.Cumulative, 10, "a:10 b:10", "a=0,b=1|a=5")
	res = mustTally(t, in, "greedy_votes", Options{})
	if res.Projects["a"].Supporters != 1 || res.Projects["b"].Supporters != 1 || !res.HasPoints {
		t.Errorf("supporters %+v", res.Projects)
	}
	wantWinners(t, res, "a")                                          // tie on supporters: smallest id
	wantWinners(t, mustTally(t, in, "greedy_points", Options{}), "a") // 5 points against 1
	wantWinners(t, mustTally(t, build(pabulib.Cumulative, 10, "a:10 b:10", "a=1,b=2"), "greedy_points", Options{}), "b")
}

// TestEqualSharesByHand: 4 voters, budget 100, so 25 each. A (60) is
// supported by voters 1–3, B (40) by 3–4, C (30) by 4 alone.
func TestEqualSharesByHand(t *testing.T) {
	in := build(pabulib.Approval, 100, "A:60 B:40 C:30", "A|A|A,B|B,C")

	// Cardinality utilities: A and B both cost their supporters 20 each, a
	// tie A wins by id. Then voter 3 has 5 and voter 4 has 25: B (40) and C
	// (30) are out of reach.
	res := mustTally(t, in, "mes_card", Options{})
	wantWinners(t, res, "A")
	if res.Prices["A"].Cmp(big.NewRat(20, 1)) != 0 || res.VoterBudget.Cmp(big.NewRat(25, 1)) != 0 || res.Runs != 1 {
		t.Errorf("price %v, voter budget %v, runs %d", res.Prices["A"], res.VoterBudget, res.Runs)
	}

	// Add1: at 30 per voter, after A voter 3 has 10 and voter 4 has 30, so B
	// costs voter 4 exactly 30 (all voter 3 has, 10, and 30 from voter 4),
	// tying C's 30: B wins by id and takes voter 4's last lei. 6 runs: 25…30.
	res = mustTally(t, in, "mes_card_add1", Options{})
	wantWinners(t, res, "A", "B")
	if res.Prices["B"].Cmp(big.NewRat(30, 1)) != 0 || res.VoterBudget.Cmp(big.NewRat(30, 1)) != 0 || res.Runs != 6 {
		t.Errorf("price of B %v, voter budget %v, runs %d", res.Prices["B"], res.VoterBudget, res.Runs)
	}
	if res.TotalCost.Cmp(big.NewRat(100, 1)) != 0 {
		t.Errorf("total %v", res.TotalCost)
	}

	// Cost utilities: A costs 1/3 per unit of utility, B 1/2: A first. At 30
	// per voter B costs 3/4 per unit, C 1: B before C.
	res = mustTally(t, in, "mes_cost_add1", Options{})
	wantWinners(t, res, "A", "B")
	if res.Prices["A"].Cmp(big.NewRat(20, 1)) != 0 {
		t.Errorf("price of A %v, want 20 per supporter", res.Prices["A"])
	}

	// The greedy completion adds nothing to an exhaustive outcome and fills
	// the rest otherwise: plain mes_card leaves 40, where C (30) fits.
	in = build(pabulib.Approval, 100, "A:60 B:50 C:30", "A|A|A,B|B,C")
	wantWinners(t, mustTally(t, in, "mes_card", Options{}), "A")
	wantWinners(t, mustTally(t, in, "mes_card_add1_greedy", Options{}), "A", "C")

	// No ballots: Equal Shares funds nothing; the completion still fills.
	in = build(pabulib.Approval, 10, "A:5", "")
	in.Ballots = nil
	wantWinners(t, mustTally(t, in, "mes_cost_add1", Options{}))
	wantWinners(t, mustTally(t, in, "mes_cost_add1_greedy", Options{}), "A")
}

func TestRuleErrors(t *testing.T) {
	approval := build(pabulib.Approval, 10, "A:5", "A")
	ordinal := build(pabulib.Ordinal, 10, "A:5", "A")
	cases := []struct {
		in   *pabulib.Instance
		rule string
		err  error
	}{
		{approval, "mes_magic", ErrUnknownRule},
		{approval, "", ErrUnknownRule},
		{approval, "greedy_points", ErrBallotType},
		{approval, "mes_points_add1", ErrBallotType},
		{ordinal, "mes_card", ErrBallotType},
		{ordinal, "mes_card_add1_greedy", ErrBallotType},
	}
	for _, c := range cases {
		if _, err := Tally(c.in, c.rule, Options{}); !errors.Is(err, c.err) {
			t.Errorf("%s on %s: %v, want %v", c.rule, c.in.VoteType, err, c.err)
		}
	}
	for _, rule := range []string{"greedy_votes", "mes_cost", "mes_cost_add1_greedy", "cluj_2021", "timisoara_2024"} {
		if _, err := Tally(ordinal, rule, Options{}); err != nil {
			t.Errorf("%s applies to every ballot kind: %v", rule, err)
		}
	}
}

func TestCluj(t *testing.T) {
	// 17 projects of 1 lei; P17 has no vote; P16 has the fewest votes.
	var projects, ballots []string
	for i := 1; i <= 17; i++ {
		projects = append(projects, "P"+strconv.Itoa(i)+":1")
	}
	for v := 0; v < 20; v++ {
		var b []string
		for i := 1; i <= 16; i++ {
			if v < 21-i { // P1 has 20 votes, P16 has 5
				b = append(b, "P"+strconv.Itoa(i))
			}
		}
		ballots = append(ballots, strings.Join(b, ","))
	}
	in := build(pabulib.Approval, 100, strings.Join(projects, " "), strings.Join(ballots, "|"))
	res := mustTally(t, in, "cluj_2021", Options{})
	if len(res.Winners) != 15 || res.Winners[0] != "P1" || slices.Contains(res.Winners, "P16") {
		t.Errorf("default: %v; want the 15 most voted", res.Winners)
	}
	res = mustTally(t, in, "cluj_2021", Options{Projects: 20})
	if len(res.Winners) != 16 || slices.Contains(res.Winners, "P17") {
		t.Errorf("--projects 20: %v; a project without votes is never funded", res.Winners)
	}
	// What does not fit is skipped and the next one tried.
	in = build(pabulib.Approval, 10, "A:8 B:5 C:2", "A,B,C|A,B|A")
	wantWinners(t, mustTally(t, in, "cluj_2021", Options{}), "A", "C")
	wantWinners(t, mustTally(t, in, "cluj_2021", Options{Projects: 1}), "A")
}

func TestTimisoara(t *testing.T) {
	ballots := func(votes map[string]int) string {
		var bs []string
		for id, n := range votes {
			for range n {
				bs = append(bs, id)
			}
		}
		slices.Sort(bs)
		return strings.Join(bs, "|")
	}
	votes := map[string]int{"P1": 5, "P2": 4, "P3": 3}

	// The next project does not fit, the gap (50,000) is within the top-up:
	// funded, and the zone stops there.
	in := build(pabulib.Approval, 500000, "P1:300000 P2:250000 P3:10000", ballots(votes))
	res := mustTally(t, in, "timisoara_2024", Options{})
	wantWinners(t, res, "P1", "P2")
	z := res.Zones[0]
	if len(res.Zones) != 1 || z.TopUp.Cmp(big.NewRat(50000, 1)) != 0 || z.Leftover.Sign() != 0 || z.Spent.Cmp(big.NewRat(550000, 1)) != 0 {
		t.Errorf("zone %+v", z)
	}

	// A gap of 150,000 is too much: the remainder is the reserve.
	in = build(pabulib.Approval, 500000, "P1:300000 P2:350000 P3:10000", ballots(votes))
	res = mustTally(t, in, "timisoara_2024", Options{})
	wantWinners(t, res, "P1")
	if z := res.Zones[0]; z.Leftover.Cmp(big.NewRat(200000, 1)) != 0 || z.TopUp.Sign() != 0 {
		t.Errorf("zone %+v", z)
	}
	// A larger top-up funds it.
	res = mustTally(t, in, "timisoara_2024", Options{TopUp: big.NewRat(150000, 1)})
	wantWinners(t, res, "P1", "P2")

	// Zones from the zone column share the META budget equally, each with its
	// own account; winners come zone by zone.
	in = build(pabulib.Approval, 1000000, "N1:400000 N2:200000 S1:450000 S2:200000", ballots(map[string]int{"N1": 3, "N2": 2, "S1": 9, "S2": 1}))
	for i := range in.Projects {
		in.Projects[i].Zone = map[byte]string{'N': "Nord", 'S': "Sud"}[in.Projects[i].ID[0]]
	}
	res = mustTally(t, in, "timisoara_2024", Options{})
	wantWinners(t, res, "N1", "N2", "S1")
	if len(res.Zones) != 2 || res.Zones[0].Name != "Nord" || res.Zones[0].TopUp.Cmp(big.NewRat(100000, 1)) != 0 ||
		res.Zones[1].Leftover.Cmp(big.NewRat(50000, 1)) != 0 || res.Zones[1].Budget.Cmp(big.NewRat(500000, 1)) != 0 {
		t.Errorf("zones %+v", res.Zones)
	}
	in.Projects[3].Zone = ""
	if _, err := Tally(in, "timisoara_2024", Options{}); err == nil {
		t.Error("a project without a zone among zoned ones must be an error")
	}
}

func TestFormatAmount(t *testing.T) {
	for r, want := range map[*big.Rat]string{big.NewRat(1500000, 1): "1500000", big.NewRat(46050603, 50): "46050603/50", big.NewRat(-3, 6): "-1/2"} {
		if got := FormatAmount(r); got != want {
			t.Errorf("FormatAmount(%v) = %q, want %q", r, got, want)
		}
	}
}

// TestHugeAmounts: amounts far beyond int64 (and beyond float64's exact
// range) count exactly.
func TestHugeAmounts(t *testing.T) {
	in := build(pabulib.Approval, 1, "A:6 B:5 C:3", "A|A|A,B|B,C")
	scale, _ := new(big.Rat).SetString("1000000000000000000000000000001") // 10^30 + 1
	in.Budget = new(big.Rat).Mul(big.NewRat(10, 1), scale)
	for i := range in.Projects {
		in.Projects[i].Cost = new(big.Rat).Mul(in.Projects[i].Cost, scale)
	}
	// TestEqualSharesByHand scaled by 10^30+1 (the Add1 rules would need
	// 10^30 reruns, here as in pabutools).
	res := mustTally(t, in, "mes_card", Options{})
	wantWinners(t, res, "A")
	if want := new(big.Rat).Mul(big.NewRat(2, 1), scale); res.Prices["A"].Cmp(want) != 0 {
		t.Errorf("price %v, want %v", res.Prices["A"], want)
	}
	wantWinners(t, mustTally(t, in, "mes_cost", Options{}), "A")
	wantWinners(t, mustTally(t, in, "greedy_votes", Options{}), "A", "C")

	// Add1 with costs too large for integer sums: 2^60 each, done at once.
	in = build(pabulib.Approval, 1, "A:1 B:1 C:3", "A|B|C")
	big60 := new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), 60))
	in.Budget.Mul(big.NewRat(3, 1), big60)
	for i := range in.Projects {
		in.Projects[i].Cost = new(big.Rat).Mul(in.Projects[i].Cost, big60)
	}
	res = mustTally(t, in, "mes_cost_add1_greedy", Options{})
	wantWinners(t, res, "A", "B")
	if res.Runs != 1 {
		t.Errorf("%d runs", res.Runs)
	}
}
