package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cetate/cetate/internal/budget"
	"github.com/cetate/cetate/internal/identity"
	"github.com/cetate/cetate/internal/store"
)

// budgetRoutes are the participatory budgeting pages of the portal. Editions,
// proposals, results and the receipt check are public; proposing, appealing and
// voting need a signed-in citizen, and the domain checks the rest (a verified CNP,
// the age, the phase).
func (wb *Web) budgetRoutes() []route {
	return []route{
		{"GET /buget-participativ", public, wb.budgetEditions},
		{"GET /buget-participativ/chitanta", public, wb.budgetReceiptForm},
		{"POST /buget-participativ/chitanta", public, wb.budgetReceiptCheck},
		{"GET /buget-participativ/{id}", public, wb.budgetEdition},
		{"GET /buget-participativ/{id}/propuneri/{pid}", public, wb.budgetProposal},
		{"GET /buget-participativ/{id}/propuneri/{pid}/foto/{n}", public, wb.budgetPhoto},
		{"GET /buget-participativ/{id}/rezultate", public, wb.budgetResults},
		{"GET /buget-participativ/{id}/rezultate.pb", public, wb.budgetResultsPB},

		{"GET /buget-participativ/{id}/propunere", citizen, wb.budgetProposeForm},
		{"POST /buget-participativ/{id}/propunere", citizen, wb.budgetPropose},
		{"POST /buget-participativ/{id}/propuneri/{pid}/contestatie", citizen, wb.budgetAppeal},
		{"GET /buget-participativ/{id}/vot", citizen, wb.budgetVoteForm},
		{"POST /buget-participativ/{id}/vot", citizen, wb.budgetVote},
	}
}

// budgetErr turns the domain's errors into the web's: a refusal stays for the
// page to explain, the rest map to 403 and 404.
func budgetErr(err error) error {
	switch {
	case errors.Is(err, budget.ErrForbidden):
		return errForbidden
	case errors.Is(err, store.ErrNotFound):
		return errNotFound
	}
	return err
}

// refusalStatus is the status of a page that explains a refusal: 403 when it is
// about the person, 409 when about the moment.
func refusalStatus(r *budget.Refused) int {
	if r.Personal() {
		return http.StatusForbidden
	}
	return http.StatusConflict
}

// budgetFieldErrors translates the domain's field errors for the error summary.
func budgetFieldErrors(rq *request, inv *budget.InvalidInput) []FieldError {
	out := make([]FieldError, 0, len(inv.Errors))
	for _, fe := range inv.Errors {
		out = append(out, FieldError{Field: fe.Field, Message: fe.Message(rq.Lang)})
	}
	return out
}

func (wb *Web) publicEdition(r *http.Request) (*budget.Edition, error) {
	id, err := pathInt(r, "id")
	if err != nil {
		return nil, err
	}
	e, err := wb.app.Budget.PublicEdition(r.Context(), id)
	return e, budgetErr(err)
}

type budgetListData struct {
	Editions []editionRow
}

type editionRow struct {
	*budget.Edition
	Phase budget.Phase
}

func (wb *Web) budgetEditions(w http.ResponseWriter, r *http.Request, rq *request) error {
	list, err := wb.app.Budget.Editions(r.Context(), false)
	if err != nil {
		return err
	}
	today := wb.app.Budget.Today()
	d := budgetListData{}
	for _, e := range list {
		d.Editions = append(d.Editions, editionRow{e, e.PhaseOn(today)})
	}
	return wb.render(w, r, rq, "budget_editions", "budget.editions.title", d)
}

// calStep is a line of an edition's calendar as the page shows it.
type calStep struct {
	budget.Step
	State string // done, now or next
}

func calendarOf(e *budget.Edition, today time.Time) []calStep {
	var out []calStep
	for _, s := range e.Calendar() {
		st := calStep{Step: s, State: "next"}
		switch {
		case s.To.IsZero() && !today.Before(s.From), !s.To.IsZero() && (budget.Span{From: s.From, To: s.To}).Contains(today):
			st.State = "now"
		case !s.To.IsZero() && today.After(s.To):
			st.State = "done"
		}
		out = append(out, st)
	}
	return out
}

