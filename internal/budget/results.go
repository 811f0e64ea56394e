package budget

import (
	"cmp"
	"context"
	"fmt"
	"math/big"
	"slices"
	"strconv"

	"github.com/cetate/cetate/internal/budget/pabulib"
	"github.com/cetate/cetate/internal/budget/rules"
	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/store"
)

// Results is an edition's count: the instance built from the stored ballots, the
// rule's outcome on it, and every project's figures.
type Results struct {
	Edition  *Edition
	Instance *pabulib.Instance
	Tally    *rules.Result
	// Rows has every project on the ballot, most supporters first.
	Rows []ResultRow
	// Winners are the funded projects in the order the rule chose them.
	Winners []ResultRow
	Ballots int
	// Zones is each zone's account (timisoara_2024), by area position.
	Zones []ZoneRow
}

// ResultRow is one project's figures.
type ResultRow struct {
	Proposal   *Proposal
	Area       Area
	Cost       int64
	Supporters int64
	// Points is the sum of points (cumulative ballots).
	Points int64
	// Order is the project's place among the winners (1 first), 0 if not funded.
	Order int
	// Price is what each supporter paid for it under an Equal Shares rule
	// (per point under mes_points), exact; nil otherwise.
	Price *big.Rat
}

// Selected reports whether the project is funded.
func (r ResultRow) Selected() bool { return r.Order > 0 }

// ZoneRow is a zone's account under timisoara_2024.
type ZoneRow struct {
	Area                           Area
	Budget, Spent, TopUp, Leftover *big.Rat
}

// Results counts an edition once its results are public (from ResultsOn); before
// that it is Refused "results_not_yet". The count is rules.Tally, the function
// `cetate pb tally` runs, on the instance that ExportPB writes.
func (s *Service) Results(ctx context.Context, editionID int64) (*Results, error) {
	e, err := s.PublicEdition(ctx, editionID)
	if err != nil {
		return nil, err
	}
	if !e.ResultsOut(s.Today()) {
		return nil, refused("results_not_yet", "Date", calendar.FormatDate(e.ResultsOn))
	}
	// Once out, results never change: the edition and its proposals are locked
	// from the vote's first day and the ballots from its last.
	s.mu.Lock()
	res, ok := s.results[e.ID]
	s.mu.Unlock()
	if ok {
		return res, nil
	}
	res, err = s.count(ctx, e)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.results[e.ID] = res
	s.mu.Unlock()
	return res, nil
}

func (s *Service) count(ctx context.Context, e *Edition) (*Results, error) {
	projects, err := s.Proposals(ctx, e.ID, ProposalFilter{Status: Eligible})
	if err != nil {
		return nil, err
	}
	in, err := s.instance(ctx, e, projects)
	if err != nil {
		return nil, err
	}
	tally, err := rules.Tally(in, e.Rule, e.RuleOptions())
	if err != nil {
		return nil, fmt.Errorf("budget: count edition %d: %w", e.ID, err)
	}
	res := &Results{Edition: e, Instance: in, Tally: tally, Ballots: len(in.Ballots)}
	order := map[string]int{}
	for i, id := range tally.Winners {
		order[id] = i + 1
	}
	byID := map[string]ResultRow{}
	for _, p := range projects {
		id := projectID(p.ID)
		pt := tally.Projects[id]
		row := ResultRow{Proposal: p, Cost: p.Cost, Supporters: pt.Supporters, Order: order[id], Price: tally.Prices[id]}
		row.Area, _ = e.Area(p.AreaID)
		if pt.Points != nil {
			row.Points = pt.Points.Num().Int64()
		}
		res.Rows = append(res.Rows, row)
		byID[id] = row
	}
	slices.SortStableFunc(res.Rows, func(a, b ResultRow) int {
		return cmp.Or(cmp.Compare(b.Supporters, a.Supporters), cmp.Compare(b.Points, a.Points), cmp.Compare(a.Proposal.ID, b.Proposal.ID))
	})
	for _, id := range tally.Winners {
		res.Winners = append(res.Winners, byID[id])
	}
	for _, z := range tally.Zones {
		for _, a := range e.Areas {
			if slug(a.Name) == z.Name {
				res.Zones = append(res.Zones, ZoneRow{Area: a, Budget: z.Budget, Spent: z.Spent, TopUp: z.TopUp, Leftover: z.Leftover})
			}
		}
	}
	slices.SortFunc(res.Zones, func(a, b ZoneRow) int { return cmp.Compare(a.Area.Position, b.Area.Position) })
	return res, nil
}

