package budget

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/cetate/cetate/internal/audit"
	"github.com/cetate/cetate/internal/budget/rules"
	"github.com/cetate/cetate/internal/calendar"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
)

// Currency is what an edition's amounts are counted in.
type Currency string

// The currencies an edition may use: Romanian lei, or euro for cities whose
// regulation caps projects in euro (Cluj-Napoca: €150,000 per project).
const (
	RON Currency = "RON"
	EUR Currency = "EUR"
)

// AreaKind says whether an edition's areas are domains (what a project is about,
// Cluj-Napoca) or zones (where it is, Timișoara).
type AreaKind string

const (
	Domains AreaKind = "domain"
	Zones   AreaKind = "zone"
)

// VoteType is the kind of ballot: approval (tick projects) or cumulative (spread
// points over projects).
type VoteType string

const (
	Approval   VoteType = "approval"
	Cumulative VoteType = "cumulative"
)

// Ties are the links to the city a participant declares: living, working or
// studying there (Cluj-Napoca and Timișoara both ask for one of them).
var Ties = []string{"live", "work", "study"}

// Phase is a stage of an edition.
type Phase string

// The phases, in order. Upcoming is before proposals open; Counting is between
// the close of the vote and the publication of the results.
const (
	Upcoming  Phase = "upcoming"
	Proposing Phase = "proposals"
	Analysis  Phase = "analysis"
	Appeals   Phase = "appeals"
	Voting    Phase = "vote"
	Counting  Phase = "counting"
	Published Phase = "results"
)

// Span is a phase's days, both included, as civil dates (see package calendar).
type Span struct{ From, To time.Time }

// Contains reports whether day (a civil date) is within the span.
func (s Span) Contains(day time.Time) bool { return !day.Before(s.From) && !day.After(s.To) }

// Area is a domain or zone of an edition, with its own budget (0: none, the
// edition's total is shared).
type Area struct {
	ID       int64
	Position int
	Name     string
	Budget   int64
}