// ruleKeys are the paragraphs that explain an edition's rule in plain words.
func ruleKeys(rule string) []string {
	base := strings.TrimSuffix(strings.TrimSuffix(rule, "_greedy"), "_add1")
	keys := []string{"budget.rule." + base + ".explain"}
	switch {
	case strings.HasSuffix(rule, "_add1_greedy"):
		keys = append(keys, "budget.rule.add1.explain", "budget.rule.greedy_completion.explain")
	case strings.HasSuffix(rule, "_add1"):
		keys = append(keys, "budget.rule.add1.explain")
	}
	return keys
}

type proposalRow struct {
	*budget.Proposal
	AreaName string
}

type budgetEditionData struct {
	E                                *budget.Edition
	Phase                            budget.Phase
	ProposalsOpen, VoteOpen, Results bool
	Calendar                         []calStep
	RuleKeys                         []string
	Criteria                         []string
	Proposals                        []proposalRow
	Mine                             []proposalRow
	Voted                            bool
}

func (wb *Web) budgetEdition(w http.ResponseWriter, r *http.Request, rq *request) error {
	e, err := wb.publicEdition(r)
	if err != nil {
		return err
	}
	today := wb.app.Budget.Today()
	d := budgetEditionData{E: e, Phase: e.PhaseOn(today), ProposalsOpen: e.Proposals.Contains(today), VoteOpen: e.Vote.Contains(today),
		Results: e.ResultsOut(today), Calendar: calendarOf(e, today), RuleKeys: ruleKeys(e.Rule), Criteria: budget.Criteria}
	list, err := wb.app.Budget.Proposals(r.Context(), e.ID, budget.ProposalFilter{})
	if err != nil {
		return err
	}
	for _, p := range list {
		row := proposalRow{Proposal: p}
		if a, ok := e.Area(p.AreaID); ok {
			row.AreaName = a.Name
		}
		d.Proposals = append(d.Proposals, row)
		if rq.User != nil && p.ProposerID == rq.User.ID {
			d.Mine = append(d.Mine, row)
		}
	}
	if rq.User != nil && rq.User.Role == identity.Citizen {
		_, err := wb.app.Budget.MyBallot(r.Context(), rq.User, e.ID)
		d.Voted = err == nil
	}
	return wb.render(w, r, rq, "budget_edition", "budget.edition.title", d)
}

// tieAnswer is what a citizen declared of their link to the city, for the form
// part the proposal and vote pages share (_budget_tie.html).
type tieAnswer struct {
	Tie      string
	Declared bool
}

func (d budgetProposeData) TieAnswer() tieAnswer { return tieAnswer{d.Form.Tie, d.Form.Declared} }
func (d budgetVoteData) TieAnswer() tieAnswer    { return tieAnswer{d.Tie, d.Declared} }

// budgetProposeData is the proposal form, as typed (files are not kept).
type budgetProposeData struct {
	E        *budget.Edition
	Form     budget.ProposalInput
	Refusal  string
	Limit    int64
	MapLink  string
	MaxMB    int
	MaxFiles int
}

// cityMap is OpenStreetMap around the city, where people find a point's
// coordinates without any script of ours.
func cityMap(city string) string {
	switch city {
	case "Timișoara":
		return "https://www.openstreetmap.org/#map=13/45.7489/21.2087"
	case "Cluj-Napoca":
		return "https://www.openstreetmap.org/#map=13/46.7712/23.6236"
	}
	return "https://www.openstreetmap.org/#map=7/45.94/24.97"
}

func (wb *Web) proposeData(e *budget.Edition) budgetProposeData {
	limit := e.TotalBudget
	if e.ProjectCap > 0 {
		limit = e.ProjectCap
	}
	return budgetProposeData{E: e, Limit: limit, MapLink: cityMap(wb.app.Budget.City()), MaxMB: budget.MaxPhotoBytes >> 20, MaxFiles: budget.MaxPhotos}
}

