package rules

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
)

// byVotes returns the indexes of the projects with at least one supporter,
// most supporters first, ties to the smallest id. A project nobody voted for
// is never funded by a city rule.
func (t *tally) byVotes(keep func(i int) bool) []int {
	var order []int
	for i := range t.cost {
		if t.supporters[i] > 0 && keep(i) {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(t.supporters[b], t.supporters[a]), cmp.Compare(t.in.Projects[a].ID, t.in.Projects[b].ID))
	})
	return order
}

// cluj counts as Cluj-Napoca did in 2021: the project with the most votes
// first, then the others by votes regardless of their domain (the category
// column), each funded if it fits in what is left of the META budget and
// skipped otherwise, until opt.Projects projects are funded.
func (t *tally) cluj(res *Result, opt Options) error {
	limit := opt.Projects
	if limit == 0 {
		limit = DefaultClujProjects
	}
	if limit < 0 {
		return fmt.Errorf("rules: cluj_2021 needs a positive number of projects, not %d", limit)
	}
	left := new(big.Rat).Set(t.in.Budget)
	for _, i := range t.byVotes(func(int) bool { return true }) {
		if len(res.Winners) == limit {
			break
		}
		if t.cost[i].Cmp(left) <= 0 {
			res.Winners = append(res.Winners, t.in.Projects[i].ID)
			left.Sub(left, t.cost[i])
		}
	}
	return nil
}

// timisoara counts as Timișoara did in 2024, zone by zone. A zone's projects
// are funded in vote order while they fit in the zone's budget; at the first
// one that does not fit, it is still funded if the gap is at most the top-up
// (the city adds the gap), and the zone stops there: what is left is the
// zone's reserve, carried over.
//
// Zones come from the projects' zone (or district) column. Without one, the
// file is a single zone with the META budget; with one, every project must
// name its zone and the META budget is shared equally among the zones
// (Timișoara: 8 zones × 500,000 lei).
func (t *tally) timisoara(res *Result, opt Options) error {
	topUp := opt.TopUp
	if topUp == nil {
		topUp = big.NewRat(DefaultTimisoaraTopUp, 1)
	}
	if topUp.Sign() < 0 {
		return fmt.Errorf("rules: timisoara_2024 needs a top-up of at least 0")
	}
	var zones []string
	for _, p := range t.in.Projects {
		if !slices.Contains(zones, p.Zone) {
			zones = append(zones, p.Zone)
		}
	}
	if len(zones) > 1 && slices.Contains(zones, "") {
		for _, p := range t.in.Projects {
			if p.Zone == "" {
				return fmt.Errorf("rules: timisoara_2024: project %q has no zone while others have one", p.ID)
			}
		}
	}
	slices.Sort(zones)
	share := new(big.Rat).Set(t.in.Budget)
	if len(zones) > 0 {
		share.Quo(share, big.NewRat(int64(len(zones)), 1))
	}
	for _, name := range zones {
		z := Zone{Name: name, Budget: new(big.Rat).Set(share), Spent: new(big.Rat), TopUp: new(big.Rat)}
		left := new(big.Rat).Set(share)
		for _, i := range t.byVotes(func(i int) bool { return t.in.Projects[i].Zone == name }) {
			id := t.in.Projects[i].ID
			if t.cost[i].Cmp(left) <= 0 {
				z.Winners = append(z.Winners, id)
				left.Sub(left, t.cost[i])
				continue
			}
			if gap := new(big.Rat).Sub(t.cost[i], left); gap.Cmp(topUp) <= 0 {
				z.Winners = append(z.Winners, id)
				z.TopUp = gap
				left.SetInt64(0)
			}
			break
		}
		z.Leftover = left
		z.Spent.Sub(z.Budget, left)
		z.Spent.Add(z.Spent, z.TopUp)
		res.Winners = append(res.Winners, z.Winners...)
		res.Zones = append(res.Zones, z)
	}
	return nil
}
