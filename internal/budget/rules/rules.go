// Package rules counts participatory budgeting elections: given a Pabulib
// instance and a rule name, it says which projects are funded.
//
// Arithmetic is exact (math/big rationals; floating point only ever guides the
// search, and every decision it makes is proved with error bounds or redone
// exactly), and ties are deterministic: among tied projects the one whose id
// is the smallest string wins.
//
// The Pabulib rules give exactly the winners of pabutools 1.2
// (scripts/pabutools_tally.py runs it the same way):
//
//   - greedy_votes: most supporters first; a project that no longer fits is
//     skipped. A supporter lists the project (approval, choose-1) or gives it
//     points (cumulative, ordinal).
//   - greedy_points: most points first (cumulative: the points given;
//     ordinal: a ballot of length L gives L, L−1, …, 1), skipping what does
//     not fit. In both greedy rules a free project comes last, as in
//     pabutools, whose score is satisfaction per unit of cost.
//   - mes_cost, mes_card, mes_points: the Method of Equal Shares with cost
//     utilities (a voter who lists a project values it at its cost),
//     cardinality utilities (approval and choose-1 only), or points
//     (cumulative and ordinal only).
//   - <mes rule>_add1: Add1 completion (pabutools' voter_budget_increment=1):
//     rerun with one more currency unit per voter until the outcome is
//     exhaustive over the projects Equal Shares considers; if an outcome
//     overspends, the previous one stands.
//   - <mes rule>_add1_greedy: then fill what is left with greedy_votes.
//
// The city rules follow the cities' regulations (see cluj and timisoara in
// city.go for what was decided where the regulation is silent):
//
//   - cluj_2021: by votes, regardless of domain, within the META budget, at
//     most Options.Projects (15) projects.
//   - timisoara_2024: zone by zone in vote order, the first project that
//     does not fit funded anyway when the gap is at most Options.TopUp
//     (100,000 lei); the rest of each zone is its reserve.
package rules

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/cetate/cetate/internal/budget/pabulib"
)

// Names lists the rules Tally knows.
var Names = []string{
	"greedy_votes", "greedy_points",
	"mes_cost", "mes_card", "mes_points",
	"mes_cost_add1", "mes_card_add1", "mes_points_add1",
	"mes_cost_add1_greedy", "mes_card_add1_greedy", "mes_points_add1_greedy",
	"cluj_2021", "timisoara_2024",
}

// The defaults of the city rules' options.
const (
	// DefaultClujProjects is how many projects Cluj-Napoca funded in 2021.
	DefaultClujProjects = 15
	// DefaultTimisoaraTopUp is the most Timișoara adds, in lei, to a zone's
	// remainder to fund the next project (2024 regulation).
	DefaultTimisoaraTopUp = 100000
)

var (
	// ErrUnknownRule: the rule is not one of Names.
	ErrUnknownRule = errors.New("unknown rule")
	// ErrBallotType: the rule does not apply to the file's ballots (points
	// rules need cumulative or ordinal ballots, mes_card approval ones).
	ErrBallotType = errors.New("rule does not apply to these ballots")
)

// Options tune the city rules and report progress. The zero value is fine.
type Options struct {
	// Projects is how many projects cluj_2021 funds (0: DefaultClujProjects).
	Projects int
	// TopUp is timisoara_2024's top-up, in currency units (nil:
	// DefaultTimisoaraTopUp).
	TopUp *big.Rat
	// Progress, if set, is called after each rerun of Equal Shares during an
	// Add1 completion with the number of reruns so far (the total is not
	// known in advance).
	Progress func(runs int)
}