func (wb *Web) budgetProposeForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	e, err := wb.publicEdition(r)
	if err != nil {
		return err
	}
	d := wb.proposeData(e)
	today := wb.app.Budget.Today()
	err = budget.CanTakePart(e, rq.User, today)
	if err == nil && !e.Proposals.Contains(today) {
		err = &budget.Refused{Code: "proposals_closed"}
	}
	var ref *budget.Refused
	if errors.As(err, &ref) {
		d.Refusal = ref.Message(rq.Lang)
		w.WriteHeader(refusalStatus(ref))
	} else if err != nil {
		return budgetErr(err)
	}
	return wb.render(w, r, rq, "budget_propose", "budget.propose.title", d)
}

func (wb *Web) budgetPropose(w http.ResponseWriter, r *http.Request, rq *request) error {
	e, err := wb.publicEdition(r)
	if err != nil {
		return err
	}
	in := budget.ProposalInput{Title: r.FormValue("title"), Description: r.FormValue("description"), Area: r.FormValue("area"),
		Address: r.FormValue("address"), Location: r.FormValue("location"), Cost: r.FormValue("cost"), Tie: r.FormValue("tie"),
		Declared: r.FormValue("declared") != ""}
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["photos"] {
			f, err := fh.Open()
			if err != nil {
				return err
			}
			data, err := io.ReadAll(io.LimitReader(f, budget.MaxPhotoBytes+1))
			f.Close()
			if err != nil {
				return err
			}
			in.Photos = append(in.Photos, budget.Upload{Name: fh.Filename, Data: data})
		}
	}
	p, err := wb.app.Budget.Propose(r.Context(), rq.User, e.ID, in, wb.baseURL(r), rq.Lang)
	d := wb.proposeData(e)
	d.Form = in
	var inv *budget.InvalidInput
	var ref *budget.Refused
	switch {
	case errors.As(err, &inv):
		w.WriteHeader(http.StatusUnprocessableEntity)
		return wb.render(w, r, rq, "budget_propose", "budget.propose.title", d, budgetFieldErrors(rq, inv)...)
	case errors.As(err, &ref):
		d.Refusal = ref.Message(rq.Lang)
		w.WriteHeader(refusalStatus(ref))
		return wb.render(w, r, rq, "budget_propose", "budget.propose.title", d)
	case err != nil:
		return budgetErr(err)
	}
	return wb.redirect(w, r, budget.ProposalPath(e.ID, p.ID)+"?nou=1", "")
}

type budgetProposalData struct {
	E          *budget.Edition
	P          *budget.Proposal
	AreaName   string
	New        bool
	Mine       bool
	CanAppeal  bool
	MergedInto *budget.Proposal
	MapLink    string
	Appeal     string
	Desc       []string
}