// Edition is one participatory budgeting cycle.
type Edition struct {
	ID          int64
	Title       string
	Summary     string
	Currency    Currency
	TotalBudget int64
	AreaKind    AreaKind
	Areas       []Area
	// ProjectCap is the most a project may cost (0: no cap but the budget).
	ProjectCap int64
	// MaxVotes is how many projects a voter may support in all; VotesPerArea how
	// many in one area (0: no limit per area).
	MaxVotes, VotesPerArea int
	VoteType               VoteType
	// MaxPoints is how many points a voter spreads (cumulative ballots).
	MaxPoints int
	// MinAge is the youngest a participant may be, from the CNP: on the day of a
	// proposal, and on the first day of the vote for voters.
	MinAge int
	// RequireTie: participants declare that they live, work or study in the city.
	RequireTie bool
	// Rule is one of rules.Names; ProjectsToFund and TopUp tune cluj_2021 and
	// timisoara_2024.
	Rule           string
	ProjectsToFund int
	TopUp          int64
	Proposals      Span
	Analysis       Span
	Appeals        Span
	Vote           Span
	ResultsOn      time.Time
	Published      bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// PhaseOn returns the phase an edition is in on day (a civil date): the latest
// that has started. Between two phases it is the one that ended.
func (e *Edition) PhaseOn(day time.Time) Phase {
	switch {
	case !day.Before(e.ResultsOn):
		return Published
	case day.After(e.Vote.To):
		return Counting
	case !day.Before(e.Vote.From):
		return Voting
	case !day.Before(e.Appeals.From):
		return Appeals
	case !day.Before(e.Analysis.From):
		return Analysis
	case !day.Before(e.Proposals.From):
		return Proposing
	}
	return Upcoming
}

// Step is one line of an edition's calendar.
type Step struct {
	Phase    Phase
	From, To time.Time // To is zero for the results, which have a first day only
}

// Calendar lists the phases with their days.
func (e *Edition) Calendar() []Step {
	return []Step{
		{Proposing, e.Proposals.From, e.Proposals.To},
		{Analysis, e.Analysis.From, e.Analysis.To},
		{Appeals, e.Appeals.From, e.Appeals.To},
		{Voting, e.Vote.From, e.Vote.To},
		{Published, e.ResultsOn, time.Time{}},
	}
}

// Area returns the area with the given id.
func (e *Edition) Area(id int64) (Area, bool) {
	for _, a := range e.Areas {
		if a.ID == id {
			return a, true
		}
	}
	return Area{}, false
}

// Locked reports whether the edition's set-up and its proposals are settled on
// day: from the first day of the vote, nothing that decides the count changes.
func (e *Edition) Locked(day time.Time) bool { return !day.Before(e.Vote.From) }

// ResultsOut reports whether the results are public on day.
func (e *Edition) ResultsOut(day time.Time) bool { return !day.Before(e.ResultsOn) }

// Year is the year of the vote, which names the edition in Pabulib files.
func (e *Edition) Year() int { return e.Vote.From.Year() }

// RuleOptions are the counting rule's options for this edition.
func (e *Edition) RuleOptions() rules.Options {
	opt := rules.Options{}
	if e.Rule == "cluj_2021" {
		opt.Projects = e.ProjectsToFund
	}
	if e.Rule == "timisoara_2024" {
		opt.TopUp = big.NewRat(e.TopUp, 1)
	}
	return opt
}

// EditionInput is an edition as typed in the back office's form: numbers and
// dates as text, checked by CreateEdition and UpdateEdition. Areas has one area a
// line, "name" or "name; budget".
type EditionInput struct {
	Title, Summary, Currency, TotalBudget, AreaKind, Areas  string
	ProjectCap, MaxVotes, VotesPerArea, VoteType, MaxPoints string
	MinAge                                                  string
	RequireTie                                              bool
	Rule, ProjectsToFund, TopUp                             string
	ProposalsFrom, ProposalsTo, AnalysisFrom, AnalysisTo    string
	AppealsFrom, AppealsTo, VoteFrom, VoteTo, ResultsOn     string
	Published                                               bool
}

// Input returns the edition as the form shows it.
func (e *Edition) Input() EditionInput {
	var areas []string
	for _, a := range e.Areas {
		if a.Budget > 0 {
			areas = append(areas, fmt.Sprintf("%s; %d", a.Name, a.Budget))
		} else {
			areas = append(areas, a.Name)
		}
	}
	num := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	d := calendar.FormatDate
	return EditionInput{Title: e.Title, Summary: e.Summary, Currency: string(e.Currency), TotalBudget: num(e.TotalBudget),
		AreaKind: string(e.AreaKind), Areas: strings.Join(areas, "\n"), ProjectCap: num(e.ProjectCap),
		MaxVotes: num(int64(e.MaxVotes)), VotesPerArea: num(int64(e.VotesPerArea)), VoteType: string(e.VoteType),
		MaxPoints: num(int64(e.MaxPoints)), MinAge: num(int64(e.MinAge)), RequireTie: e.RequireTie, Rule: e.Rule,
		ProjectsToFund: num(int64(e.ProjectsToFund)), TopUp: strconv.FormatInt(e.TopUp, 10),
		ProposalsFrom: d(e.Proposals.From), ProposalsTo: d(e.Proposals.To), AnalysisFrom: d(e.Analysis.From),
		AnalysisTo: d(e.Analysis.To), AppealsFrom: d(e.Appeals.From), AppealsTo: d(e.Appeals.To),
		VoteFrom: d(e.Vote.From), VoteTo: d(e.Vote.To), ResultsOn: d(e.ResultsOn), Published: e.Published}
}

// Presets are the editions a city can start from, as their research describes
// them (docs: ro-domain.md §6).
var Presets = []string{"cluj-2021", "timisoara-2024"}

// Preset returns the named preset with its calendar in year.
func Preset(name string, year int) (EditionInput, bool) {
	day := func(m time.Month, d int) string { return calendar.FormatDate(calendar.Day(year, m, d)) }
	switch name {
	case "cluj-2021":
		// Cluj-Napoca 2021: six domains, €150,000 a project, 15 projects funded,
		// one vote per domain, 18 and over, the vote 13 September–28 November.
		// The city funded 15 projects at the cap at most, so the total is
		// 15 × €150,000: the count of projects decides, as in 2021. The dates of
		// the other phases were not published with the regulation we read; these
		// are placeholders to adjust.
		return EditionInput{
			Title:       fmt.Sprintf("Bugetare participativă Cluj-Napoca %d", year),
			Summary:     "Propuneți proiecte pentru oraș în șase domenii și votați câte un proiect în fiecare domeniu. Primul proiect după numărul de voturi este finanțat, apoi următoarele, indiferent de domeniu, până la 15 proiecte.",
			Currency:    string(EUR),
			TotalBudget: "2250000",
			AreaKind:    string(Domains),
			Areas: strings.Join([]string{
				"Alei, trotuare și zone pietonale",
				"Mobilitate, accesibilitate și siguranța circulației",
				"Spații verzi și locuri de joacă",
				"Amenajare spații publice (mobilier urban, iluminat public)",
				"Infrastructură educațională și culturală",
				"Orașul digital",
			}, "\n"),
			ProjectCap: "150000", MaxVotes: "6", VotesPerArea: "1", VoteType: string(Approval), MinAge: "18",
			RequireTie: true, Rule: "cluj_2021", ProjectsToFund: strconv.Itoa(rules.DefaultClujProjects), TopUp: "0",
			ProposalsFrom: day(time.May, 1), ProposalsTo: day(time.June, 30),
			AnalysisFrom: day(time.July, 1), AnalysisTo: day(time.August, 20),
			AppealsFrom: day(time.August, 21), AppealsTo: day(time.August, 31),
			VoteFrom: day(time.September, 13), VoteTo: day(time.November, 28), ResultsOn: day(time.December, 5),
		}, true
	case "timisoara-2024":
		// Timișoara Decide! 2024: 4 million lei shared equally by 8 zones, up to
		// 5 votes, 16 and over, funded by votes within each zone with a top-up of
		// at most 100,000 lei; submission 10 May–30 June, analysis 1 July–14
		// August, appeals 15–22 August, vote 23 August–23 September.
		zones := make([]string, 8)
		for i := range zones {
			zones[i] = fmt.Sprintf("Zona %d; 500000", i+1)
		}
		return EditionInput{
			Title:       fmt.Sprintf("Timișoara Decide! %d", year),
			Summary:     "Propuneți proiecte pentru cartierul dumneavoastră și votați până la 5 proiecte. Fiecare dintre cele 8 zone are 500.000 de lei; proiectele sunt finanțate în ordinea voturilor din fiecare zonă.",
			Currency:    string(RON),
			TotalBudget: "4000000",
			AreaKind:    string(Zones),
			Areas:       strings.Join(zones, "\n"),
			ProjectCap:  "500000", MaxVotes: "5", VoteType: string(Approval), MinAge: "16", RequireTie: true,
			Rule: "timisoara_2024", TopUp: strconv.Itoa(rules.DefaultTimisoaraTopUp),
			ProposalsFrom: day(time.May, 10), ProposalsTo: day(time.June, 30),
			AnalysisFrom: day(time.July, 1), AnalysisTo: day(time.August, 14),
			AppealsFrom: day(time.August, 15), AppealsTo: day(time.August, 22),
			VoteFrom: day(time.August, 23), VoteTo: day(time.September, 23), ResultsOn: day(time.September, 30),
		}, true
	}
	return EditionInput{}, false
}

// Limits of the edition form.
const (
	maxTitle    = 200
	maxSummary  = 5000
	maxAreas    = 50
	maxAreaName = 120
	maxAmount   = 1_000_000_000_000 // a trillion: far above any city budget, far below overflow
)

// parseEdition checks in and returns the edition it describes (without ids).
func parseEdition(in EditionInput) (*Edition, []FieldError) {
	var errs []FieldError
	bad := func(field, code string, params ...any) {
		fe := FieldError{Field: field, Code: code}
		if len(params) > 1 {
			fe.Params = map[string]any{}
			for i := 0; i+1 < len(params); i += 2 {
				fe.Params[fmt.Sprint(params[i])] = params[i+1]
			}
		}
		errs = append(errs, fe)
	}
	e := &Edition{Title: strings.TrimSpace(in.Title), Summary: strings.TrimSpace(in.Summary), RequireTie: in.RequireTie,
		Published: in.Published, Rule: strings.TrimSpace(in.Rule)}
	if n := len([]rune(e.Title)); n < 3 || n > maxTitle || hasControl(e.Title) {
		bad("title", "title", "Max", maxTitle)
	}
	if len([]rune(e.Summary)) > maxSummary || hasControlExceptNewlines(e.Summary) {
		bad("summary", "too_long", "Max", maxSummary)
	}
	switch c := Currency(in.Currency); c {
	case RON, EUR:
		e.Currency = c
	default:
		bad("currency", "choose")
	}
	// amount reads a whole amount; optional ones may be empty (0).
	amount := func(field, s string, required bool, min int64) int64 {
		s = strings.TrimSpace(s)
		if s == "" && !required {
			return 0
		}
		n, ok := parseWhole(s)
		if !ok || n < min || n > maxAmount {
			bad(field, "amount", "Min", min)
			return 0
		}
		return n
	}
	count := func(field, s string, required bool, min, max int) int {
		s = strings.TrimSpace(s)
		if s == "" && !required {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < min || n > max {
			bad(field, "count", "Min", min, "Max", max)
			return 0
		}
		return n
	}
	e.TotalBudget = amount("total_budget", in.TotalBudget, true, 1)
	switch k := AreaKind(in.AreaKind); k {
	case Domains, Zones:
		e.AreaKind = k
	default:
		bad("area_kind", "choose")
	}
	e.Areas = parseAreas(in.Areas, bad)
	var areaSum int64
	for _, a := range e.Areas {
		areaSum += a.Budget
	}
	if e.TotalBudget > 0 && areaSum > e.TotalBudget {
		bad("areas", "areas_over_total")
	}
	e.ProjectCap = amount("project_cap", in.ProjectCap, false, 1)
	if e.ProjectCap > 0 && e.TotalBudget > 0 && e.ProjectCap > e.TotalBudget {
		bad("project_cap", "cap_over_total")
	}
	e.MaxVotes = count("max_votes", in.MaxVotes, true, 1, 100)
	e.VotesPerArea = count("votes_per_area", in.VotesPerArea, false, 1, 100)
	if e.VotesPerArea > 0 && e.MaxVotes > 0 && e.VotesPerArea > e.MaxVotes {
		bad("votes_per_area", "per_area_over_max")
	}
	switch v := VoteType(in.VoteType); v {
	case Approval:
		e.VoteType = v
	case Cumulative:
		e.VoteType = v
		e.MaxPoints = count("max_points", in.MaxPoints, true, 1, 1000)
	default:
		bad("vote_type", "choose")
	}
	e.MinAge = count("min_age", in.MinAge, true, 14, 100)
	if !slices.Contains(rules.Names, e.Rule) {
		bad("rule", "choose")
	} else {
		base := strings.TrimSuffix(strings.TrimSuffix(e.Rule, "_greedy"), "_add1")
		switch {
		case (base == "greedy_points" || base == "mes_points") && e.VoteType == Approval:
			bad("rule", "rule_needs_points")
		case base == "mes_card" && e.VoteType == Cumulative:
			bad("rule", "rule_needs_approval")
		case e.Rule == "cluj_2021":
			e.ProjectsToFund = count("projects_to_fund", in.ProjectsToFund, true, 1, 1000)
		case e.Rule == "timisoara_2024":
			e.TopUp = amount("top_up", in.TopUp, false, 0)
			equal := e.AreaKind == Zones && len(e.Areas) > 0
			for _, a := range e.Areas {
				equal = equal && a.Budget > 0 && a.Budget == e.Areas[0].Budget
			}
			// The rule shares the budget equally among the zones on the ballot.
			if !equal {
				bad("areas", "zones_equal")
			}
		}
	}
	dates := []struct {
		field, value string
		dst          *time.Time
	}{
		{"proposals_from", in.ProposalsFrom, &e.Proposals.From}, {"proposals_to", in.ProposalsTo, &e.Proposals.To},
		{"analysis_from", in.AnalysisFrom, &e.Analysis.From}, {"analysis_to", in.AnalysisTo, &e.Analysis.To},
		{"appeals_from", in.AppealsFrom, &e.Appeals.From}, {"appeals_to", in.AppealsTo, &e.Appeals.To},
		{"vote_from", in.VoteFrom, &e.Vote.From}, {"vote_to", in.VoteTo, &e.Vote.To},
		{"results_on", in.ResultsOn, &e.ResultsOn},
	}
	allDates := true
	for _, d := range dates {
		t, err := calendar.ParseDate(strings.TrimSpace(d.value))
		if err != nil {
			bad(d.field, "date")
			allDates = false
			continue
		}
		*d.dst = t
	}
	if allDates {
		// Each phase ends on or after its first day, and the next starts after it.
		for i := 1; i < len(dates); i++ {
			prev, cur := *dates[i-1].dst, *dates[i].dst
			if i%2 == 1 && cur.Before(prev) || i%2 == 0 && !cur.After(prev) {
				bad(dates[i].field, "date_order")
				break
			}
		}
	}
	return e, errs
}

// parseAreas reads one area a line: "name" or "name; budget".
func parseAreas(text string, bad func(field, code string, params ...any)) []Area {
	var out []Area
	seen := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, budget, hasBudget := strings.Cut(line, ";")
		name = strings.TrimSpace(name)
		a := Area{Position: len(out) + 1, Name: name}
		if n := len([]rune(name)); n == 0 || n > maxAreaName || hasControl(name) {
			bad("areas", "area_line", "Line", a.Position)
			return nil
		}
		if hasBudget && strings.TrimSpace(budget) != "" {
			n, ok := parseWhole(strings.TrimSpace(budget))
			if !ok || n > maxAmount {
				bad("areas", "area_line", "Line", a.Position)
				return nil
			}
			a.Budget = n
		}
		if key := slug(name); seen[key] {
			bad("areas", "area_twice", "Name", name)
			return nil
		} else {
			seen[key] = true
		}
		out = append(out, a)
	}
	switch {
	case len(out) == 0:
		bad("areas", "areas_none")
	case len(out) > maxAreas:
		bad("areas", "areas_many", "Max", maxAreas)
		return nil
	}
	return out
}

// parseWhole reads a whole amount, allowing the thousands separators people type
// ("500.000", "500 000", "500,000").
func parseWhole(s string) (int64, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '.', ',', ' ', '\u00a0', '\u202f':
			return -1
		}
		return r
	}, s)
	if s == "" || len(s) > 15 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

