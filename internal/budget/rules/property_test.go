package rules

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cetate/cetate/internal/budget/pabulib"
)

// randomInstance makes a small election with many ties: costs from a few
// round values (and the odd decimal), short ballots, repeated ballots.
func randomInstance(r *rand.Rand, kind pabulib.VoteType) *pabulib.Instance {
	nProjects := 1 + r.IntN(9)
	in := &pabulib.Instance{Meta: map[string]string{}, VoteType: kind}
	costs := []int64{0, 5, 10, 10, 20, 25, 40, 50, 100}
	for i := range nProjects {
		cost := big.NewRat(costs[1+r.IntN(len(costs)-1)], 1)
		switch r.IntN(12) {
		case 0:
			cost = big.NewRat(int64(1+r.IntN(400)), 4) // a decimal cost
		case 1:
			cost = new(big.Rat) // a free project
		}
		// Ids whose string order differs from their number order.
		in.Projects = append(in.Projects, pabulib.Project{ID: fmt.Sprint([]int{1, 2, 10, 11, 3, 20, 100, 7, 9}[i]), Cost: cost})
	}
	in.Budget = big.NewRat(int64(10+r.IntN(200)), 1)
	if r.IntN(5) == 0 {
		in.Budget.Quo(in.Budget, big.NewRat(3, 1))
	}
	nVoters := r.IntN(30)
	var ballots []pabulib.Ballot
	for v := range nVoters {
		if v > 0 && r.IntN(3) == 0 {
			ballots = append(ballots, ballots[r.IntN(len(ballots))]) // the same ballot again
			continue
		}
		perm := r.Perm(nProjects)
		length := r.IntN(min(nProjects, 4) + 1)
		if kind == pabulib.ChooseOne {
			length = min(1, nProjects)
		}
		b := pabulib.Ballot{}
		for _, p := range perm[:length] {
			b.Projects = append(b.Projects, in.Projects[p].ID)
			if kind == pabulib.Cumulative {
				b.Points = append(b.Points, int64(r.IntN(4)))
			}
		}
		ballots = append(ballots, b)
	}
	for i := range ballots {
		ballots[i].VoterID = fmt.Sprint(i + 1)
	}
	in.Ballots = ballots
	return in
}

var kinds = []pabulib.VoteType{pabulib.Approval, pabulib.ChooseOne, pabulib.Cumulative, pabulib.Ordinal}

// TestProperties checks, on many random instances of every ballot kind and
// every rule that applies: winners are distinct known projects within the
// budget; greedy outcomes are exhaustive; Equal Shares gives what a plain
// voter-by-voter implementation of pabutools' algorithm gives (so grouping
// identical ballots into weights changes nothing), and the order of the
// ballots does not matter.
func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 400
	if testing.Short() {
		n = 60
	}
	for i := range n {
		kind := kinds[i%len(kinds)]
		in := randomInstance(r, kind)
		shuffled := *in
		shuffled.Ballots = slices.Clone(in.Ballots)
		r.Shuffle(len(shuffled.Ballots), func(a, b int) { shuffled.Ballots[a], shuffled.Ballots[b] = shuffled.Ballots[b], shuffled.Ballots[a] })
		for _, rule := range Names {
			res, err := Tally(in, rule, Options{})
			if err != nil {
				if !strings.Contains(err.Error(), ErrBallotType.Error()) {
					t.Fatalf("instance %d %s: %v", i, rule, err)
				}
				continue
			}
			name := fmt.Sprintf("instance %d (%s, %d ballots) %s", i, kind, len(in.Ballots), rule)
			checkOutcome(t, name, in, res)
			if strings.HasPrefix(rule, "mes_") {
				if want := referenceMES(in, rule); !slices.Equal(res.Winners, want) {
					t.Errorf("%s: winners %v, reference %v", name, res.Winners, want)
				}
			}
			again, err := Tally(&shuffled, rule, Options{})
			if err != nil || !slices.Equal(again.Winners, res.Winners) {
				t.Errorf("%s: shuffled ballots give %v (%v), not %v", name, again.Winners, err, res.Winners)
			}
		}
	}
}

// checkOutcome checks the invariants every outcome has.
func checkOutcome(t *testing.T, name string, in *pabulib.Instance, res *Result) {
	t.Helper()
	cost := map[string]*big.Rat{}
	for _, p := range in.Projects {
		cost[p.ID] = p.Cost
	}
	total := new(big.Rat)
	seen := map[string]bool{}
	for _, id := range res.Winners {
		c, ok := cost[id]
		if !ok || seen[id] {
			t.Fatalf("%s: winner %q unknown or repeated in %v", name, id, res.Winners)
		}
		seen[id] = true
		total.Add(total, c)
	}
	if total.Cmp(res.TotalCost) != 0 {
		t.Errorf("%s: total cost %v, winners cost %v", name, res.TotalCost, total)
	}
	limit := new(big.Rat).Set(in.Budget)
	if res.Rule == "timisoara_2024" {
		limit.Add(limit, new(big.Rat).Mul(big.NewRat(DefaultTimisoaraTopUp, 1), big.NewRat(int64(len(res.Zones)), 1)))
	}
	if total.Cmp(limit) > 0 {
		t.Errorf("%s: spends %v of %v", name, total, in.Budget)
	}
	exhaustive := res.Rule == "greedy_votes" || res.Rule == "greedy_points" || strings.HasSuffix(res.Rule, "_greedy")
	if exhaustive {
		left := new(big.Rat).Sub(in.Budget, total)
		for _, p := range in.Projects {
			if !seen[p.ID] && p.Cost.Cmp(left) <= 0 {
				t.Errorf("%s: %s (cost %v) still fits in %v", name, p.ID, p.Cost, left)
			}
		}
	}
}