// paragraphs splits a text typed in a text area at its line breaks.
func paragraphs(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// osmLink is OpenStreetMap centred on a proposal's point, with a marker.
func osmLink(p *budget.Proposal) string {
	lat, lon, ok := p.LatLon()
	if !ok {
		return ""
	}
	la, lo := strconv.FormatFloat(lat, 'f', 6, 64), strconv.FormatFloat(lon, 'f', 6, 64)
	return "https://www.openstreetmap.org/?" + url.Values{"mlat": {la}, "mlon": {lo}}.Encode() + "#map=18/" + la + "/" + lo
}

func (wb *Web) loadProposal(r *http.Request) (*budget.Proposal, *budget.Edition, error) {
	eid, err := pathInt(r, "id")
	if err != nil {
		return nil, nil, err
	}
	pid, err := pathInt(r, "pid")
	if err != nil {
		return nil, nil, err
	}
	p, e, err := wb.app.Budget.Proposal(r.Context(), pid)
	if err != nil {
		return nil, nil, budgetErr(err)
	}
	if e.ID != eid {
		return nil, nil, errNotFound
	}
	return p, e, nil
}

func (wb *Web) proposalPage(w http.ResponseWriter, r *http.Request, rq *request, p *budget.Proposal, e *budget.Edition, d budgetProposalData, status int, errs ...FieldError) error {
	d.E, d.P, d.MapLink, d.Desc = e, p, osmLink(p), paragraphs(p.Description)
	if a, ok := e.Area(p.AreaID); ok {
		d.AreaName = a.Name
	}
	d.Mine = rq.User != nil && rq.User.ID == p.ProposerID
	d.CanAppeal = d.Mine && p.Status == budget.Ineligible && p.Appeal == nil && e.Appeals.Contains(wb.app.Budget.Today())
	if p.MergedInto != 0 {
		if into, _, err := wb.app.Budget.Proposal(r.Context(), p.MergedInto); err == nil {
			d.MergedInto = into
		}
	}
	if status != http.StatusOK {
		w.WriteHeader(status)
	}
	return wb.render(w, r, rq, "budget_proposal", "budget.proposal.title", d, errs...)
}

func (wb *Web) budgetProposal(w http.ResponseWriter, r *http.Request, rq *request) error {
	p, e, err := wb.loadProposal(r)
	if err != nil {
		return err
	}
	return wb.proposalPage(w, r, rq, p, e, budgetProposalData{New: r.URL.Query().Get("nou") == "1"}, http.StatusOK)
}

// budgetPhoto serves a proposal's photo; photos of published proposals are public.
func (wb *Web) budgetPhoto(w http.ResponseWriter, r *http.Request, rq *request) error {
	p, _, err := wb.loadProposal(r)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		return errNotFound
	}
	data, ct, err := wb.app.Budget.PhotoData(r.Context(), p.ID, n)
	if err != nil {
		return budgetErr(err)
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, err = w.Write(data)
	return err
}

func (wb *Web) budgetAppeal(w http.ResponseWriter, r *http.Request, rq *request) error {
	p, e, err := wb.loadProposal(r)
	if err != nil {
		return err
	}
	text := r.FormValue("appeal")
	_, err = wb.app.Budget.FileAppeal(r.Context(), rq.User, p.ID, text)
	var inv *budget.InvalidInput
	var ref *budget.Refused
	switch {
	case errors.As(err, &inv):
		return wb.proposalPage(w, r, rq, p, e, budgetProposalData{Appeal: text}, http.StatusUnprocessableEntity, budgetFieldErrors(rq, inv)...)
	case errors.As(err, &ref):
		return wb.proposalPage(w, r, rq, p, e, budgetProposalData{Appeal: text}, refusalStatus(ref),
			FieldError{Field: "appeal", Message: ref.Message(rq.Lang)})
	case err != nil:
		return budgetErr(err)
	}
	return wb.redirect(w, r, budget.ProposalPath(e.ID, p.ID), "budget.appeal.filed")
}

// ballotArea is one area's projects on the vote form.
type ballotArea struct {
	Area     budget.Area
	Projects []ballotProject
	Error    string
}

type ballotProject struct {
	*budget.Proposal
	Checked bool
	Points  string
	Error   string
}

type budgetVoteData struct {
	E        *budget.Edition
	Areas    []ballotArea
	Refusal  string
	Voted    bool
	Tie      string
	Declared bool
	Receipt  *budget.Receipt
}

// voteData builds the ballot, ticked as in, or as the voter's current ballot.
func (wb *Web) voteData(r *http.Request, rq *request, e *budget.Edition, in *budget.BallotInput, errs []FieldError) (*budgetVoteData, error) {
	d := &budgetVoteData{E: e}
	projects, err := wb.app.Budget.Proposals(r.Context(), e.ID, budget.ProposalFilter{Status: budget.Eligible})
	if err != nil {
		return nil, err
	}
	mine, err := wb.app.Budget.MyBallot(r.Context(), rq.User, e.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	d.Voted = mine != nil
	if in == nil && mine != nil {
		d.Tie, d.Declared = mine.Tie, mine.Tie != ""
	} else if in != nil {
		d.Tie, d.Declared = in.Tie, in.Declared
	}
	errFor := func(field string) string {
		for _, fe := range errs {
			if fe.Field == field {
				return fe.Message
			}
		}
		return ""
	}
	for _, a := range e.Areas {
		ba := ballotArea{Area: a, Error: errFor(fmt.Sprintf("area-%d", a.ID))}
		for _, p := range projects {
			if p.AreaID != a.ID {
				continue
			}
			bp := ballotProject{Proposal: p, Error: errFor(fmt.Sprintf("points-%d", p.ID))}
			id := strconv.FormatInt(p.ID, 10)
			switch {
			case in != nil:
				for _, x := range in.Approve {
					bp.Checked = bp.Checked || x == id
				}
				bp.Points = in.Points[id]
			case mine != nil:
				if n, ok := mine.Has(p.ID); ok {
					bp.Checked, bp.Points = true, strconv.Itoa(n)
				}
			}
			ba.Projects = append(ba.Projects, bp)
		}
		if len(ba.Projects) > 0 {
			d.Areas = append(d.Areas, ba)
		}
	}
	return d, nil
}

func (wb *Web) budgetVoteForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	e, err := wb.publicEdition(r)
	if err != nil {
		return err
	}
	d, err := wb.voteData(r, rq, e, nil, nil)
	if err != nil {
		return err
	}
	err = budget.CanTakePart(e, rq.User, e.Vote.From)
	if err == nil && !e.Vote.Contains(wb.app.Budget.Today()) {
		err = &budget.Refused{Code: "vote_closed"}
	}
	var ref *budget.Refused
	if errors.As(err, &ref) {
		d.Refusal = ref.Message(rq.Lang)
		w.WriteHeader(refusalStatus(ref))
	} else if err != nil {
		return budgetErr(err)
	}
	return wb.render(w, r, rq, "budget_vote", "budget.vote.title", d)
}

func (wb *Web) budgetVote(w http.ResponseWriter, r *http.Request, rq *request) error {
	e, err := wb.publicEdition(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := budget.BallotInput{Approve: r.PostForm["project"], Points: map[string]string{}, Tie: r.PostFormValue("tie"),
		Declared: r.PostFormValue("declared") != ""}
	for k, v := range r.PostForm {
		if id, ok := strings.CutPrefix(k, "points-"); ok && len(v) > 0 {
			in.Points[id] = v[0]
		}
	}
	rc, err := wb.app.Budget.Vote(r.Context(), rq.User, e.ID, in)
	var inv *budget.InvalidInput
	var ref *budget.Refused
	switch {
	case errors.As(err, &inv):
		errs := budgetFieldErrors(rq, inv)
		d, err := wb.voteData(r, rq, e, &in, errs)
		if err != nil {
			return err
		}
		w.WriteHeader(http.StatusUnprocessableEntity)
		return wb.render(w, r, rq, "budget_vote", "budget.vote.title", d, errs...)
	case errors.As(err, &ref):
		d, err := wb.voteData(r, rq, e, &in, nil)
		if err != nil {
			return err
		}
		d.Refusal = ref.Message(rq.Lang)
		w.WriteHeader(refusalStatus(ref))
		return wb.render(w, r, rq, "budget_vote", "budget.vote.title", d)
	case err != nil:
		return budgetErr(err)
	}
	// The receipt's code is shown on this answer only: it is not stored, so it
	// cannot travel in a redirect. 201: the ballot is stored.
	w.WriteHeader(http.StatusCreated)
	return wb.render(w, r, rq, "budget_voted", "budget.voted.title", &budgetVoteData{E: e, Receipt: rc})
}

type budgetReceiptData struct {
	Code   string
	Status *budget.ReceiptStatus
}

func (wb *Web) budgetReceiptForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return wb.render(w, r, rq, "budget_receipt", "budget.receipt.title", budgetReceiptData{})
}

// budgetReceiptCheck finds a receipt by its code (sent in a form, so that the
// code stays out of addresses and logs), limited per client against guessing.
func (wb *Web) budgetReceiptCheck(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := budgetReceiptData{Code: strings.TrimSpace(r.FormValue("code"))}
	if code := budget.NormalizeCode(d.Code); len(code) != 19 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		return wb.render(w, r, rq, "budget_receipt", "budget.receipt.title", d, FieldError{"code", rq.t("budget.receipt.code_format")})
	}
	if !wb.limits.allow("receipt:" + clientIP(r)) {
		return errTooMany
	}
	st, err := wb.app.Budget.CheckReceipt(r.Context(), d.Code)
	if errors.Is(err, store.ErrNotFound) {
		w.WriteHeader(http.StatusNotFound)
		return wb.render(w, r, rq, "budget_receipt", "budget.receipt.title", d, FieldError{"code", rq.t("budget.receipt.not_found")})
	}
	if err != nil {
		return err
	}
	d.Status = st
	return wb.render(w, r, rq, "budget_receipt", "budget.receipt.title", d)
}