func hasControl(s string) bool { return strings.IndexFunc(s, unicode.IsControl) >= 0 }

func hasControlExceptNewlines(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) >= 0
}

// slug writes a name as lower-case ASCII words joined by hyphens, for Pabulib's
// category and zone columns (where a comma would split a category in two).
func slug(name string) string {
	fold := strings.NewReplacer("ă", "a", "â", "a", "î", "i", "ș", "s", "ş", "s", "ț", "t", "ţ", "t",
		"Ă", "a", "Â", "a", "Î", "i", "Ș", "s", "Ş", "s", "Ț", "t", "Ţ", "t",
		"á", "a", "é", "e", "í", "i", "ó", "o", "ö", "o", "ő", "o", "ú", "u", "ü", "u", "ű", "u")
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(fold.Replace(name)) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "area"
	}
	return b.String()
}

// CreateEdition stores a new edition set up by an administrator. Bad input gives
// *InvalidInput and stores nothing.
func (s *Service) CreateEdition(ctx context.Context, by *identity.User, in EditionInput) (*Edition, error) {
	if by == nil || by.Role != identity.Admin {
		return nil, ErrForbidden
	}
	e, errs := parseEdition(in)
	if len(errs) > 0 {
		return nil, &InvalidInput{Errors: errs}
	}
	now := s.clock().UTC().Truncate(time.Microsecond)
	e.CreatedAt, e.UpdatedAt = now, now
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO budget_editions (title, summary, currency, total_budget, area_kind, project_cap,
			max_votes, votes_per_area, vote_type, max_points, min_age, require_tie, rule, projects_to_fund, top_up,
			proposals_from, proposals_to, analysis_from, analysis_to, appeals_from, appeals_to, vote_from, vote_to, results_on,
			published, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28)
			RETURNING id`, editionValues(e, by.ID, now)...).Scan(&e.ID)
		if err != nil {
			return fmt.Errorf("insert edition: %w", store.Map(err))
		}
		for i := range e.Areas {
			a := &e.Areas[i]
			if err := tx.QueryRowContext(ctx, `INSERT INTO budget_areas (edition_id, position, name, budget) VALUES ($1, $2, $3, $4) RETURNING id`,
				e.ID, a.Position, a.Name, a.Budget).Scan(&a.ID); err != nil {
				return fmt.Errorf("insert area: %w", store.Map(err))
			}
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: by.ID, ActorRole: string(by.Role), Action: "budget.edition.create",
			Entity: "budget_edition", EntityID: strconv.FormatInt(e.ID, 10), Detail: e.Rule})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func editionValues(e *Edition, by int64, now time.Time) []any {
	d := calendar.FormatDate
	return []any{e.Title, e.Summary, string(e.Currency), e.TotalBudget, string(e.AreaKind), e.ProjectCap,
		e.MaxVotes, e.VotesPerArea, string(e.VoteType), e.MaxPoints, e.MinAge, boolInt(e.RequireTie), e.Rule, e.ProjectsToFund, e.TopUp,
		d(e.Proposals.From), d(e.Proposals.To), d(e.Analysis.From), d(e.Analysis.To), d(e.Appeals.From), d(e.Appeals.To),
		d(e.Vote.From), d(e.Vote.To), d(e.ResultsOn), boolInt(e.Published), store.NullID(by), nowMicro(now), nowMicro(now)}
}

// UpdateEdition changes an edition until its vote opens; from then on what
// decides the count is settled and the change is refused (Refused "locked"). An
// area that has proposals cannot be removed.
func (s *Service) UpdateEdition(ctx context.Context, by *identity.User, id int64, in EditionInput) (*Edition, error) {
	if by == nil || by.Role != identity.Admin {
		return nil, ErrForbidden
	}
	e, errs := parseEdition(in)
	if len(errs) > 0 {
		return nil, &InvalidInput{Errors: errs}
	}
	today := s.Today()
	now := s.clock().UTC().Truncate(time.Microsecond)
	err := s.db.Tx(ctx, func(tx *store.Tx) error {
		old, err := editionByID(ctx, tx, id, tx.Dialect().ForUpdate())
		if err != nil {
			return err
		}
		if old.Locked(today) {
			return refused("locked")
		}
		e.ID, e.CreatedAt, e.UpdatedAt = id, old.CreatedAt, now
		d := calendar.FormatDate
		_, err = tx.ExecContext(ctx, `UPDATE budget_editions SET title = $1, summary = $2, currency = $3, total_budget = $4, area_kind = $5,
			project_cap = $6, max_votes = $7, votes_per_area = $8, vote_type = $9, max_points = $10, min_age = $11, require_tie = $12,
			rule = $13, projects_to_fund = $14, top_up = $15, proposals_from = $16, proposals_to = $17, analysis_from = $18,
			analysis_to = $19, appeals_from = $20, appeals_to = $21, vote_from = $22, vote_to = $23, results_on = $24,
			published = $25, updated_at = $26 WHERE id = $27`,
			e.Title, e.Summary, string(e.Currency), e.TotalBudget, string(e.AreaKind), e.ProjectCap, e.MaxVotes, e.VotesPerArea,
			string(e.VoteType), e.MaxPoints, e.MinAge, boolInt(e.RequireTie), e.Rule, e.ProjectsToFund, e.TopUp,
			d(e.Proposals.From), d(e.Proposals.To), d(e.Analysis.From), d(e.Analysis.To), d(e.Appeals.From), d(e.Appeals.To),
			d(e.Vote.From), d(e.Vote.To), d(e.ResultsOn), boolInt(e.Published), nowMicro(now), id)
		if err != nil {
			return store.Map(err)
		}
		// Areas keep their ids by position, so proposals stay in their area.
		for i := range e.Areas {
			a := &e.Areas[i]
			if i < len(old.Areas) {
				a.ID = old.Areas[i].ID
				if _, err := tx.ExecContext(ctx, `UPDATE budget_areas SET name = $1, budget = $2 WHERE id = $3`, a.Name, a.Budget, a.ID); err != nil {
					return store.Map(err)
				}
				continue
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO budget_areas (edition_id, position, name, budget) VALUES ($1, $2, $3, $4) RETURNING id`,
				id, a.Position, a.Name, a.Budget).Scan(&a.ID); err != nil {
				return store.Map(err)
			}
		}
		for _, a := range old.Areas[min(len(e.Areas), len(old.Areas)):] {
			var used int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM budget_proposals WHERE area_id = $1`, a.ID).Scan(&used); err != nil {
				return err
			}
			if used > 0 {
				return &InvalidInput{Errors: []FieldError{{Field: "areas", Code: "area_in_use", Params: map[string]any{"Name": a.Name}}}}
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM budget_areas WHERE id = $1`, a.ID); err != nil {
				return store.Map(err)
			}
		}
		return audit.Append(ctx, tx, audit.Entry{ActorID: by.ID, ActorRole: string(by.Role), Action: "budget.edition.update",
			Entity: "budget_edition", EntityID: strconv.FormatInt(id, 10), Detail: e.Rule})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Today is the Bucharest date of the service's clock.