// referenceMES is pabutools' Equal Shares written plainly: one budget per
// voter, every project's price recomputed every round by sorting its
// supporters, exact rationals throughout. No grouping, no floats.
func referenceMES(in *pabulib.Instance, rule string) []string {
	util := strings.TrimPrefix(rule, "mes_")
	util, greedy := strings.CutSuffix(util, "_greedy")
	util, add1 := strings.CutSuffix(util, "_add1")
	t, _ := newTally(in)
	type proj struct {
		id   string
		cost *big.Rat
		u    []*big.Rat // utility per voter (nil: not a supporter)
	}
	var projects []proj
	var free []string
	for i, p := range in.Projects {
		pr := proj{id: p.ID, cost: p.Cost, u: make([]*big.Rat, len(in.Ballots))}
		supported := false
		for v, b := range t.ballots {
			for _, x := range b {
				if int(x.p) != i {
					continue
				}
				var u *big.Rat
				switch util {
				case "cost":
					u = new(big.Rat).Set(p.Cost)
				case "card":
					u = big.NewRat(1, 1)
				case "points":
					u = big.NewRat(x.pts, 1)
				}
				if u.Sign() > 0 {
					pr.u[v] = u
					supported = true
				}
			}
		}
		switch {
		case !supported:
		case p.Cost.Sign() == 0:
			free = append(free, p.ID)
		default:
			projects = append(projects, pr)
		}
	}
	sort.Strings(free)
	run := func(perVoter *big.Rat) []string {
		budget := make([]*big.Rat, len(in.Ballots))
		for v := range budget {
			budget[v] = new(big.Rat).Set(perVoter)
		}
		winners := slices.Clone(free)
		done := make([]bool, len(projects))
		for {
			best, bestRho := -1, (*big.Rat)(nil)
			for pi, p := range projects {
				if done[pi] {
					continue
				}
				var sup []int
				avail := new(big.Rat)
				denom := new(big.Rat)
				for v, u := range p.u {
					if u != nil {
						sup = append(sup, v)
						avail.Add(avail, budget[v])
						denom.Add(denom, u)
					}
				}
				if avail.Cmp(p.cost) < 0 {
					continue
				}
				sort.SliceStable(sup, func(a, b int) bool {
					x := new(big.Rat).Quo(budget[sup[a]], p.u[sup[a]])
					return x.Cmp(new(big.Rat).Quo(budget[sup[b]], p.u[sup[b]])) < 0
				})
				paid := new(big.Rat)
				for _, v := range sup {
					rho := new(big.Rat).Sub(p.cost, paid)
					rho.Quo(rho, denom)
					if new(big.Rat).Mul(rho, p.u[v]).Cmp(budget[v]) <= 0 {
						if best < 0 || rho.Cmp(bestRho) < 0 || (rho.Cmp(bestRho) == 0 && p.id < projects[best].id) {
							best, bestRho = pi, rho
						}
						break
					}
					paid.Add(paid, budget[v])
					denom.Sub(denom, p.u[v])
				}
			}
			if best < 0 {
				return winners
			}
			done[best] = true
			winners = append(winners, projects[best].id)
			for v, u := range projects[best].u {
				if u != nil {
					pay := new(big.Rat).Mul(bestRho, u)
					if pay.Cmp(budget[v]) > 0 {
						pay = budget[v]
					}
					budget[v] = new(big.Rat).Sub(budget[v], pay)
				}
			}
		}
	}
	var winners []string
	if len(in.Ballots) > 0 {
		perVoter := new(big.Rat).Quo(in.Budget, big.NewRat(int64(len(in.Ballots)), 1))
		winners = run(perVoter)
		prev := slices.Clone(free)
		for add1 {
			if t.costOf(winners).Cmp(in.Budget) > 0 {
				winners = prev
				break
			}
			left := new(big.Rat).Sub(in.Budget, t.costOf(winners))
			exhaustive := true
			for _, p := range projects {
				if !slices.Contains(winners, p.id) && p.cost.Cmp(left) <= 0 {
					exhaustive = false
				}
			}
			if exhaustive {
				break
			}
			prev = winners
			perVoter.Add(perVoter, big.NewRat(1, 1))
			winners = run(perVoter)
		}
	}
	if greedy {
		winners = t.greedy(t.supporters, winners, in.Budget)
	}
	return winners
}