// Result is the outcome of a count.
type Result struct {
	Rule   string
	Budget *big.Rat
	// Winners are the funded project ids in the order the rule selected them.
	Winners   []string
	TotalCost *big.Rat
	// Projects has every project's figures, by id.
	Projects map[string]ProjectTally
	// HasPoints says whether ProjectTally.Points is meaningful (cumulative and
	// ordinal ballots).
	HasPoints bool
	// Prices, for Equal Shares rules, is what each winner chosen by Equal
	// Shares cost its supporters: with approval utilities (mes_cost,
	// mes_card) the amount each supporter who could afford it paid (those
	// who could not paid all they had left); with mes_points, the amount paid
	// per point. Projects added by a greedy completion, and free projects,
	// have no price here.
	Prices map[string]*big.Rat
	// VoterBudget, for Equal Shares rules, is the budget each voter started
	// the deciding run with: the budget divided by the number of voters, plus
	// the Add1 increments.
	VoterBudget *big.Rat
	// Runs is how many times Equal Shares was run (1 without Add1).
	Runs int
	// Zones, for timisoara_2024, is each zone's account, sorted by zone name.
	Zones []Zone
}

// ProjectTally is one project's figures.
type ProjectTally struct {
	Cost *big.Rat
	// Supporters is the number of ballots that support the project: list it
	// (approval), or give it points (cumulative, ordinal).
	Supporters int64
	// Points is the sum of the points given (cumulative) or of the positional
	// points (ordinal: a ballot of length L gives its first choice L points,
	// its last 1). Nil for approval ballots.
	Points *big.Rat
}

// Zone is one zone's account under timisoara_2024.
type Zone struct {
	Name   string
	Budget *big.Rat
	// Spent is the cost of the zone's funded projects, top-up included.
	Spent *big.Rat
	// TopUp is what was added to the zone's remainder to fund its last
	// project (zero if none).
	TopUp *big.Rat
	// Leftover is what remains unspent: the reserve carried over.
	Leftover *big.Rat
	Winners  []string
}

// Tally counts in by the named rule.
func Tally(in *pabulib.Instance, rule string, opt Options) (*Result, error) {
	if !slices.Contains(Names, rule) {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownRule, rule, strings.Join(Names, ", "))
	}
	t, err := newTally(in)
	if err != nil {
		return nil, err
	}
	if err := t.fits(rule); err != nil {
		return nil, err
	}
	res := t.result(rule)
	switch {
	case rule == "greedy_votes":
		res.Winners = t.greedy(t.supporters, nil, in.Budget)
	case rule == "greedy_points":
		res.Winners = t.greedy(t.points, nil, in.Budget)
	case strings.HasPrefix(rule, "mes_"):
		err = t.equalShares(rule, res, opt)
	case rule == "cluj_2021":
		err = t.cluj(res, opt)
	case rule == "timisoara_2024":
		err = t.timisoara(res, opt)
	}
	if err != nil {
		return nil, err
	}
	res.TotalCost = new(big.Rat)
	for _, id := range res.Winners {
		res.TotalCost.Add(res.TotalCost, t.cost[t.index[id]])
	}
	return res, nil
}

// fits checks that the rule applies to the ballot type (the same split as
// scripts/pabutools_tally.py: points rules need points, mes_card approval).
func (t *tally) fits(rule string) error {
	base := strings.TrimSuffix(strings.TrimSuffix(rule, "_greedy"), "_add1")
	switch {
	case (base == "greedy_points" || base == "mes_points") && !t.hasPoints:
		return fmt.Errorf("%w: %s needs cumulative or ordinal ballots, the file has %s", ErrBallotType, rule, t.in.VoteType)
	case base == "mes_card" && t.hasPoints:
		return fmt.Errorf("%w: %s needs approval or choose-1 ballots, the file has %s (use mes_points)", ErrBallotType, rule, t.in.VoteType)
	}
	return nil
}

func (t *tally) result(rule string) *Result {
	res := &Result{Rule: rule, Budget: new(big.Rat).Set(t.in.Budget), Projects: map[string]ProjectTally{}, HasPoints: t.hasPoints}
	for i, p := range t.in.Projects {
		pt := ProjectTally{Cost: new(big.Rat).Set(t.cost[i]), Supporters: t.supporters[i]}
		if t.hasPoints {
			pt.Points = new(big.Rat).SetInt64(t.points[i])
		}
		res.Projects[p.ID] = pt
	}
	return res
}

// FormatAmount writes an amount exactly: "1500000" for a whole number, "a/b"
// in lowest terms otherwise (as scripts/pabutools_tally.py does).
func FormatAmount(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String()
	}
	return r.String()
}