func (s *Service) Today() time.Time { return calendar.Civil(s.clock()) }

const editionColumns = `id, title, summary, currency, total_budget, area_kind, project_cap, max_votes, votes_per_area, vote_type,
	max_points, min_age, require_tie, rule, projects_to_fund, top_up, proposals_from, proposals_to, analysis_from, analysis_to,
	appeals_from, appeals_to, vote_from, vote_to, results_on, published, created_at, updated_at`

func scanEdition(row interface{ Scan(...any) error }) (*Edition, error) {
	var e Edition
	var currency, kind, voteType string
	var requireTie, published, created, updated int64
	dates := make([]string, 9)
	err := row.Scan(&e.ID, &e.Title, &e.Summary, &currency, &e.TotalBudget, &kind, &e.ProjectCap, &e.MaxVotes, &e.VotesPerArea,
		&voteType, &e.MaxPoints, &e.MinAge, &requireTie, &e.Rule, &e.ProjectsToFund, &e.TopUp,
		&dates[0], &dates[1], &dates[2], &dates[3], &dates[4], &dates[5], &dates[6], &dates[7], &dates[8], &published, &created, &updated)
	if err != nil {
		return nil, store.Map(err)
	}
	e.Currency, e.AreaKind, e.VoteType = Currency(currency), AreaKind(kind), VoteType(voteType)
	e.RequireTie, e.Published = requireTie != 0, published != 0
	e.CreatedAt, e.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	dst := []*time.Time{&e.Proposals.From, &e.Proposals.To, &e.Analysis.From, &e.Analysis.To, &e.Appeals.From, &e.Appeals.To,
		&e.Vote.From, &e.Vote.To, &e.ResultsOn}
	for i, s := range dates {
		t, err := calendar.ParseDate(s)
		if err != nil {
			return nil, fmt.Errorf("edition %d: %w", e.ID, err)
		}
		*dst[i] = t
	}
	return &e, nil
}