// instance builds the Pabulib instance of an edition from its eligible projects
// and stored ballots. Projects are named by their proposal id; their category
// (domains) or zone (zones) is the area's name as a slug. Ballots come in the
// order of their content, so the instance is the same however they were stored.
func (s *Service) instance(ctx context.Context, e *Edition, projects []*Proposal) (*pabulib.Instance, error) {
	in := &pabulib.Instance{Meta: map[string]string{}, Budget: big.NewRat(e.TotalBudget, 1), VoteType: pabulib.Approval}
	if e.VoteType == Cumulative {
		in.VoteType = pabulib.Cumulative
	}
	date := func(d interface{ Format(string) string }) string { return d.Format("02.01.2006") }
	in.MetaKeys = []string{"description", "country", "unit", "instance", "num_projects", "num_votes", "budget", "vote_type",
		"rule", "date_begin", "date_end", "min_length", "max_length"}
	in.Meta["description"] = e.Title
	in.Meta["country"] = "Romania"
	in.Meta["unit"] = s.City()
	in.Meta["instance"] = strconv.Itoa(e.Year())
	in.Meta["rule"] = e.Rule
	in.Meta["date_begin"] = date(e.Vote.From)
	in.Meta["date_end"] = date(e.Vote.To)
	in.Meta["min_length"] = "1"
	in.Meta["max_length"] = strconv.Itoa(e.MaxVotes)
	if e.VoteType == Cumulative {
		in.MetaKeys = append(in.MetaKeys, "max_sum_points")
		in.Meta["max_sum_points"] = strconv.Itoa(e.MaxPoints)
	}
	// The city rules' options travel with the file, so a recount can use them.
	switch e.Rule {
	case "cluj_2021":
		in.MetaKeys = append(in.MetaKeys, "projects_funded")
		in.Meta["projects_funded"] = strconv.Itoa(e.ProjectsToFund)
	case "timisoara_2024":
		in.MetaKeys = append(in.MetaKeys, "top_up")
		in.Meta["top_up"] = strconv.FormatInt(e.TopUp, 10)
	}
	in.MetaKeys = append(in.MetaKeys, "language", "currency")
	in.Meta["language"] = "ro"
	in.Meta["currency"] = string(e.Currency)

	zoneBudgets := map[string]int64{}
	for _, p := range projects {
		a, ok := e.Area(p.AreaID)
		if !ok {
			return nil, fmt.Errorf("budget: proposal %d has no area in edition %d", p.ID, e.ID)
		}
		proj := pabulib.Project{ID: projectID(p.ID), Cost: big.NewRat(p.Cost, 1), Name: p.Title}
		if e.AreaKind == Zones {
			proj.Zone = slug(a.Name)
			zoneBudgets[proj.Zone] = a.Budget
		} else {
			proj.Category = slug(a.Name)
		}
		in.Projects = append(in.Projects, proj)
	}
	if e.Rule == "timisoara_2024" {
		// The rule shares the file's budget equally among the zones on the
		// ballot; a zone without projects has nothing to spend.
		var sum int64
		for _, b := range zoneBudgets {
			sum += b
		}
		in.Budget = big.NewRat(sum, 1)
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, content FROM budget_ballots WHERE edition_id = $1 ORDER BY content, id`, e.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, content string
		if err := rows.Scan(&id, &content); err != nil {
			return nil, err
		}
		choices, err := parseContent(content)
		if err != nil {
			return nil, err
		}
		b := pabulib.Ballot{VoterID: id}
		for _, c := range choices {
			b.Projects = append(b.Projects, projectID(c.Project))
			if in.VoteType == pabulib.Cumulative {
				b.Points = append(b.Points, int64(c.Points))
			}
		}
		in.Ballots = append(in.Ballots, b)
	}
	return in, store.Map(rows.Err())
}

// City is the name of the city, for Pabulib's unit.
func (s *Service) City() string {
	switch s.registry.Institution().Code {
	case "timisoara":
		return "Timișoara"
	case "cluj-napoca":
		return "Cluj-Napoca"
	}
	return s.registry.Institution().Name
}

// projectID names a proposal in the counted instance and the .pb export. The rules
// break ties by the smallest id string; zero-padded, that is the proposal
// registered first, as the results page says.
func projectID(id int64) string { return fmt.Sprintf("%06d", id) }