type budgetResultsData struct {
	E        *budget.Edition
	NotYet   bool
	R        *budget.Results
	Rows     []resultRow
	Winners  []resultRow
	Zones    []zoneView
	Chart    template.HTML
	RuleKeys []string
	Spent    int64
	Prices   bool
	Points   bool
	PBName   string
}

// pbName is the download's file name: city, year and edition.
func (wb *Web) pbName(e *budget.Edition) string {
	return fmt.Sprintf("%s_%d_%d.pb", slugASCII(wb.app.Budget.City()), e.Year(), e.ID)
}

func slugASCII(s string) string {
	var b strings.Builder
	for _, r := range strings.NewReplacer("ș", "s", "ț", "t", "ă", "a", "â", "a", "î", "i").Replace(s) {
		if r < 128 && (r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (wb *Web) budgetResults(w http.ResponseWriter, r *http.Request, rq *request) error {
	e, err := wb.publicEdition(r)
	if err != nil {
		return err
	}
	res, err := wb.app.Budget.Results(r.Context(), e.ID)
	var ref *budget.Refused
	if errors.As(err, &ref) {
		// Before their day the results do not exist yet: 404, and when they will.
		w.WriteHeader(http.StatusNotFound)
		return wb.render(w, r, rq, "budget_results", "budget.results.title", budgetResultsData{E: e, NotYet: true})
	}
	if err != nil {
		return budgetErr(err)
	}
	d := budgetResultsData{E: e, R: res, RuleKeys: ruleKeys(e.Rule), Prices: len(res.Tally.Prices) > 0, Points: res.Tally.HasPoints,
		PBName: wb.pbName(e)}
	for _, row := range res.Rows {
		d.Rows = append(d.Rows, resultRow{ResultRow: row, Price: price(rq.Lang, row.Price)})
	}
	for _, row := range res.Winners {
		d.Spent += row.Cost
		d.Winners = append(d.Winners, resultRow{ResultRow: row, Price: price(rq.Lang, row.Price)})
	}
	for _, z := range res.Zones {
		f := func(r *big.Rat) float64 { v, _ := r.Float64(); return v }
		d.Zones = append(d.Zones, zoneView{Name: z.Area.Name, Budget: f(z.Budget), Spent: f(z.Spent), TopUp: f(z.TopUp), Leftover: f(z.Leftover)})
	}
	if d.Chart, err = resultsChart(rq.Lang, res); err != nil {
		return err
	}
	return wb.render(w, r, rq, "budget_results", "budget.results.title", d)
}

// budgetResultsPB is the edition's .pb file, written whole before it is sent so
// that a failure gives an error page and not half a file.
func (wb *Web) budgetResultsPB(w http.ResponseWriter, r *http.Request, rq *request) error {
	e, err := wb.publicEdition(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	err = wb.app.Budget.ExportPB(r.Context(), &buf, e.ID)
	var ref *budget.Refused
	if errors.As(err, &ref) {
		return errNotFound
	}
	if err != nil {
		return budgetErr(err)
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+wb.pbName(e)+`"`)
	h.Set("Cache-Control", "public, max-age=3600")
	_, err = w.Write(buf.Bytes())
	return err
}

// zoneView is a zone's account with amounts the page can format.
type zoneView struct {
	Name                           string
	Budget, Spent, TopUp, Leftover float64
}

// resultRow is a project's figures with its price written for the page.
type resultRow struct {
	budget.ResultRow
	Price string
}

// price writes an Equal Shares price with two decimals, as lang writes numbers.
func price(lang string, p *big.Rat) string {
	if p == nil {
		return ""
	}
	f, _ := p.Float64()
	return formatNumber(lang, f, 2)
}

// chartBar is one bar of the results chart.
type chartBar struct {
	Y, Width, TextY, ValueX int
	Label, Value            string
	Winner                  bool
}

type chartData struct {
	Title, Desc     string
	Height, LabelsX int
	BarsX           int
	Bars            []chartBar
	Legend          string
	LegendY         int
}

// chartTemplate draws the votes as horizontal bars, the funded projects dark and
// marked with a tick (the mark, not the colour alone, tells them apart). The SVG
// has a title and a description for screen readers; the table after it has
// every figure.
var chartTemplate = template.Must(template.New("chart").Parse(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 {{.Height}}" width="100%" role="img" aria-labelledby="chart-title chart-desc" focusable="false">
<title id="chart-title">{{.Title}}</title>
<desc id="chart-desc">{{.Desc}}</desc>
{{range .Bars}}<g>
<text x="{{$.LabelsX}}" y="{{.TextY}}" font-size="14" fill="#1b1f24" text-anchor="end">{{if .Winner}}✓ {{end}}{{.Label}}</text>
<rect x="{{$.BarsX}}" y="{{.Y}}" width="{{.Width}}" height="20" fill="{{if .Winner}}#116b35{{else}}#6b7380{{end}}"></rect>
<text x="{{.ValueX}}" y="{{.TextY}}" font-size="14" fill="#1b1f24">{{.Value}}</text>
</g>
{{end}}<text x="{{.BarsX}}" y="{{.LegendY}}" font-size="14" fill="#1b1f24">✓ {{.Legend}}</text>
</svg>`))

// resultsChart draws every project's supporters (points on cumulative ballots).
func resultsChart(lang string, res *budget.Results) (template.HTML, error) {
	const labelsX, barsX, maxWidth, step = 300, 310, 400, 28
	var top int64 = 1
	value := func(row budget.ResultRow) int64 {
		if res.Tally.HasPoints {
			return row.Points
		}
		return row.Supporters
	}
	for _, row := range res.Rows {
		top = max(top, value(row))
	}
	d := chartData{LabelsX: labelsX, BarsX: barsX,
		Title:  i18nT(lang, "budget.chart.title", "Edition", res.Edition.Title),
		Legend: i18nT(lang, "budget.chart.legend")}
	winners := 0
	for i, row := range res.Rows {
		label := []rune(row.Proposal.Title)
		if len(label) > 38 {
			label = append(label[:37], '…')
		}
		v := value(row)
		width := int(v * maxWidth / top)
		d.Bars = append(d.Bars, chartBar{Y: 10 + i*step, TextY: 25 + i*step, Width: width, ValueX: barsX + width + 6,
			Label: string(label), Value: formatNumber(lang, float64(v), 0), Winner: row.Selected()})
		if row.Selected() {
			winners++
		}
	}
	key := "budget.chart.desc_votes"
	if res.Tally.HasPoints {
		key = "budget.chart.desc_points"
	}
	d.Desc = i18nT(lang, key, "Projects", len(res.Rows), "Winners", winners, "Ballots", res.Ballots)
	d.LegendY = 10 + len(res.Rows)*step + 20
	d.Height = d.LegendY + 10
	var buf bytes.Buffer
	if err := chartTemplate.Execute(&buf, d); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}
