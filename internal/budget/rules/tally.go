package rules

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"

	"github.com/cetate/cetate/internal/budget/pabulib"
)

// maxPointSum bounds a project's total points so that every sum of points
// (and of voter weights times points) is exact in int64 and in float64.
const maxPointSum = 1 << 53

// vote is one project on one ballot with the points it gets: 1 on approval
// ballots, the points given on cumulative ones, the positional points on
// ordinal ones.
type vote struct {
	p   int32
	pts int64
}

// tally is an instance read once for counting: projects by index, ballots as
// project indexes, and each project's supporters and points.
type tally struct {
	in        *pabulib.Instance
	hasPoints bool
	index     map[string]int
	cost      []*big.Rat
	// listed: the ballot names the project (pabutools' "project in ballot",
	// which Cost_Sat uses even for a cumulative entry with 0 points).
	ballots    [][]vote
	supporters []int64 // ballots listing the project with points > 0
	points     []int64 // sums of points
}

func newTally(in *pabulib.Instance) (*tally, error) {
	if in.Budget == nil || in.Budget.Sign() < 0 {
		return nil, fmt.Errorf("rules: the budget is missing or negative")
	}
	t := &tally{
		in:         in,
		hasPoints:  in.VoteType == pabulib.Cumulative || in.VoteType == pabulib.Ordinal,
		index:      make(map[string]int, len(in.Projects)),
		cost:       make([]*big.Rat, len(in.Projects)),
		supporters: make([]int64, len(in.Projects)),
		points:     make([]int64, len(in.Projects)),
		ballots:    make([][]vote, len(in.Ballots)),
	}
	for i, p := range in.Projects {
		if _, dup := t.index[p.ID]; dup {
			return nil, fmt.Errorf("rules: project id %q appears twice", p.ID)
		}
		if p.Cost == nil || p.Cost.Sign() < 0 {
			return nil, fmt.Errorf("rules: project %q has no cost or a negative one", p.ID)
		}
		t.index[p.ID] = i
		t.cost[i] = p.Cost
	}
	for bi, b := range in.Ballots {
		if in.VoteType == pabulib.Cumulative && len(b.Points) != len(b.Projects) {
			return nil, fmt.Errorf("rules: ballot %d has %d projects and %d points", bi+1, len(b.Projects), len(b.Points))
		}
		vs := make([]vote, 0, len(b.Projects))
		for j, id := range b.Projects {
			p, ok := t.index[id]
			if !ok {
				return nil, fmt.Errorf("rules: ballot %d votes for unknown project %q", bi+1, id)
			}
			if slices.ContainsFunc(vs, func(v vote) bool { return v.p == int32(p) }) {
				return nil, fmt.Errorf("rules: ballot %d lists project %q twice", bi+1, id)
			}
			v := vote{p: int32(p), pts: 1}
			switch in.VoteType {
			case pabulib.Cumulative:
				v.pts = b.Points[j]
				if v.pts < 0 || v.pts > maxPointSum {
					return nil, fmt.Errorf("rules: ballot %d gives %d points", bi+1, v.pts)
				}
			case pabulib.Ordinal:
				v.pts = int64(len(b.Projects) - j)
			}
			if v.pts > 0 {
				t.supporters[p]++
			}
			t.points[p] += v.pts
			if t.points[p] > maxPointSum {
				return nil, fmt.Errorf("rules: project %q has more than 2^53 points", id)
			}
			vs = append(vs, v)
		}
		t.ballots[bi] = vs
	}
	return t, nil
}

// greedy funds projects by decreasing score (ties: smallest id first),
// skipping any that no longer fits, after the projects already chosen. As in
// pabutools' greedy_utilitarian_welfare with a satisfaction of score × cost
// per project (greedywelfare_rule.py, the additive scheme), a free project
// scores 0 and so comes last.
func (t *tally) greedy(score []int64, chosen []string, budget *big.Rat) []string {
	left := new(big.Rat).Set(budget)
	taken := make([]bool, len(t.cost))
	for _, id := range chosen {
		i := t.index[id]
		taken[i] = true
		left.Sub(left, t.cost[i])
	}
	key := func(i int) int64 {
		if t.cost[i].Sign() == 0 {
			return 0
		}
		return score[i]
	}
	order := make([]int, 0, len(t.cost))
	for i := range t.cost {
		if !taken[i] {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(key(b), key(a)), cmp.Compare(t.in.Projects[a].ID, t.in.Projects[b].ID))
	})
	winners := slices.Clone(chosen)
	for _, i := range order {
		if t.cost[i].Cmp(left) <= 0 {
			winners = append(winners, t.in.Projects[i].ID)
			left.Sub(left, t.cost[i])
		}
	}
	return winners
}