func editionByID(ctx context.Context, q store.Querier, id int64, suffix string) (*Edition, error) {
	e, err := scanEdition(q.QueryRowContext(ctx, `SELECT `+editionColumns+` FROM budget_editions WHERE id = $1`+suffix, id))
	if err != nil {
		return nil, err
	}
	e.Areas, err = areasOf(ctx, q, id)
	return e, err
}

func areasOf(ctx context.Context, q store.Querier, editionID int64) ([]Area, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, position, name, budget FROM budget_areas WHERE edition_id = $1 ORDER BY position`, editionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Area
	for rows.Next() {
		var a Area
		if err := rows.Scan(&a.ID, &a.Position, &a.Name, &a.Budget); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Edition returns an edition, published or not (the back office).
func (s *Service) Edition(ctx context.Context, id int64) (*Edition, error) {
	return editionByID(ctx, s.db.Read(), id, "")
}

// PublicEdition returns a published edition, or store.ErrNotFound: a draft is
// seen by the back office only.
func (s *Service) PublicEdition(ctx context.Context, id int64) (*Edition, error) {
	e, err := s.Edition(ctx, id)
	if err != nil {
		return nil, err
	}
	if !e.Published {
		return nil, store.ErrNotFound
	}
	return e, nil
}

// Editions lists editions, the newest vote first; published only unless all.
func (s *Service) Editions(ctx context.Context, all bool) ([]*Edition, error) {
	cond := " WHERE published = 1"
	if all {
		cond = ""
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+editionColumns+` FROM budget_editions`+cond+` ORDER BY vote_from DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	var out []*Edition
	for rows.Next() {
		e, err := scanEdition(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, e := range out {
		if e.Areas, err = areasOf(ctx, s.db.Read(), e.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AgeOn returns how old a person born on birth (a civil date) is on day.
func AgeOn(birth, day time.Time) int {
	age := day.Year() - birth.Year()
	if day.Month() < birth.Month() || day.Month() == birth.Month() && day.Day() < birth.Day() {
		age--
	}
	return age
}

var errNoRows = sql.ErrNoRows

func isNotFound(err error) bool {
	return errors.Is(err, store.ErrNotFound) || errors.Is(err, errNoRows)
}
